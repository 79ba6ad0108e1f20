// The console's only script: confirmations, the upload size check and the job progress bar. Every
// form works without it; only the live progress needs it (else the page shows the state it loaded with).
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.dataset.confirm;
  if (message && !window.confirm(message)) { event.preventDefault(); return; }
  const file = form.querySelector("input[type=file]");
  const limit = Number(form.dataset.limit || 0);
  if (file && limit && file.files.length && file.files[0].size > limit) {
    event.preventDefault();
    window.alert(`文件太大：上限为 ${Math.round(limit / 1048576)} MB。`);
    return;
  }
  // One submission per click: a second would start a second job.
  form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
});

function followJob(section) {
  const bar = section.querySelector("progress");
  const text = section.querySelector("[role=status]");
  const url = `/admin/api/jobs/${section.dataset.job}`;
  const poll = async () => {
    let job;
    try {
      const reply = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!reply.ok) throw new Error(String(reply.status));
      job = await reply.json();
    } catch (error) {
      text.textContent = "暂时无法获取进度，正在重试…";
      setTimeout(poll, 2000);
      return;
    }
    bar.value = Math.round(job.progress);
    bar.textContent = `${Math.round(job.progress)}%`;
    text.textContent = job.message;
    section.dataset.state = job.state;
    if (!job.finished) { setTimeout(poll, 500); return; }
    section.classList.toggle("failed", job.state === "failed");
    if (job.state === "done") setTimeout(() => window.location.reload(), 800);  // the table shows the change
  };
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("section.job[data-job]");
  if (section && ["running", "waiting", "preview"].includes(section.dataset.state)) followJob(section);
});

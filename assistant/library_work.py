"""Changing the library from the console: an upload is checked and previewed first; adding, removing
and rebuilding then run in a background thread that writes its progress to the job's row.

The work is ``library_admin.change_library``, the same as `assistant index …`: a new generation is
written beside the live one and swapped in whole, so a failure leaves the live library as it was, and
every server picks the change up from the store's head (index/search/live_view.py).
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.accounts import Accounts
from assistant.library_admin import change_library, preview_report
from assistant.library_jobs import Jobs, Kind
from assistant.library_progress import JobProgress
from core.errors import AssistantError
from core.settings import Settings

log = logging.getLogger("assistant.admin")
SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
UNTOUCHED = "在线的报告库没有任何改动。"


class UploadRefused(Exception):
    """A file the console will not take; ``message`` says why, in Chinese, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def report_id(filename: str) -> str:
    """The library id of an uploaded file: its name without the extension (as `assistant index add`)."""
    stem = Path(filename.replace("\\", "/")).stem.strip()
    if not stem or _UNSAFE_NAME.search(stem) or stem.startswith(".") or len(stem) > 120:
        raise UploadRefused("文件名不可用：请改用不含特殊符号、长度不超过 120 个字的文件名。")
    return stem


def check_upload(filename: str, size: int, limit: int) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadRefused(f"不支持「{suffix or '无扩展名'}」格式：请上传 .txt、.md、.docx、.pdf 或 .html 文件。")
    if size == 0:
        raise UploadRefused("文件是空的，请重新选择。")
    if size > limit:
        raise UploadRefused(f"文件太大（{size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB。")
    return suffix


def _refusal(filename: str, exc: AssistantError) -> UploadRefused:
    # The readers' messages are written for citizens ("请联系管理员"); here the reader is the administrator.
    reason = exc.user_message.removesuffix("请联系管理员。").rstrip("，, ")
    return UploadRefused(f"「{Path(filename).name}」无法上线：{reason}。{UNTOUCHED}")


class LibraryWork:
    """``embedder``: the server's loaded model (else one is loaded when vectors are needed);
    ``after``: called when a change is live (the server then reloads its view at once)."""

    def __init__(
        self,
        settings: Settings,
        jobs: Jobs,
        accounts: Accounts,
        embedder: Any = None,
        after: Callable[[], object] | None = None,
    ) -> None:
        self.settings = settings
        self.jobs = jobs
        self.accounts = accounts
        self.embedder = embedder
        self.after = after

    def upload(self, filename: str, content: bytes, user: str, replace: str = "") -> int:
        """Check and split the file without touching the library; the job waits for ``confirm``."""
        suffix = check_upload(filename, len(content), self.settings.admin.max_upload_bytes)
        if replace and replace not in {d.doc_id for d in self._reports()}:
            raise UploadRefused(f"报告库中没有「{replace}」，无法替换；请作为新报告上传。")
        doc_id = replace or report_id(filename)
        with tempfile.TemporaryDirectory(prefix="upload-") as folder:
            path = Path(folder) / f"{doc_id}{suffix}"
            path.write_bytes(content)
            try:
                preview = preview_report(self.settings, path)
            except AssistantError as exc:
                log.warning("console upload %r by %s refused: %s", filename, user, exc)
                raise _refusal(filename, exc) from None
        name = Path(filename.replace("\\", "/")).name
        return self.jobs.stage("add", user, doc_id=doc_id, filename=name, content=content, preview=asdict(preview))

    def confirm(self, job_id: int, user: str, ip: str = "") -> bool:
        """Put a previewed upload live, in the background; False if another job is running."""
        job = self.jobs.get(job_id)
        if job is None or job.state != "preview" or not self.jobs.claim(job_id):
            return False
        replacing = any(d.doc_id == job.doc_id for d in self._reports())
        self.accounts.audit(user, "replace" if replacing else "add", job.doc_id, job.filename, ip)
        self._start(job_id, "add", lambda progress: self._add(job_id, job.filename, job.doc_id, progress))
        return True

    def remove(self, doc_id: str, user: str, ip: str = "") -> int | None:
        return self._begin("remove", user, ip, doc_id, lambda progress: self._change("remove", progress, [doc_id]))

    def rebuild(self, user: str, ip: str = "") -> int | None:
        return self._begin("rebuild", user, ip, "", lambda progress: self._change("rebuild", progress))

    # -- the work ------------------------------------------------------------------------------

    def _reports(self) -> list[Any]:
        from assistant.library_admin import list_reports

        return list_reports(self.settings)

    def _begin(self, kind: Kind, user: str, ip: str, doc_id: str, work: Callable[[JobProgress], str]) -> int | None:
        job_id = self.jobs.stage(kind, user, doc_id=doc_id)
        if not self.jobs.claim(job_id):
            self.jobs.cancel(job_id)
            return None
        self.accounts.audit(user, kind, doc_id, "", ip)
        self._start(job_id, kind, work)
        return job_id

    def _start(self, job_id: int, kind: str, work: Callable[[JobProgress], str]) -> None:
        thread = threading.Thread(target=self._run, args=(job_id, kind, work), name=f"library-{kind}", daemon=True)
        thread.start()

    def _run(self, job_id: int, kind: str, work: Callable[[JobProgress], str]) -> None:
        progress = JobProgress(self.jobs, job_id)
        try:
            with progress.heartbeat():
                summary = work(progress)
        except AssistantError as exc:
            log.warning("library %s (job %d) failed: %s", kind, job_id, exc)
            self.jobs.finish(job_id, "failed", f"失败：{exc.user_message}{UNTOUCHED}")
            return
        except Exception:
            log.exception("library %s (job %d) failed", kind, job_id)
            self.jobs.finish(job_id, "failed", f"失败：内部错误，详情见服务器日志。{UNTOUCHED}")
            return
        log.info("library %s (job %d) done: %s", kind, job_id, summary)
        if self.after is not None:
            self.after()
        self.jobs.finish(job_id, "done", "已完成，新的报告库已上线。")

    def _add(self, job_id: int, filename: str, doc_id: str, progress: JobProgress) -> str:
        content = self.jobs.content(job_id)
        if content is None:
            raise AssistantError("the uploaded file is gone", user_message="上传的文件已不在，请重新上传。")
        with tempfile.TemporaryDirectory(prefix="upload-") as folder:
            path = Path(folder) / f"{doc_id}{Path(filename).suffix.lower()}"
            path.write_bytes(content)
            return self._change("add", progress, files=[path])

    def _change(self, change: Any, progress: JobProgress, doc_ids: list[str] | None = None, **files: Any) -> str:
        embedder = progress.counting(self.embedder) if self.embedder is not None else None
        report = change_library(
            self.settings, change, doc_ids=doc_ids, progress=progress.say, embedder=embedder, **files
        )
        return report.summary()

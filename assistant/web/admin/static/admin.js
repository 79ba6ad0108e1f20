// The console's only script: confirmations and the job progress bar. Everything works without it
// except the live progress (the page then shows the state when it was loaded).
"use strict";
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

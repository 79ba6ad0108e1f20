"""How far a library job is, written to its row for the page's progress bar.

Embedding is nearly all of the time of adding a report, so the bar follows the chunks embedded: the
embedder is wrapped to embed in slices and count them. The total comes from the library's own
progress line ("N chunks to embed"), the one place that knows how many chunks need new vectors.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from assistant.library_jobs import Jobs

TO_EMBED = re.compile(r"(\d+) chunks to embed")
SLICE = 16  # passages per model call while counting: the default embedding batch, so no slower, and a smooth bar
REPORT_EVERY = 0.3  # seconds between progress writes
HEARTBEAT = 20.0  # seconds: a live job's row never looks stale (library_jobs.STALE_SECONDS)
READ, EMBED_FROM, EMBED_TO = 5.0, 10.0, 95.0  # the bar's share for reading, then embedding


class JobProgress:
    def __init__(self, jobs: Jobs, job_id: int) -> None:
        self.jobs = jobs
        self.job_id = job_id
        self.total = 0
        self.done = 0
        self.percent = READ
        self.message = "正在读取报告…"
        self._written = 0.0
        self.jobs.report(job_id, self.percent, self.message)

    def _write(self, percent: float, message: str, *, force: bool = False) -> None:
        self.percent, self.message = percent, message
        if force or time.monotonic() - self._written >= REPORT_EVERY:
            self._written = time.monotonic()
            self.jobs.report(self.job_id, percent, message)

    def say(self, line: str) -> None:
        """The library's progress lines (English, for operators) → the bar's stage."""
        found = TO_EMBED.search(line)
        if found:
            self.total = int(found.group(1))
            self._embedded(0)
        elif self.percent < EMBED_FROM:
            self._write(EMBED_FROM, "正在更新索引…", force=True)

    def _embedded(self, count: int) -> None:
        self.done += count
        if self.total == 0:
            self._write(EMBED_TO, "正在写入索引并切换到新版本…", force=True)
            return
        share = min(self.done / self.total, 1.0)
        message = f"正在计算向量：{self.done} / {self.total} 段"
        self._write(EMBED_FROM + (EMBED_TO - EMBED_FROM) * share, message, force=self.done >= self.total)
        if self.done >= self.total:
            self._write(EMBED_TO, "正在写入索引并切换到新版本…", force=True)

    def counting(self, embedder: Any) -> Any:
        return CountingEmbedder(embedder, self._embedded)

    @contextmanager
    def heartbeat(self) -> Iterator[None]:
        """Touch the row while the job runs, also through long steps that report nothing."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(HEARTBEAT):
                self.jobs.report(self.job_id, self.percent, self.message)

        thread = threading.Thread(target=beat, name=f"job-{self.job_id}-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)


class CountingEmbedder:
    """The server's embedder, embedding passages in slices and counting them; all else passes through."""

    def __init__(self, inner: Any, embedded: Any) -> None:
        self.inner = inner
        self.embedded = embedded

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def embed_passages(self, texts: list[str], **options: Any) -> np.ndarray:
        if not texts:
            return self.inner.embed_passages(texts, **options)
        parts = []
        for start in range(0, len(texts), SLICE):
            parts.append(self.inner.embed_passages(texts[start : start + SLICE], **options))
            self.embedded(len(parts[-1]))
        return np.vstack(parts)

"""Every question the service answered or refused, for the console's 概览: one row each, written off the
request path.

An answer must not wait for a database commit (with ``synchronous=FULL`` a commit is an fsync, several
ms), so rows are queued in memory and a background thread writes them in batches, one transaction per
batch, every ``flush_seconds``. ``close`` (called at exit, and by the tests) writes what is left, so a
clean shutdown loses nothing; a crash may lose the last fraction of a second of counts, never a rating
(ratings are written at once, assistant/feedback.py).
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import deque
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from assistant.feedback import metadata

log = logging.getLogger(__name__)
BATCH = 1000  # rows that wake the writer before its tick (a burst of answers)

questions_table = sa.Table(
    "questions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("asked_at", sa.String(40), nullable=False),  # ISO, UTC: sorts and slices by day as text
    sa.Column("message_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("doc", sa.String(200), nullable=False, server_default=""),
    sa.Column("form", sa.String(16), nullable=False, server_default="fact"),
    sa.Column("refused", sa.Boolean, nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("latency_ms", sa.Float, nullable=False),
    sa.Column("question", sa.Text, nullable=True),  # only with logging.questions: true, masked
    sa.Index("questions_asked_at", "asked_at"),
    sa.Index("questions_message", "message_id"),
    sqlite_autoincrement=True,
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def ensure_table(engine: Engine) -> None:
    try:
        questions_table.create(engine, checkfirst=True)
    except DBAPIError:
        if not sa.inspect(engine).has_table(questions_table.name):  # not just another server being first
            raise


class QuestionLog:
    """``record(row)`` returns at once; the rows reach the database within ``flush_seconds``."""

    def __init__(self, engine: Engine, *, flush_seconds: float = 0.5, max_pending: int = 50_000) -> None:
        ensure_table(engine)
        self.engine = engine
        self.flush_seconds = flush_seconds
        self.max_pending = max_pending  # a database down for long: drop the oldest counts, not the server
        self._pending: deque[dict[str, Any]] = deque()
        self._write_lock = threading.Lock()
        self._closed = threading.Event()
        self._wake = threading.Event()  # a full batch is waiting: write it now, not at the next tick
        self._dropped = 0
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        atexit.register(self.close)

    def record(self, **row: Any) -> None:
        row.setdefault("asked_at", now_iso())
        self._pending.append(row)  # deque.append is atomic: no lock on the answer's path
        if len(self._pending) > self.max_pending:
            self._pending.popleft()
            self._dropped += 1  # reported once per write, not once per row
        if len(self._pending) >= BATCH:
            self._wake.set()
        if self._closed.is_set():
            self.flush()  # after close (interpreter exit): nobody else will write it
        elif self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="question-log", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._closed.is_set():
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            if not self._closed.is_set() and not self.flush() and self._pending:
                self._closed.wait(self.flush_seconds)  # the database is failing: no tight retry loop

    def flush(self) -> int:
        """Write every queued row now (the console calls this so it shows this process's latest)."""
        with self._write_lock:
            if self._dropped:
                log.warning("question log: database behind, %d oldest rows dropped", self._dropped)
                self._dropped = 0
            batch = [self._pending.popleft() for _ in range(len(self._pending))]
            if not batch:
                return 0
            try:
                with self.engine.begin() as db:
                    db.execute(questions_table.insert(), batch)
            except SQLAlchemyError:
                log.exception("question log: %d rows not written, kept for the next try", len(batch))
                self._pending.extendleft(reversed(batch))
                return 0
            return len(batch)

    def close(self) -> None:
        """Stop the writer and write what is left (idempotent)."""
        self._closed.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self.flush()
        atexit.unregister(self.close)

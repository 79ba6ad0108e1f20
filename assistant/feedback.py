"""What citizens told us: ratings of answers, and the questions the report could not answer.

One SQLite file in ``settings.state_dir``. Every call opens its own connection, so uvicorn's
worker threads never share one, and commits before returning: a row that was acknowledged is
on disk (WAL with ``synchronous=FULL``), even if the process dies right after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

Rating = Literal["up", "down"]
FILENAME = "feedback.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_message ON feedback (message_id);
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    message_id: str
    rating: Rating
    comment: str
    created_at: str


@dataclass(frozen=True)
class UnansweredRow:
    id: int
    question: str
    reason: str
    created_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    """``FeedbackStore.for_state_dir(settings.state_dir).unanswered()`` lists the latest gaps."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # persists in the file; readers never block writers
            db.executescript(_SCHEMA)

    @classmethod
    def for_state_dir(cls, state_dir: Path) -> FeedbackStore:
        return cls(Path(state_dir) / FILENAME)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection whose block is one transaction: committed on exit, rolled back on error."""
        with closing(sqlite3.connect(self.path, timeout=10.0)) as db:
            db.execute("PRAGMA synchronous=FULL")  # NORMAL may drop the last commits on power loss
            db.execute("PRAGMA busy_timeout=10000")
            with db:
                yield db

    def add_feedback(self, message_id: str, rating: Rating, comment: str = "") -> int:
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (message_id, rating, comment, created_at) VALUES (?, ?, ?, ?)",
                (message_id, rating, comment, _now()),
            )
        return int(cursor.lastrowid or 0)

    def log_unanswered(self, question: str, reason: str = "") -> int:
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO unanswered (question, reason, created_at) VALUES (?, ?, ?)",
                (question, reason, _now()),
            )
        return int(cursor.lastrowid or 0)

    def feedback(self, limit: int = 100) -> list[FeedbackRow]:
        """The latest ratings, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, message_id, rating, comment, created_at FROM feedback ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [FeedbackRow(*row) for row in rows]

    def unanswered(self, limit: int = 100) -> list[UnansweredRow]:
        """The latest refused questions, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, question, reason, created_at FROM unanswered ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [UnansweredRow(*row) for row in rows]

"""The console's tables in the shared database (``database.url``, the one feedback uses): accounts,
sessions, failed logins, the audit log and the library jobs.

Shared so that every server process and machine sees the same accounts, sessions and job progress;
every call is one transaction, like ``assistant.feedback``. Times are epoch seconds (floats), so
expiry and windows are one comparison on any database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from assistant.feedback import FILENAME, guarded, open_engine, sqlite_url
from core.settings import Settings

T = TypeVar("T")
metadata = sa.MetaData()

accounts_table = sa.Table(
    "admin_accounts",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
sessions_table = sa.Table(
    "admin_sessions",
    metadata,
    # Only a hash of the token is stored: a copy of the database does not log anyone in.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("seen_at", sa.Float, nullable=False),
)
login_failures_table = sa.Table(
    "admin_login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("ip", sa.String(64), nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=False, index=True),
)
audit_table = sa.Table(
    "admin_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(200), nullable=False, server_default=""),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.Column("ip", sa.String(64), nullable=False, server_default=""),
)
jobs_table = sa.Table(
    "library_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),  # add, remove, rebuild
    sa.Column("state", sa.String(16), nullable=False, index=True),  # preview, running, done, failed, cancelled
    sa.Column("doc_id", sa.String(200), nullable=False, server_default=""),
    sa.Column("filename", sa.String(255), nullable=False, server_default=""),
    sa.Column("content", sa.LargeBinary, nullable=True),  # the uploaded file, until it is live
    sa.Column("preview", sa.Text, nullable=False, server_default=""),  # JSON: how the report was split
    sa.Column("progress", sa.Float, nullable=False, server_default="0"),  # 0..100
    sa.Column("message", sa.Text, nullable=False, server_default=""),  # for the page, in Chinese
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)


def now() -> float:
    return time.time()


class ConsoleDatabase:
    """The shared database, with the console's tables created (idempotently) on first use."""

    def __init__(self, database: str | Path) -> None:
        """``database``: a SQLAlchemy URL, or the path of a SQLite file."""
        self.url = sqlite_url(database) if isinstance(database, Path) else database
        self.engine = open_engine(self.url)
        self.guarded(self._prepare)

    @classmethod
    def from_settings(cls, settings: Settings) -> ConsoleDatabase:
        return cls(settings.database.url or sqlite_url(settings.state_dir / FILENAME))

    def _prepare(self) -> None:
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # readers never block writers
        metadata.create_all(self.engine)

    def guarded(self, work: Callable[[], T]) -> T:
        return guarded(self.url, "console", work)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def run(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one transaction, committed before this returns."""

        def once() -> T:
            with self.transaction() as db:
                return work(db)

        return self.guarded(once)

    def close(self) -> None:
        self.engine.dispose()

"""What citizens told us: ratings of answers, and the questions the report could not answer.

One database for every server process and machine: ``database.url`` (SQLAlchemy Core), by default a
SQLite file in ``state_dir``, or e.g. ``postgresql+psycopg://…`` shared by several servers. Every
call is one transaction, committed before it returns: a row that was acknowledged is stored, even if
the process dies right after (SQLite: WAL with ``synchronous=FULL``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from assistant.schema_migration import add_missing_columns
from core.errors import ConfigError, StoreUnavailable
from core.settings import Settings

Rating = Literal["up", "down"]
FILENAME = "feedback.sqlite3"
T = TypeVar("T")

# The DBAPI module SQLAlchemy could not import → what to pip install (the common servers).
DRIVERS = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "asyncpg": "asyncpg",
    "pg8000": "pg8000",
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "oracledb": "oracledb",
    "pyodbc": "pyodbc",
}

metadata = sa.MetaData()
# The same tables (and SQLite AUTOINCREMENT) as the files written before SQLAlchemy, which open as they are.
feedback_table = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("rating", sa.String(4), sa.CheckConstraint("rating IN ('up', 'down')"), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.String(40), nullable=False),
    # What was rated, for the console's 反馈 (added later: schema_migration adds them to older files).
    sa.Column("question", sa.Text, nullable=False, server_default=""),
    sa.Column("answer", sa.Text, nullable=False, server_default=""),
    sa.Column("citations", sa.Text, nullable=False, server_default="[]"),  # JSON: n, doc, section, quote
    sa.Column("doc", sa.String(200), nullable=False, server_default=""),
    sa.Index("feedback_message", "message_id"),
    sqlite_autoincrement=True,
)
unanswered_table = sa.Table(
    "unanswered",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("doc", sa.String(200), nullable=False, server_default=""),  # the report asked, "" for all
    sa.Column("handled_at", sa.String(40), nullable=True),  # an owner marked it handled in the console
    sqlite_autoincrement=True,
)


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    message_id: str
    rating: Rating
    comment: str
    created_at: str
    question: str = ""
    answer: str = ""
    citations: str = "[]"
    doc: str = ""


@dataclass(frozen=True)
class UnansweredRow:
    id: int
    question: str
    reason: str
    created_at: str
    doc: str = ""
    handled_at: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def open_engine(url: str) -> Engine:
    """An engine for ``url``, or a ConfigError that names the bad URL or the driver to install."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"database.url is not a database URL: {exc}") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    try:
        return sa.create_engine(parsed, pool_pre_ping=True)
    except ImportError as exc:
        package = DRIVERS.get(exc.name or "", f"the DBAPI driver for {parsed.drivername}")
        raise ConfigError(f"database.url {shown} needs a driver: pip install {package}") from None
    except ArgumentError as exc:
        raise ConfigError(f"database.url {shown}: {exc}") from None


def _sqlite_engine(url: sa.URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 10.0})

    @sa.event.listens_for(engine, "connect")
    def _durable(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")  # other processes' writes wait, they do not fail
        cursor.execute("PRAGMA synchronous=FULL")  # NORMAL may drop the last commits on power loss
        cursor.close()

    return engine


def guarded(url: str, name: str, work: Callable[[], T]) -> T:
    """Database failures become StoreUnavailable, with the URL (password hidden) for operators."""
    try:
        return work()
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        raise StoreUnavailable(
            f"{name} database {shown} failed: {type(exc).__name__}: {exc}",
            user_message="数据服务暂时不可用，请稍后再试。",
        ) from exc


class FeedbackStore:
    """``FeedbackStore.from_settings(settings).unanswered()`` lists the latest gaps."""

    def __init__(self, database: str | Path) -> None:
        """``database``: a SQLAlchemy URL, or the path of a SQLite file."""
        url = sqlite_url(database) if isinstance(database, Path) else database
        self.url = url
        self.engine = open_engine(url)
        self._guarded(self._prepare)

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedbackStore:
        return cls(settings.database.url or sqlite_url(settings.state_dir / FILENAME))

    @classmethod
    def for_state_dir(cls, state_dir: Path) -> FeedbackStore:
        """The default SQLite file, for tools that only know the state folder."""
        return cls(Path(state_dir) / FILENAME)

    def _prepare(self) -> None:
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                # Persists in the file: readers never block writers, also those in other processes.
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        metadata.create_all(self.engine)  # checks first; several servers may start at once
        add_missing_columns(self.engine, metadata)  # files from before a column was added keep their rows

    def _guarded(self, work: Callable[[], T]) -> T:
        return guarded(self.url, "feedback", work)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on error."""
        with self.engine.begin() as connection:
            yield connection

    def _insert(self, table: sa.Table, **values: Any) -> int:
        def run() -> int:
            with self._transaction() as db:
                result = db.execute(table.insert().values(**values, created_at=_now()))
            key = result.inserted_primary_key
            return int(key[0]) if key else 0

        return self._guarded(run)

    def _latest(self, table: sa.Table, limit: int) -> list[sa.Row[Any]]:
        def run() -> list[sa.Row[Any]]:
            with self._transaction() as db:
                return list(db.execute(sa.select(table).order_by(table.c.id.desc()).limit(limit)))

        return self._guarded(run)

    def add_feedback(self, message_id: str, rating: Rating, comment: str = "", **rated: str) -> int:
        """``rated``: what was rated when the server still knows it (question, answer, citations, doc)."""
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        return self._insert(feedback_table, message_id=message_id, rating=rating, comment=comment, **rated)

    def log_unanswered(self, question: str, reason: str = "", doc: str = "") -> int:
        return self._insert(unanswered_table, question=question, reason=reason, doc=doc)

    def read(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one transaction, errors translated: for the console's queries (assistant/insights.py)."""

        def run() -> T:
            with self._transaction() as db:
                return work(db)

        return self._guarded(run)

    def feedback(self, limit: int = 100) -> list[FeedbackRow]:
        """The latest ratings, newest first."""
        return [FeedbackRow(**row._asdict()) for row in self._latest(feedback_table, limit)]

    def unanswered(self, limit: int = 100) -> list[UnansweredRow]:
        """The latest refused questions, newest first."""
        return [UnansweredRow(**row._asdict()) for row in self._latest(unanswered_table, limit)]

    def close(self) -> None:
        self.engine.dispose()

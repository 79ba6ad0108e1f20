"""Console sessions and the failed-login limit, server-side in the shared database.

Sessions live in the database, not in a signed cookie, so that several workers share them, logout
really ends one, and a changed password or removed account ends them all. A session ends after
``admin.session_idle_minutes`` without a request, and ``admin.session_max_hours`` after login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from assistant.console_db import ConsoleDatabase, login_failures_table, now, sessions_table
from core.settings import AdminSettings

TOUCH_SECONDS = 30.0  # seen_at is written at most this often: not one write per request


@dataclass(frozen=True)
class AdminSession:
    username: str
    csrf: str  # the token every state change must carry
    created_at: float

    def csrf_matches(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, token or "")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Sessions:
    def __init__(self, database: ConsoleDatabase, settings: AdminSettings) -> None:
        self.database = database
        self.idle = settings.session_idle_minutes * 60.0
        self.lifetime = settings.session_max_hours * 3600.0

    def create(self, username: str) -> tuple[str, AdminSession]:
        """A new session: the token for the cookie (never stored), and the session."""
        token, csrf, started = secrets.token_urlsafe(32), secrets.token_urlsafe(32), now()
        values = {"token_hash": _hash(token), "username": username, "csrf": csrf}
        self.database.run(
            lambda db: db.execute(sessions_table.insert().values(**values, created_at=started, seen_at=started))
        )
        return token, AdminSession(username, csrf, started)

    def find(self, token: str | None) -> AdminSession | None:
        """The live session of this cookie, its idle clock restarted; None if unknown or expired."""
        if not token:
            return None
        key, moment = _hash(token), now()

        def look(db: Connection) -> AdminSession | None:
            row = db.execute(sa.select(sessions_table).where(sessions_table.c.token_hash == key)).first()
            if row is None:
                return None
            if moment - row.seen_at > self.idle or moment - row.created_at > self.lifetime:
                db.execute(sessions_table.delete().where(sessions_table.c.token_hash == key))
                return None
            if moment - row.seen_at > TOUCH_SECONDS:
                db.execute(sessions_table.update().where(sessions_table.c.token_hash == key).values(seen_at=moment))
            return AdminSession(row.username, row.csrf, row.created_at)

        return self.database.run(look)

    def end(self, token: str | None) -> None:
        if token:
            key = _hash(token)
            self.database.run(lambda db: db.execute(sessions_table.delete().where(sessions_table.c.token_hash == key)))

    def purge_expired(self) -> int:
        """Delete expired sessions (a login does it, so the table does not grow)."""
        moment = now()
        expired = sa.or_(
            sessions_table.c.seen_at < moment - self.idle, sessions_table.c.created_at < moment - self.lifetime
        )
        return int(self.database.run(lambda db: db.execute(sessions_table.delete().where(expired)).rowcount))


class LoginLimit:
    """Failed logins per account (``admin.login_attempts``) and per IP (twice that) in a sliding
    window; beyond it, logins from that IP or to that account are refused until the window passes."""

    def __init__(self, database: ConsoleDatabase, settings: AdminSettings) -> None:
        self.database = database
        self.per_user = settings.login_attempts
        self.per_ip = settings.login_attempts * 2
        self.window = settings.login_window_minutes * 60.0

    def blocked(self, ip: str, username: str) -> bool:
        since = now() - self.window
        table = login_failures_table

        def count(db: Connection, column: sa.Column[str], value: str) -> int:
            query = sa.select(sa.func.count()).select_from(table).where(column == value, table.c.at >= since)
            return int(db.execute(query).scalar_one())

        def check(db: Connection) -> bool:
            return count(db, table.c.username, username) >= self.per_user or count(db, table.c.ip, ip) >= self.per_ip

        return self.database.run(check)

    def failed(self, ip: str, username: str) -> None:
        moment = now()

        def record(db: Connection) -> None:
            db.execute(login_failures_table.delete().where(login_failures_table.c.at < moment - self.window))
            db.execute(login_failures_table.insert().values(at=moment, ip=ip, username=username[:64]))

        self.database.run(record)

    def succeeded(self, username: str) -> None:
        """The account's count starts again; the IP's does not (one IP trying many accounts stays limited)."""
        table = login_failures_table
        # The rows stay, without the name: they still count for their IP.
        forget = table.update().where(table.c.username == username).values(username="")
        self.database.run(lambda db: db.execute(forget))

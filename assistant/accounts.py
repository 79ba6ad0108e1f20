"""The console's accounts (bcrypt hashes) and its audit log, in the shared database.

The console is on exactly when at least one account exists: `assistant admin set-password USER`
creates one, `assistant admin remove USER` deletes it (and its sessions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import bcrypt
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from assistant.console_db import ConsoleDatabase, accounts_table, audit_table, now, sessions_table

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_BYTES = 72  # bcrypt reads only the first 72 bytes; longer ones are refused, not cut
ROUNDS = 12  # about a quarter second per login on this machine's cores


class AccountError(ValueError):
    """A username or password the accounts refuse; the message says why (for the operator)."""


@dataclass(frozen=True)
class AuditEntry:
    at: float
    username: str
    action: str  # login, logout, add, replace, remove, rebuild, set-password, remove-account
    target: str
    detail: str
    ip: str


def check_username(username: str) -> str:
    if not USERNAME.match(username):
        raise AccountError("a username is 1-64 letters, digits or _.@- and starts with a letter or digit")
    return username


def check_password(password: str) -> bytes:
    encoded = password.encode("utf-8")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise AccountError(f"a password may have at most {MAX_PASSWORD_BYTES} bytes (bcrypt's limit)")
    return encoded


class Accounts:
    """Who may use the console, and what they did there."""

    def __init__(self, database: ConsoleDatabase, rounds: int = ROUNDS) -> None:
        self.database = database
        self.rounds = rounds

    # -- accounts --------------------------------------------------------------------------

    def set_password(self, username: str, password: str) -> bool:
        """Create the account or change its password; True when it was created. Sessions of a
        changed account end: whoever knew the old password is logged out."""
        check_username(username)
        hashed = bcrypt.hashpw(check_password(password), bcrypt.gensalt(self.rounds)).decode("ascii")

        def write(db: Connection) -> bool:
            exists = db.execute(sa.select(accounts_table.c.username).where(accounts_table.c.username == username))
            if exists.first() is None:
                values = {"username": username, "password_hash": hashed, "created_at": now(), "updated_at": now()}
                db.execute(accounts_table.insert().values(**values))
                return True
            db.execute(
                accounts_table.update()
                .where(accounts_table.c.username == username)
                .values(password_hash=hashed, updated_at=now())
            )
            db.execute(sessions_table.delete().where(sessions_table.c.username == username))
            return False

        created = self.database.run(write)
        self.audit("(cli)", "set-password", username)
        return created

    def remove(self, username: str) -> bool:
        """Delete the account and end its sessions; False when there was none."""

        def delete(db: Connection) -> bool:
            db.execute(sessions_table.delete().where(sessions_table.c.username == username))
            result = db.execute(accounts_table.delete().where(accounts_table.c.username == username))
            return bool(result.rowcount)

        removed = self.database.run(delete)
        if removed:
            self.audit("(cli)", "remove-account", username)
        return removed

    def usernames(self) -> list[str]:
        rows = self.database.run(lambda db: list(db.execute(sa.select(accounts_table.c.username))))
        return sorted(row[0] for row in rows)

    def any(self) -> bool:
        """Whether the console is on."""
        query = sa.select(accounts_table.c.username).limit(1)
        return self.database.run(lambda db: db.execute(query).first() is not None)

    def verify(self, username: str, password: str) -> bool:
        """The password is right for this account. An unknown account costs as much time as a known
        one, so the time of a failure does not tell whether the account exists."""
        query = sa.select(accounts_table.c.password_hash).where(accounts_table.c.username == username)
        row = self.database.run(lambda db: db.execute(query).first())
        stored = row[0].encode("ascii") if row else self._decoy
        encoded = password.encode("utf-8")
        if len(encoded) > MAX_PASSWORD_BYTES:
            encoded = b""  # never a valid password (set_password refuses it); still spend the time
        matched = bcrypt.checkpw(encoded, stored)
        return matched and row is not None

    @cached_property
    def _decoy(self) -> bytes:
        return bcrypt.hashpw(b"decoy password", bcrypt.gensalt(self.rounds))

    # -- audit log -------------------------------------------------------------------------

    def audit(self, username: str, action: str, target: str = "", detail: str = "", ip: str = "") -> None:
        values = {"at": now(), "username": username, "action": action, "target": target, "detail": detail, "ip": ip}
        self.database.run(lambda db: db.execute(audit_table.insert().values(**values)))

    def audit_log(self, limit: int = 100, actions: tuple[str, ...] = ()) -> list[AuditEntry]:
        """The latest entries, newest first; only ``actions`` when given."""
        query = sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)
        if actions:
            query = query.where(audit_table.c.action.in_(actions))
        rows = self.database.run(lambda db: list(db.execute(query)))
        return [AuditEntry(**{k: v for k, v in row._asdict().items() if k != "id"}) for row in rows]

    def added_by(self) -> dict[str, AuditEntry]:
        """Each report's latest add or replace: who put the live version there, and when."""
        latest: dict[str, AuditEntry] = {}
        for entry in reversed(self.audit_log(limit=10_000, actions=("add", "replace"))):
            latest[entry.target] = entry
        return latest

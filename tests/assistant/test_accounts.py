"""The console's accounts, sessions, CSRF tokens and failed-login limit, on a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import admin_sessions
from assistant.accounts import AccountError, Accounts
from assistant.admin_sessions import AdminSession, LoginLimit, Sessions
from assistant.console_db import ConsoleDatabase
from core.settings import AdminSettings

PASSWORD = "correct horse battery"


@pytest.fixture()
def database(tmp_path: Path) -> ConsoleDatabase:
    return ConsoleDatabase(tmp_path / "console.sqlite3")


@pytest.fixture()
def accounts(database: ConsoleDatabase) -> Accounts:
    return Accounts(database, rounds=4)  # the cheapest bcrypt cost: these tests check logic, not strength


class Clock:
    """Stands in for the modules' ``now`` so expiry and windows are tested without sleeping."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: float = 1_000_000.0) -> None:
        self.at = start
        monkeypatch.setattr(admin_sessions, "now", lambda: self.at)

    def advance(self, seconds: float) -> None:
        self.at += seconds


def test_the_console_is_off_until_an_account_exists(accounts: Accounts) -> None:
    assert not accounts.any()
    assert accounts.set_password("ann", PASSWORD) is True
    assert accounts.any() and accounts.usernames() == ["ann"]
    assert accounts.set_password("ann", PASSWORD + "!") is False  # changed, not created
    assert accounts.set_password("bob", PASSWORD) is True
    assert accounts.usernames() == ["ann", "bob"]
    assert accounts.remove("ann") and not accounts.remove("ann")
    assert accounts.remove("bob") and not accounts.any()


def test_passwords_are_hashed_and_checked(accounts: Accounts, database: ConsoleDatabase) -> None:
    accounts.set_password("ann", PASSWORD)
    stored = database.run(lambda db: db.exec_driver_sql("SELECT password_hash FROM admin_accounts").scalar_one())
    assert stored.startswith("$2") and PASSWORD not in stored
    assert accounts.verify("ann", PASSWORD)
    assert not accounts.verify("ann", PASSWORD.upper())
    assert not accounts.verify("nobody", PASSWORD)
    assert not accounts.verify("ann", "x" * 100)  # beyond bcrypt's 72 bytes: refused, never truncated to a match


@pytest.mark.parametrize(
    ("username", "password"),
    [("ann", "short"), ("ann", "长" * 25), ("", PASSWORD), ("a b", PASSWORD), ("-ann", PASSWORD)],
)
def test_bad_usernames_and_passwords_are_refused(accounts: Accounts, username: str, password: str) -> None:
    with pytest.raises(AccountError):
        accounts.set_password(username, password)
    assert not accounts.any()


def test_a_session_is_found_by_its_token_only(database: ConsoleDatabase) -> None:
    sessions = Sessions(database, AdminSettings())
    token, session = sessions.create("ann")
    assert sessions.find(token) == session
    assert sessions.find(token + "x") is None and sessions.find(None) is None
    stored = database.run(lambda db: db.exec_driver_sql("SELECT token_hash FROM admin_sessions").scalar_one())
    assert stored != token  # a copy of the database logs nobody in
    sessions.end(token)
    assert sessions.find(token) is None


def test_sessions_expire_when_idle_and_after_their_lifetime(
    database: ConsoleDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch)
    sessions = Sessions(database, AdminSettings(session_idle_minutes=10, session_max_hours=1))
    idle, _ = sessions.create("ann")
    clock.advance(11 * 60)
    assert sessions.find(idle) is None
    busy, _ = sessions.create("ann")
    for _ in range(6):  # a request every 9 minutes: never idle
        clock.advance(9 * 60)
        assert sessions.find(busy) is not None
    clock.advance(9 * 60)  # 63 minutes after login
    assert sessions.find(busy) is None
    assert sessions.purge_expired() == 0  # expired ones were deleted when found


def test_a_new_password_or_a_removed_account_ends_its_sessions(accounts: Accounts, database: ConsoleDatabase) -> None:
    sessions = Sessions(database, AdminSettings())
    accounts.set_password("ann", PASSWORD)
    token, _ = sessions.create("ann")
    accounts.set_password("ann", PASSWORD + "2")
    assert sessions.find(token) is None
    token, _ = sessions.create("ann")
    accounts.remove("ann")
    assert sessions.find(token) is None


def test_the_csrf_token_must_match_exactly() -> None:
    session = AdminSession("ann", "token-123", 0.0)
    assert session.csrf_matches("token-123")
    assert not session.csrf_matches("token-12") and not session.csrf_matches("") and not session.csrf_matches(None)


def test_failed_logins_are_limited_per_account_and_per_ip(
    database: ConsoleDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch)
    limit = LoginLimit(database, AdminSettings(login_attempts=3, login_window_minutes=10))
    for _ in range(3):
        assert not limit.blocked("10.0.0.1", "ann")
        limit.failed("10.0.0.1", "ann")
    assert limit.blocked("10.0.0.1", "ann") and limit.blocked("10.0.0.9", "ann")  # the account, from anywhere
    assert not limit.blocked("10.0.0.1", "bob")  # 3 of the IP's 6
    for name in ("bob", "cy", "dan"):
        limit.failed("10.0.0.1", name)
    assert limit.blocked("10.0.0.1", "eve")  # one IP trying many accounts
    assert not limit.blocked("10.0.0.2", "eve")
    clock.advance(11 * 60)
    assert not limit.blocked("10.0.0.1", "ann")  # the window passed


def test_a_successful_login_clears_the_account_count_but_not_the_ip_count(database: ConsoleDatabase) -> None:
    limit = LoginLimit(database, AdminSettings(login_attempts=2))
    limit.failed("10.0.0.1", "ann")
    limit.failed("10.0.0.1", "ann")
    limit.failed("10.0.0.1", "bob")
    limit.succeeded("ann")
    assert not limit.blocked("10.0.0.2", "ann")
    limit.failed("10.0.0.1", "cy")
    assert limit.blocked("10.0.0.1", "ann")  # 4 failures from the IP: twice the account limit


def test_the_audit_log_records_who_did_what(accounts: Accounts) -> None:
    accounts.set_password("ann", PASSWORD)
    accounts.audit("ann", "login", ip="10.0.0.1")
    accounts.audit("ann", "add", "report-a", "a.docx")
    accounts.audit("bob", "replace", "report-a", "a2.docx")
    entries = accounts.audit_log()
    assert [(e.username, e.action) for e in entries][:3] == [("bob", "replace"), ("ann", "add"), ("ann", "login")]
    assert entries[-1].action == "set-password" and entries[-1].target == "ann"
    assert accounts.added_by()["report-a"].username == "bob"

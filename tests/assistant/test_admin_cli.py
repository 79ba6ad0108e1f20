"""`assistant admin set-password | list | remove`: accounts of the console, from the shell."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from settings_support import profiles

from assistant.accounts import Accounts
from assistant.cli import main
from assistant.console_db import ConsoleDatabase
from core.settings import load_settings

PASSWORD = "correct horse battery"


@pytest.fixture()
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_CONFIG", os.pathsep.join(str(p) for p in profiles("hash")))
    monkeypatch.setenv("ASSISTANT_TEST_STATE", str(tmp_path / "state"))
    return tmp_path


def admin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))  # not a terminal: the password is read from it
    code = main(["admin", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_accounts_are_created_listed_changed_and_removed(
    profile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert admin(monkeypatch, capsys, "list")[2].startswith("no accounts: the console is off")
    code, out, _ = admin(monkeypatch, capsys, "set-password", "ann", stdin=PASSWORD + "\n")
    assert code == 0 and out.startswith("created ann")
    assert admin(monkeypatch, capsys, "set-password", "bob", stdin=PASSWORD + "\n")[0] == 0
    assert admin(monkeypatch, capsys, "list")[1].split() == ["ann", "bob"]
    code, out, _ = admin(monkeypatch, capsys, "set-password", "ann", stdin="another long password\n")
    assert code == 0 and out.startswith("changed the password of ann")
    accounts = Accounts(ConsoleDatabase.from_settings(load_settings()))
    assert accounts.verify("ann", "another long password") and not accounts.verify("ann", PASSWORD)
    assert admin(monkeypatch, capsys, "remove", "ann")[0] == 0
    code, out, _ = admin(monkeypatch, capsys, "remove", "bob")
    assert code == 0 and "the console is off" in out
    assert admin(monkeypatch, capsys, "remove", "bob")[0] == 1


def test_a_short_password_is_refused_with_the_reason(
    profile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = admin(monkeypatch, capsys, "set-password", "ann", stdin="short\n")
    assert code == 2 and "at least 10 characters" in err and "Traceback" not in err
    assert admin(monkeypatch, capsys, "list")[2].startswith("no accounts")

"""Logging in to the console over real HTTP, as a browser does: the login form's token, then the session."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from assistant.accounts import Accounts
from assistant.console_db import ConsoleDatabase

USER, PASSWORD = "ann", "correct horse battery"
_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_PAGE = re.compile(r'data-csrf="([^"]+)"')


def add_account(settings: Any, username: str = USER, password: str = PASSWORD) -> Accounts:
    accounts = Accounts(ConsoleDatabase.from_settings(settings), rounds=4)  # cheap hashes: tests log in often
    accounts.set_password(username, password)
    return accounts


def login_form_token(client: httpx.Client) -> str:
    page = client.get("/admin/login")
    assert page.status_code == 200, page.text
    found = _FIELD.search(page.text)
    assert found, "no CSRF field on the login form"
    return found.group(1)


def log_in(client: httpx.Client, username: str = USER, password: str = PASSWORD) -> httpx.Response:
    token = login_form_token(client)
    return client.post("/admin/login", data={"username": username, "password": password, "csrf_token": token})


def page_csrf(client: httpx.Client, path: str = "/admin/library") -> str:
    """The session's CSRF token, as the console's pages carry it."""
    page = client.get(path)
    found = _PAGE.search(page.text)
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


@contextmanager
def logged_in(url: str) -> Iterator[tuple[httpx.Client, str]]:
    """A client with a console session, and the session's CSRF token."""
    with httpx.Client(base_url=url, timeout=30) as client:
        reply = log_in(client)
        assert reply.status_code == 303, reply.text
        yield client, page_csrf(client)

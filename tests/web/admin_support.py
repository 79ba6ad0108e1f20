"""A console account and a logged-in HTTP client, for the console's page tests."""

from __future__ import annotations

import re
from typing import Any

import httpx

from assistant.accounts import Accounts
from assistant.console_db import ConsoleDatabase

USER, PASSWORD = "owner", "correct-horse-battery"
_HIDDEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_account(settings: Any) -> None:
    Accounts(ConsoleDatabase.from_settings(settings), rounds=4).set_password(USER, PASSWORD)


def csrf_of(html: str) -> str:
    found = _HIDDEN.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def logged_in(url: str) -> httpx.Client:
    """A client with a console session (cookies kept); its pages carry the session's CSRF token."""
    client = httpx.Client(base_url=url, timeout=30)
    login = client.get("/admin/login")
    reply = client.post(
        "/admin/login", data={"username": USER, "password": PASSWORD, "csrf_token": csrf_of(login.text)}
    )
    assert reply.status_code == 303, reply.text
    return client

"""Every console route of the app, walked: off (404) without accounts; without a session a page
redirects to the login and anything else answers 401; a change without the CSRF token gets 403.

The routes come from ``app.routes``, so a page added later is walked too without editing this test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import USER, add_account, logged_in
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount
from web_support import hash_settings_in, running

from assistant.web.admin.security import require_admin
from assistant.web.factory import build_app
from assistant.web.server import make_server

# Reachable without a session (but 404 while the console is off): the login itself and its CSS/JS.
PUBLIC = {("GET", "/admin/login"), ("POST", "/admin/login"), ("GET", "/admin/static/{name}")}
SAMPLE = {"job_id": "1", "name": "admin.css"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def console_routes(app: Any) -> list[tuple[str, str, Any]]:
    """(method, path, route) of every console route; included routers are walked (iter_route_contexts)."""
    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        assert not (isinstance(route.original_route, Mount) and path.startswith("/admin")), "a mount escapes the gate"
        if path.startswith("/admin") and isinstance(route.original_route, APIRoute):
            found += [(method, path, route) for method in sorted(route.methods or ())]
    return found


def calls(dependant: Any) -> Iterator[Any]:
    """Every callable a route depends on, at any depth."""
    for inner in dependant.dependencies:
        yield inner.call
        yield from calls(inner)


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: SAMPLE.get(m.group(1), "x"), path)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[tuple[str, str, Any]], Any]]:
    """The app as served (the Gradio page mounted at / too), around the hash assistant."""
    from assistant.service import Assistant

    settings = hash_settings_in(tmp_path_factory.mktemp("admin-routes"))
    app = build_app(settings, Assistant.from_settings(settings), ui=True)
    with running(make_server(app, settings, "127.0.0.1", 0)) as url:
        yield url, console_routes(app), settings


@pytest.fixture()
def account(console: Any) -> Iterator[None]:
    """An account for one test; removed after it, so the console is off again for the next."""
    accounts = add_account(console[2])
    yield
    accounts.remove(USER)


def test_the_walk_sees_the_console(console: Any) -> None:
    url, routes, _settings = console
    assert httpx.get(f"{url}/", timeout=10).status_code == 200  # the page is mounted: this is the app as served
    paths = {(method, path) for method, path, _ in routes}
    assert paths >= PUBLIC
    assert {("GET", "/admin/library"), ("POST", "/admin/library/upload"), ("GET", "/admin/api/jobs/{job_id}")} <= paths


def test_every_private_route_depends_on_the_gate(console: Any) -> None:
    _url, routes, _settings = console
    ungated = [
        f"{method} {path}"
        for method, path, route in routes
        if (method, path) not in PUBLIC and require_admin not in set(calls(route.dependant))
    ]
    assert ungated == []


def test_without_an_account_every_console_route_is_404(console: Any) -> None:
    url, routes, _settings = console
    for method, path, _ in routes:
        reply = httpx.request(method, url + concrete(path), timeout=10)
        assert reply.status_code == 404, f"{method} {path}: {reply.status_code}"


def test_without_a_session_pages_redirect_to_the_login_and_the_rest_is_refused(console: Any, account: None) -> None:
    url, routes, _settings = console
    for method, path, _ in routes:
        if (method, path) in PUBLIC:
            continue
        reply = httpx.request(method, url + concrete(path), timeout=10)
        where = f"{method} {path}"
        if method == "GET" and not path.startswith("/admin/api/"):
            assert reply.status_code == 303, where
            assert reply.headers["location"].startswith("/admin/login?next="), where
        else:
            assert reply.status_code == 401, where
            assert reply.json()["code"] == "login_required", where


def test_changes_without_the_csrf_token_are_refused(console: Any, account: None) -> None:
    url, routes, _settings = console
    changes = [(method, path) for method, path, _ in routes if method in UNSAFE]
    assert len(changes) >= 6
    with logged_in(url) as (client, _token):
        for method, path in changes:
            for headers, data in (({}, {}), ({"X-CSRF-Token": "forged"}, {}), ({}, {"csrf_token": "forged"})):
                reply = client.request(method, concrete(path), headers=headers, data=data)
                assert reply.status_code == 403, f"{method} {path} with {headers or data}: {reply.status_code}"
        assert client.get("/admin/library").status_code == 200  # the session itself still works


def test_non_console_routes_are_not_under_admin(console: Any) -> None:
    url, routes, _settings = console
    assert all(path.startswith("/admin/") or path == "/admin" for _m, path, _r in routes)
    assert httpx.get(url + "/admin/nothing-here", timeout=10).status_code == 404

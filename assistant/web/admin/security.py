"""The console's gate: off (404) without accounts, a session for everything, a CSRF token for every change.

Every console route but the login page and the console's own CSS/JS depends on ``require_admin``;
``tests/web/test_admin_routes.py`` walks the app's routes and checks that none is missed.
"""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from assistant.admin_sessions import AdminSession
from assistant.web.admin.console import Console

log = logging.getLogger("assistant.admin")
SESSION_COOKIE = "admin_session"
LOGIN_CSRF_COOKIE = "admin_login_csrf"  # the login form's double-submit token (no session yet)
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
COOKIE_PATH = "/admin"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
FORM_OVERHEAD = 65_536  # an upload's other fields and multipart boundaries, beyond the file itself


class LoginRequired(Exception):
    """No live session: a page redirects to the login, anything else gets 401."""


class CsrfRejected(Exception):
    """A change without the session's CSRF token: 403."""


def get_console(request: Request) -> Console:
    """The console, or 404 (as for any unknown path) while no account exists."""
    console: Console | None = getattr(request.app.state, "admin_console", None)
    if console is None or not console.accounts.any():
        raise HTTPException(404)
    return console


ConsoleDep = Annotated[Console, Depends(get_console)]


async def submitted_csrf(request: Request) -> str | None:
    """The token of a fetch (header) or of a form (hidden field)."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(FORMS):
        value = (await request.form()).get(CSRF_FIELD)  # parsed once; the route reads the same form
        return value if isinstance(value, str) else None
    return None


async def require_admin(request: Request, console: ConsoleDep) -> AdminSession:
    session = console.sessions.find(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise LoginRequired()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > console.settings.admin.max_upload_bytes + FORM_OVERHEAD:
        raise HTTPException(413)  # refused before the form (and its file) is read and spooled to disk
    if request.method in UNSAFE and not session.csrf_matches(await submitted_csrf(request)):
        log.warning(
            "console: %s %s by %s refused: no valid CSRF token", request.method, request.url.path, session.username
        )
        raise CsrfRejected()
    return session


Admin = Annotated[AdminSession, Depends(require_admin)]


def is_https(request: Request, console: Console) -> bool:
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return console.settings.admin.trust_proxy_headers and forwarded.split(",")[0].strip() == "https"


def client_ip(request: Request, console: Console) -> str:
    if console.settings.admin.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


def set_private_cookie(response: Response, request: Request, console: Console, name: str, value: str) -> None:
    """HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure over https."""
    secure = is_https(request, console)
    response.set_cookie(name, value, httponly=True, samesite="strict", secure=secure, path=COOKIE_PATH)


def _wants_page(request: Request) -> bool:
    return request.method == "GET" and not request.url.path.startswith("/admin/api/")


async def on_login_required(request: Request, exc: Exception) -> Response:
    if _wants_page(request):
        return RedirectResponse(f"/admin/login?next={quote(request.url.path)}", status_code=303)
    return JSONResponse({"error": "请先登录。", "code": "login_required"}, status_code=401)


async def on_csrf_rejected(request: Request, exc: Exception) -> Response:
    message = "页面已过期或请求来源不明，请刷新页面后重试。"
    return JSONResponse({"error": message, "code": "csrf_failed"}, status_code=403)


def install_gate(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(CsrfRejected, on_csrf_rejected)

"""Logging in and out of the console, and its own CSS and script."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from assistant.web.admin.console import HERE, Console
from assistant.web.admin.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Admin,
    ConsoleDep,
    CsrfRejected,
    client_ip,
    set_private_cookie,
)

log = logging.getLogger("assistant.admin")
HOME = "/admin/library"
ASSETS = {"admin.css": "text/css; charset=utf-8", "admin.js": "text/javascript; charset=utf-8"}


def safe_next(target: str) -> str:
    """Back to the console page that sent us to log in, never to another site."""
    if target.startswith("/admin/") and "//" not in target and "\\" not in target and target != "/admin/login":
        return target
    return HOME


def login_page(request: Request, console: Console, *, error: str = "", target: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    context = {"error": error, "next": safe_next(target), "login_csrf": token, "title": "登录"}
    response = console.render(request, "login.html", context, status=status)
    set_private_cookie(response, request, console, LOGIN_CSRF_COOKIE, token)
    return response


def auth_router() -> APIRouter:
    router = APIRouter(prefix="/admin", include_in_schema=False)

    @router.get("")
    @router.get("/")
    async def home(session: Admin) -> RedirectResponse:
        return RedirectResponse(HOME, status_code=303)

    @router.get("/login")
    def show_login(request: Request, console: ConsoleDep, next: str = "") -> Response:
        if console.sessions.find(request.cookies.get(SESSION_COOKIE)):
            return RedirectResponse(safe_next(next), status_code=303)
        return login_page(request, console, target=next)

    @router.post("/login")
    def log_in(
        request: Request,
        console: ConsoleDep,
        username: Annotated[str, Form(max_length=200)] = "",
        password: Annotated[str, Form(max_length=1000)] = "",
        csrf_token: Annotated[str, Form(max_length=200)] = "",
        next: Annotated[str, Form(max_length=500)] = "",
    ) -> Response:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not secrets.compare_digest(expected, csrf_token):
            raise CsrfRejected()
        ip, username = client_ip(request, console), username.strip()
        if console.login_limit.blocked(ip, username):
            log.warning("console login for %r from %s refused: too many failed attempts", username, ip)
            minutes = console.settings.admin.login_window_minutes
            error = f"登录失败次数过多，请 {minutes} 分钟后再试。"
            return login_page(request, console, error=error, target=next, status=429)
        if not console.accounts.verify(username, password):
            console.login_limit.failed(ip, username)
            log.warning("console login failed for %r from %s", username, ip)
            return login_page(request, console, error="用户名或密码不正确。", target=next, status=401)
        return _start_session(request, console, username, ip, next)

    @router.post("/logout")
    def log_out(request: Request, console: ConsoleDep, session: Admin) -> Response:
        console.sessions.end(request.cookies.get(SESSION_COOKIE))
        console.accounts.audit(session.username, "logout", ip=client_ip(request, console))
        response = RedirectResponse("/admin/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/admin", httponly=True, samesite="strict")
        return response

    @router.get("/static/{name}")
    def asset(name: str, console: ConsoleDep) -> FileResponse:
        if name not in ASSETS:
            raise HTTPException(404)
        return FileResponse(HERE / "static" / name, media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})

    return router


def _start_session(request: Request, console: Console, username: str, ip: str, target: str) -> Response:
    console.login_limit.succeeded(username)
    console.sessions.purge_expired()
    token, _session = console.sessions.create(username)
    console.accounts.audit(username, "login", ip=ip)
    log.info("console login: %s from %s", username, ip)
    response = RedirectResponse(safe_next(target), status_code=303)
    set_private_cookie(response, request, console, SESSION_COOKIE, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin", httponly=True, samesite="strict")
    return response

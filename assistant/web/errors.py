"""The translation of every error into a Chinese JSON reply with a code (the codes: ``core.errors``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.web.validation import describe
from core.errors import AssistantError, ErrorCode, RateLimited

log = logging.getLogger(__name__)
# HTTP errors raised by Starlette or FastAPI themselves (routing, body parsing), by status
_HTTP_ERRORS = {
    400: ErrorCode.INVALID_BODY,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.BODY_TOO_LARGE,
}


def code_table() -> str:
    """The codes as a Markdown table, for the OpenAPI description."""
    rows = [f"| `{code}` | {code.status} | {code.meaning} |" for code in ErrorCode]
    return "\n".join(["| code | status | meaning |", "|---|---|---|", *rows])


def error_payload(path: str, message: str, status: int, code: str) -> dict[str, object]:
    """``{"error": message, "code": code}``; OpenAI's shape under /v1, so its clients show the message."""
    if path.startswith("/v1/"):
        kind = "invalid_request_error" if status < 500 else "server_error"
        return {"error": {"message": message, "type": kind, "code": code}}
    return {"error": message, "code": code}


def error_response(
    path: str,
    code: ErrorCode,
    message: str | None = None,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The reply for ``code``; its message and status unless the caller knows better."""
    status = code.status if status is None else status
    return JSONResponse(error_payload(path, message or code.message, status, code), status_code=status, headers=headers)


async def on_assistant_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AssistantError)
    if exc.http_status >= 500:
        log.error("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return error_response(request.url.path, exc.code, exc.user_message, exc.http_status, headers)


async def on_invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    code, message = describe(exc.errors())
    return error_response(request.url.path, code, message, 422)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    fallback = ErrorCode.INVALID_BODY if status < 500 else ErrorCode.INTERNAL_ERROR
    return error_response(request.url.path, _HTTP_ERRORS.get(status, fallback), None, status, exc.headers)


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises after this reply, so uvicorn logs the traceback for operators.
    return error_response(request.url.path, ErrorCode.INTERNAL_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AssistantError, on_assistant_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)

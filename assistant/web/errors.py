"""Errors of the HTTP edge, and the translation of every error into a Chinese JSON reply with a code."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.web.error_codes import ErrorCode
from assistant.web.validation import BAD_REQUEST, describe
from core.errors import AssistantError

log = logging.getLogger(__name__)

INTERNAL_ERROR = AssistantError.user_message
NOT_FOUND = "页面不存在。"
# HTTP errors raised by Starlette or FastAPI themselves (routing, body parsing), by status
_HTTP_ERRORS: dict[int, tuple[ErrorCode, str]] = {
    400: (ErrorCode.INVALID_BODY, BAD_REQUEST),
    404: (ErrorCode.NOT_FOUND, NOT_FOUND),
    405: (ErrorCode.METHOD_NOT_ALLOWED, "不支持这种请求方式。"),
    413: (ErrorCode.BODY_TOO_LARGE, "请求内容太大了。"),
}


class RateLimited(AssistantError):
    user_message = "提问太频繁了，请稍等一会儿再试。"
    code = ErrorCode.RATE_LIMITED
    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limit exceeded; retry after {retry_after}s")
        self.retry_after = retry_after


class AnswerTimeout(AssistantError):
    user_message = "回答超时了，请稍后再试，或换个更简短的问法。"
    code = ErrorCode.TIMEOUT
    http_status = 504


def error_payload(path: str, message: str, status: int, code: str) -> dict[str, object]:
    """``{"error": message, "code": code}``; OpenAI's shape under /v1, so its clients show the message."""
    if path.startswith("/v1/"):
        kind = "invalid_request_error" if status < 500 else "server_error"
        return {"error": {"message": message, "type": kind, "code": code}}
    return {"error": message, "code": code}


def error_response(
    path: str, message: str, status: int, code: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_payload(path, message, status, code), status_code=status, headers=headers)


async def on_assistant_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AssistantError)
    if exc.http_status >= 500:
        log.error("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return error_response(request.url.path, exc.user_message, exc.http_status, exc.code, headers)


async def on_invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    code, message = describe(exc.errors())
    return error_response(request.url.path, message, 422, code)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    fallback = (ErrorCode.INVALID_BODY, BAD_REQUEST) if status < 500 else (ErrorCode.INTERNAL_ERROR, INTERNAL_ERROR)
    code, message = _HTTP_ERRORS.get(status, fallback)
    return error_response(request.url.path, message, status, code, exc.headers)


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises after this reply, so uvicorn logs the traceback for operators.
    return error_response(request.url.path, INTERNAL_ERROR, 500, ErrorCode.INTERNAL_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AssistantError, on_assistant_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)

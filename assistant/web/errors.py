"""Errors of the HTTP edge, and the translation of every error into a Chinese JSON reply."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.errors import AssistantError

log = logging.getLogger(__name__)

INTERNAL_ERROR = AssistantError.user_message
BAD_REQUEST = "请求格式不正确，请检查后重试。"
NOT_FOUND = "页面不存在。"


class RateLimited(AssistantError):
    user_message = "提问太频繁了，请稍等一会儿再试。"
    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limit exceeded; retry after {retry_after}s")
        self.retry_after = retry_after


class AnswerTimeout(AssistantError):
    user_message = "回答超时了，请稍后再试，或换个更简短的问法。"
    http_status = 504


def error_payload(request: Request, message: str, status: int) -> dict[str, object]:
    """``{"error": message}``; OpenAI's shape under /v1, so its clients show the message."""
    if request.url.path.startswith("/v1/"):
        kind = "invalid_request_error" if status < 500 else "server_error"
        return {"error": {"message": message, "type": kind, "code": status}}
    return {"error": message}


def error_response(request: Request, message: str, status: int) -> JSONResponse:
    return JSONResponse(error_payload(request, message, status), status_code=status)


async def on_assistant_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AssistantError)
    if exc.http_status >= 500:
        log.error("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    response = error_response(request, exc.user_message, exc.http_status)
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def on_invalid_request(request: Request, exc: Exception) -> JSONResponse:
    return error_response(request, BAD_REQUEST, 422)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = (
        NOT_FOUND if exc.status_code == 404 else BAD_REQUEST if exc.status_code < 500 else INTERNAL_ERROR
    )
    return JSONResponse(error_payload(request, message, exc.status_code), exc.status_code, exc.headers)


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises after this reply, so uvicorn logs the traceback for operators.
    return error_response(request, INTERNAL_ERROR, 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AssistantError, on_assistant_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)

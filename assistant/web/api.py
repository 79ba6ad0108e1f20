"""The HTTP API: JSON API, OpenAI-compatible API, report pages and widget files (the page: factory.py)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.middleware.cors import CORSMiddleware

from assistant.service import Assistant
from assistant.suggestions import suggest_questions
from assistant.web.access import AccessGuard, ApiKeys, Origins
from assistant.web.answering import Offload
from assistant.web.body_guard import BodyGuard
from assistant.web.chat import chat_router
from assistant.web.errors import code_table, install_error_handlers
from assistant.web.headers import NoSniffMiddleware
from assistant.web.openai_compat import openai_router
from assistant.web.ratelimit import Limiter, SharedWindowLimiter, SlidingWindowLimiter
from assistant.web.report_page import report_router
from assistant.web.request_log import RequestLog
from assistant.web.schemas import Health
from assistant.web.static import static_router
from core.settings import Settings

DESCRIPTION = """Ask, in Chinese, what the report says. Answers cite the passages they come from;
`citations[].paragraph` links to `/report#p{paragraph}`, `start`/`end` index into `/report.txt`.
Errors are `{"error": "<message for the user, in Chinese>", "code": "<stable code>"}` (under `/v1`,
OpenAI's `{"error": {"message", "type", "code"}}`). Branch on `code`; the message may be reworded.
With `server.api_keys` set, `/v1/*` and `/api/search` need `Authorization: Bearer <key>` (401
`invalid_api_key`). A request whose `Origin` is neither this server nor in `server.cors_origins`
gets 403 `origin_not_allowed` before any work; requests without an `Origin` are not affected.

""" + code_table()


def create_app(settings: Settings, assistant: Assistant) -> FastAPI:
    """The API around a ready assistant; ``factory.build_app`` adds the page."""
    app = FastAPI(title="报告问答助手 API", description=DESCRIPTION)
    install_error_handlers(app)
    # Added first, so it runs inside CORS and nosniff: a refused body still gets their headers.
    app.add_middleware(BodyGuard, max_bytes=settings.server.max_body_bytes)
    # Outside the body guard (a refused caller's body is never read), inside CORS (a 401 stays readable).
    origins = Origins(settings.server.cors_origins)
    app.add_middleware(AccessGuard, origins=origins, keys=ApiKeys(settings.server.api_keys))
    # Always installed, so unlisted origins get no CORS headers (Gradio then adds none either).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"] if origins.any else origins.listed,
        allow_methods=["GET", "POST"],
        # Any header an allowed page asks for: Authorization, and the SDKs' own (x-stainless-*, …).
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
    app.add_middleware(NoSniffMiddleware)
    if settings.logging.requests:
        app.add_middleware(RequestLog, settings=settings.logging)  # outermost: sees every reply, 413s too

    offload = Offload(settings.server.request_timeout)
    limit = settings.server.rate_limit_per_minute
    shared = settings.server.rate_limit_shared
    limiter: Limiter = SharedWindowLimiter(assistant.feedback.engine, limit) if shared else SlidingWindowLimiter(limit)
    suggestions = suggest_questions(assistant.documents(), settings.corpus.report_year)

    app.include_router(health_router(assistant))
    app.include_router(chat_router(assistant, offload, limiter, suggestions))
    app.include_router(openai_router(assistant, offload, limiter))
    app.include_router(report_router(assistant.documents))
    app.include_router(static_router())
    return app


def health_router(assistant: Assistant) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", response_model=Health)
    async def healthz() -> Health:
        stats = assistant.stats()
        return Health(chunks=stats.chunks, documents=stats.documents)

    return router

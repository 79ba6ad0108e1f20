"""The JSON API of the widget and the page: chat (plain or streamed), search, feedback, suggestions."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from assistant.service import Assistant
from assistant.web import sse
from assistant.web.answering import Event, Offload
from assistant.web.ratelimit import Limiter
from assistant.web.request_log import note, note_answer
from assistant.web.schemas import (
    ERRORS,
    KEY_ERRORS,
    ChatRequest,
    ChatResponse,
    DocumentOut,
    Documents,
    FeedbackRequest,
    Ok,
    SearchHit,
    SearchRequest,
    SearchResponse,
    Suggestions,
)
from core.errors import AssistantError, ErrorCode
from core.types import Answer

log = logging.getLogger(__name__)


def new_message_id() -> str:
    return uuid.uuid4().hex


def chat_router(assistant: Assistant, offload: Offload, limiter: Limiter, suggestions: list[str]) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["chat"])
    limited = [Depends(limiter)]

    @router.post(
        "/chat", response_model=ChatResponse, responses={**sse.STREAM_DOC, **ERRORS}, dependencies=limited
    )
    async def chat(body: ChatRequest, request: Request) -> Response | ChatResponse:
        """Answer the last question of the conversation, citing the report.

        With `stream: true`: `event: delta` `{"text"}` pieces, then `event: citations` with the
        final answer (authoritative: it replaces the pieces), then `event: done`; or `event: error`
        `{"message", "code"}`.
        """
        messages = [m.to_message() for m in body.messages]
        note(request, question=messages[-1].content)
        message_id = new_message_id()
        if body.stream:
            events = await offload.stream(assistant.stream(messages, body.doc, message_id=message_id))
            return sse.sse_response(chat_events(message_id, events, lambda a: note_answer(request, a)))
        answer = await offload.call(lambda: assistant.answer(messages, body.doc, message_id=message_id))
        note_answer(request, answer)
        return ChatResponse.of(message_id, answer)

    @router.post("/search", response_model=SearchResponse, responses={**ERRORS, **KEY_ERRORS}, dependencies=limited)
    async def search(body: SearchRequest) -> SearchResponse:
        """The report passages closest to a query, best first."""
        passages = await offload.call(lambda: assistant.search(body.query, body.k, body.doc))
        return SearchResponse(results=[SearchHit.of(n, p) for n, p in enumerate(passages, 1)])

    @router.post("/feedback", status_code=201, response_model=Ok, responses=ERRORS, dependencies=limited)
    async def feedback(body: FeedbackRequest) -> Ok:
        """Rate an answer by the `id` the chat endpoint gave it."""
        await run_in_threadpool(assistant.rate, body.message_id, body.rating, body.comment)
        return Ok()

    @router.get("/documents", response_model=Documents)
    async def documents() -> Documents:
        """The reports in the library; a question can be scoped to one with `doc`."""
        return Documents(
            documents=[
                DocumentOut(
                    id=d.doc_id, title=d.title, year=d.year, date=d.date, source=d.source_line, chunks=d.chunks
                )
                for d in await offload.call(assistant.library)
            ]
        )

    @router.get("/suggestions", response_model=Suggestions)
    async def suggested() -> Suggestions:
        """Starter questions, derived from the report's section headings."""
        return Suggestions(suggestions=suggestions)

    return router


async def chat_events(
    message_id: str, events: AsyncIterator[Event], on_answer: Callable[[Answer], None]
) -> AsyncIterator[bytes]:
    try:
        async for item in events:
            if isinstance(item, Answer):
                on_answer(item)
                yield sse.event("citations", ChatResponse.of(message_id, item).model_dump())
            else:
                yield sse.event("delta", {"text": item.text})
    except AssistantError as exc:
        log.warning("answer stream failed: %s: %s", type(exc).__name__, exc)
        yield sse.event("error", {"message": exc.user_message, "code": exc.code})
        return
    except Exception:
        log.exception("answer stream failed")
        yield sse.event("error", {"message": ErrorCode.INTERNAL_ERROR.message, "code": ErrorCode.INTERNAL_ERROR})
        return
    yield sse.event("done", {"id": message_id})

"""``/v1``: the assistant behind OpenAI's chat API, for existing clients (the models: openai_models.py).

The answer is ``choices[0].message.content``; the citations travel in extra top-level fields
(``citations``, ``refused``, ``notice``), on the response or on the last stream chunk, which the
official client keeps in ``model_extra``. ``usage`` is estimated (token_estimate.py); a stream sends
it on a last chunk with empty ``choices`` when asked (``stream_options: {"include_usage": true}``).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from assistant.service import Assistant
from assistant.web import sse
from assistant.web.answering import Event, Offload
from assistant.web.openai_models import models_router, scope_of
from assistant.web.openai_schemas import (
    OPENAI_ERRORS,
    ChatCompletion,
    CompletionChoice,
    CompletionMessage,
    CompletionRequest,
    OpenAIErrorBody,
)
from assistant.web.ratelimit import Limiter
from assistant.web.request_log import note, note_answer
from assistant.web.schemas import CitationOut
from assistant.web.token_estimate import Usage
from core.errors import AssistantError, ErrorCode
from core.types import Answer

log = logging.getLogger(__name__)
_NO_MODEL: dict[int | str, dict[str, Any]] = {
    404: {"model": OpenAIErrorBody, "description": "No such model (model_not_found)"}
}


def _extras(answer: Answer) -> dict[str, Any]:
    return {
        "citations": [CitationOut.of(c).model_dump() for c in answer.citations],
        "refused": answer.refused,
        "notice": answer.notice,
    }


def openai_router(assistant: Assistant, offload: Offload, limiter: Limiter) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["openai"])

    @router.post(
        "/chat/completions",
        response_model=ChatCompletion,
        responses={**sse.STREAM_DOC, **OPENAI_ERRORS},
        dependencies=[Depends(limiter)],
    )
    async def completions(body: CompletionRequest, request: Request) -> Response | ChatCompletion:
        """OpenAI-compatible chat completion; `model` from /v1/models (any other name asks the whole
        library); `stream: true` sends chunks."""
        body.check_supported()
        messages = body.conversation()
        if messages:
            note(request, question=messages[-1].content)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        if body.stream:
            events = await offload.stream(assistant.stream(messages, scope_of(body.model)))
            chunks = completion_chunks(completion_id, body, events, lambda a: note_answer(request, a))
            return sse.sse_response(chunks)
        answer = await offload.call(lambda: assistant.answer(messages, scope_of(body.model)))
        note_answer(request, answer)
        return ChatCompletion(
            id=completion_id,
            created=int(time.time()),
            model=body.model,
            choices=[CompletionChoice(message=CompletionMessage(content=answer.text))],
            usage=Usage.of(body.prompt(), answer.text),
            **_extras(answer),
        )

    router.include_router(models_router(assistant.library, offload, {**OPENAI_ERRORS, **_NO_MODEL}))
    return router


async def completion_chunks(
    completion_id: str, body: CompletionRequest, events: AsyncIterator[Event], on_answer: Callable[[Answer], None]
) -> AsyncIterator[bytes]:
    created = int(time.time())
    # As OpenAI does: with include_usage, every chunk carries "usage": null but the last, which has it.
    usage_field = {"usage": None} if body.include_usage else {}

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> bytes:
        head = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": body.model}
        return sse.data_line({**head, "choices": choices, **usage_field, **extra})

    def delta(content: dict[str, str], finish: str | None = None, **extra: Any) -> bytes:
        return chunk([{"index": 0, "delta": content, "finish_reason": finish}], **extra)

    yield delta({"role": "assistant", "content": ""})
    sent = ""
    try:
        async for item in events:
            if not isinstance(item, Answer):
                sent += item.text
                yield delta({"content": item.text})
                continue
            on_answer(item)
            # Clients here only concatenate: send what the final text adds to the pieces. When it
            # rewrote them instead, "answer" on the last chunk holds the authoritative text.
            if item.text.startswith(sent) and item.text != sent:
                yield delta({"content": item.text[len(sent) :]})
            yield delta({}, "stop", answer=item.text, **_extras(item))
            if body.include_usage:
                yield chunk([], usage=Usage.of(body.prompt(), item.text).model_dump())
    except AssistantError as exc:
        log.warning("completion stream failed: %s: %s", type(exc).__name__, exc)
        yield sse.data_line({"error": {"message": exc.user_message, "type": "server_error", "code": exc.code}})
        return
    except Exception:
        log.exception("completion stream failed")
        error = {"message": ErrorCode.INTERNAL_ERROR.message, "type": "server_error", "code": ErrorCode.INTERNAL_ERROR}
        yield sse.data_line({"error": error})
        return
    yield sse.data_line("[DONE]")

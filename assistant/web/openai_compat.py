"""``POST /v1/chat/completions``: the assistant behind OpenAI's chat API, for existing clients.

The answer is ``choices[0].message.content``; the citations travel in extra top-level fields
(``citations``, ``refused``, ``notice``), on the response or on the last stream chunk, which the
official client keeps in ``model_extra``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.service import Assistant
from assistant.web import sse
from assistant.web.answering import Event, Offload
from assistant.web.ratelimit import Limiter
from assistant.web.request_log import note, note_answer
from assistant.web.schemas import ERRORS, CitationOut
from core.errors import AssistantError, ErrorCode
from core.types import Answer, Message, Role

log = logging.getLogger(__name__)
MODEL = "report-assistant"
_TEXT_PARTS = {"text", "input_text"}
# System and developer prompts are dropped: ours keeps answers grounded in the report.
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant"}


class OpenAIMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls…: accepted, unused

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The text of the message; images and other parts are not for a text report."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") in _TEXT_PARTS)
        return self.content or ""


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens…: the report decides the answer

    model: str = MODEL
    messages: list[OpenAIMessage] = Field(min_length=1, max_length=400)
    stream: bool = False

    def conversation(self) -> list[Message]:
        """The user and assistant turns, as the assistant takes them."""
        return [Message(_ROLES[m.role], m.text()) for m in self.messages if m.role in _ROLES]


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class CompletionChoice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    citations: list[CitationOut]
    refused: bool
    notice: str


class OpenAIError(BaseModel):
    message: str = Field(description="For the user, in Chinese.")
    type: Literal["invalid_request_error", "server_error"]
    code: ErrorCode = Field(description="Stable and machine-readable, as in the other endpoints' errors.")


class OpenAIErrorBody(BaseModel):
    error: OpenAIError


# The same statuses as the other endpoints, in OpenAI's error shape.
OPENAI_ERRORS = {status: {**doc, "model": OpenAIErrorBody} for status, doc in ERRORS.items()}


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
        """OpenAI-compatible chat completion (any `model` name); `stream: true` sends chunks."""
        messages = body.conversation()
        if messages:
            note(request, question=messages[-1].content)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        if body.stream:
            events = await offload.stream(assistant.stream(messages, _scope(body.model)))
            chunks = completion_chunks(completion_id, body.model, events, lambda a: note_answer(request, a))
            return sse.sse_response(chunks)
        answer = await offload.call(lambda: assistant.answer(messages, _scope(body.model)))
        note_answer(request, answer)
        return ChatCompletion(
            id=completion_id,
            created=int(time.time()),
            model=body.model,
            choices=[CompletionChoice(message=CompletionMessage(content=answer.text))],
            **_extras(answer),
        )

    return router


async def completion_chunks(
    completion_id: str, model: str, events: AsyncIterator[Event], on_answer: Callable[[Answer], None]
) -> AsyncIterator[bytes]:
    created = int(time.time())

    def chunk(delta: dict[str, str], finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return sse.data_line(
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [choice],
                **extra,
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    sent = ""
    try:
        async for item in events:
            if not isinstance(item, Answer):
                sent += item.text
                yield chunk({"content": item.text})
                continue
            on_answer(item)
            # Clients here only concatenate: send what the final text adds to the pieces. When it
            # rewrote them instead, "answer" on the last chunk holds the authoritative text.
            if item.text.startswith(sent) and item.text != sent:
                yield chunk({"content": item.text[len(sent) :]})
            yield chunk({}, "stop", answer=item.text, **_extras(item))
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


def _scope(model: str) -> str | None:
    """`report/<doc id>` asks one report; any other model name asks the whole library."""
    prefix = f"{MODEL}/"
    return model[len(prefix) :] if model.startswith(prefix) and len(model) > len(prefix) else None

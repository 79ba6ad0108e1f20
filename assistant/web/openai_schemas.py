"""Bodies of the OpenAI-compatible API: the request as clients send it, the completion, the errors.

Clients send their sampling settings with every request (Open WebUI, Chatbox, LobeChat, LangChain
and the SDKs: ``temperature``, ``top_p``, penalties, ``max_tokens``, ``seed``, ``stop``, ``user``,
``stream_options``…). They are accepted and have no effect: the report decides the answer, which is
short. What the assistant cannot honour is refused with 400 ``unsupported_parameter``: ``n`` other
than 1, a ``tool_choice`` that demands a tool call, a ``response_format`` other than text. ``null``
counts as unset everywhere, as the SDKs send it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.web.openai_models import MODEL
from assistant.web.schemas import ERRORS, KEY_ERRORS, CitationOut
from assistant.web.token_estimate import Usage
from core.errors import ErrorCode, UnsupportedParameter
from core.types import Message, Role

_TEXT_PARTS = {"text", "input_text"}
# System and developer prompts are dropped: ours keeps answers grounded in the report.
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant"}
_IGNORED = "Accepted for compatibility; no effect (the report decides the answer)."


class OpenAIMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls, cache_control…: accepted, unused

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The text of the message; images and other parts are not for a text report."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") in _TEXT_PARTS)
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool | None = Field(None, description="true: a last chunk with empty `choices` and `usage`.")


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # logit_bias, metadata, reasoning…: accepted, unused

    model: str = MODEL
    messages: list[OpenAIMessage] = Field(min_length=1, max_length=400)
    stream: bool | None = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(None, description="1 only: one answer per question.")
    user: str | dict[str, Any] | None = Field(None, description="Accepted; not stored.")
    temperature: float | None = Field(None, description=_IGNORED)
    top_p: float | None = Field(None, description=_IGNORED)
    presence_penalty: float | None = Field(None, description=_IGNORED)
    frequency_penalty: float | None = Field(None, description=_IGNORED)
    max_tokens: int | None = Field(None, description=_IGNORED)
    max_completion_tokens: int | None = Field(None, description=_IGNORED)
    seed: int | None = Field(None, description=_IGNORED)
    stop: str | list[str] | None = Field(None, description=_IGNORED)
    tools: list[dict[str, Any]] | None = Field(None, description="Ignored: answers never call tools.")
    tool_choice: str | dict[str, Any] | None = Field(None, description="none or auto; one that demands a tool: 400.")
    response_format: dict[str, Any] | None = Field(None, description="Text only; json_object or json_schema: 400.")

    def conversation(self) -> list[Message]:
        """The user and assistant turns, as the assistant takes them."""
        return [Message(_ROLES[m.role], m.text()) for m in self.messages if m.role in _ROLES]

    def prompt(self) -> list[str]:
        """Every message's text as the client sent it, for the usage estimate."""
        return [m.text() for m in self.messages]

    @property
    def include_usage(self) -> bool:
        return bool(self.stream_options and self.stream_options.include_usage)

    def check_supported(self) -> None:
        """Refuse, with the parameter named, what the assistant cannot do rather than silently not do it."""
        if self.n not in (None, 1):
            raise UnsupportedParameter(f"n={self.n}: one answer per request", user_message=_N)
        if self.tool_choice == "required" or isinstance(self.tool_choice, dict):
            detail = f"tool_choice={self.tool_choice!r}: answers never call tools"
            raise UnsupportedParameter(detail, user_message=_TOOLS)
        kind = (self.response_format or {}).get("type", "text")
        if kind != "text":
            raise UnsupportedParameter(f"response_format type {kind!r}: answers are text", user_message=_FORMAT)


_N = "每次只能生成一个回答，请把 n 设为 1。"
_TOOLS = "本助手只根据报告作答，不能调用工具（tool_choice）。"
_FORMAT = "本助手只能以文字作答（response_format 只能为 text）。"


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
    usage: Usage = Field(description="Estimated token counts (see the README): no tokenizer of yours runs here.")
    citations: list[CitationOut]
    refused: bool
    notice: str


class OpenAIError(BaseModel):
    message: str = Field(description="For the user, in Chinese.")
    type: Literal["invalid_request_error", "server_error"]
    code: ErrorCode = Field(description="Stable and machine-readable, as in the other endpoints' errors.")


class OpenAIErrorBody(BaseModel):
    error: OpenAIError


# The same statuses as the other endpoints, in OpenAI's error shape; every /v1 route may need a key.
OPENAI_ERRORS = {status: {**doc, "model": OpenAIErrorBody} for status, doc in {**ERRORS, **KEY_ERRORS}.items()}

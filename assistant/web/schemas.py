"""Request and response bodies of the JSON API, as they appear on the /docs page."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.errors import ErrorCode
from core.types import Answer, Citation, Message, Passage

# Hard caps against oversized bodies only; the real limits (question length, turns) come from
# config and are checked by the core, which answers with a Chinese message.
_MAX_CONTENT = 20_000
_MAX_MESSAGES = 400


# Ask one report of the library only; the same field on every endpoint that answers or searches.
DocScope = Annotated[
    str | None,
    Field(
        max_length=200,
        pattern=r"^[^\x00-\x1f]+$",
        description="Ask one report only: an `id` from /api/documents. Default: the whole library.",
    ),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChatMessage(Body):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=_MAX_CONTENT)

    def to_message(self) -> Message:
        return Message(self.role, self.content)


class ChatRequest(Body):
    messages: list[ChatMessage] = Field(
        min_length=1, max_length=_MAX_MESSAGES, description="The conversation; the last one is the question."
    )
    stream: bool = Field(False, description="true: answer as Server-Sent Events (delta, citations, done).")
    doc: DocScope = None


class CitationOut(BaseModel):
    n: int = Field(description="The [n] marker in the answer text.")
    doc: str = Field(description="The report's id: /report?doc={doc}.")
    title: str = Field("", description="The report's title.")
    section: str
    period: str
    text: str
    start: int = Field(description="Character offset of the passage in /report.txt?doc={doc}.")
    end: int
    score: float
    paragraph: int = Field(description="Paragraph number: /report?doc={doc}#p{paragraph}.")
    quote: str = Field(description="The sentence the answer took from this passage, when known.")
    highlight: str = Field("", description="The clause of `quote` that answers the question, to highlight.")

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls(**citation.to_dict())


class LineOut(BaseModel):
    text: str = Field(description="One line of a list or overview answer, without [n] markers.")
    cites: list[int] = Field(description="The citations' `n` this line rests on.")
    level: int = Field(description="0: the point of the whole section; 1: a sub-point or an item.")


class SectionOut(BaseModel):
    doc: str
    paragraph: int = Field(description="Where the section starts: /report?doc={doc}#p{paragraph} (查看全部).")
    title: str


class ChatResponse(BaseModel):
    id: str = Field(description="Message id, for /api/feedback.")
    answer: str
    citations: list[CitationOut]
    refused: bool = Field(description="true: the report does not cover the question.")
    notice: str = Field(description="A note for the reader, e.g. that a fallback answer stands in.")
    form: Literal["fact", "list", "overview", "yesno"] = Field(
        "fact", description="The answer's shape: list and overview answers come as `lines` as well."
    )
    lines: list[LineOut] = Field([], description="List and overview answers line by line; empty for facts.")
    section: SectionOut | None = Field(None, description="The section a list or overview answer summarises.")

    @classmethod
    def of(cls, message_id: str, answer: Answer) -> ChatResponse:
        return cls(
            id=message_id, **{**answer.to_dict(), "citations": [CitationOut.of(c) for c in answer.citations]}
        )


class SearchRequest(Body):
    query: str = Field(max_length=_MAX_CONTENT)
    k: int | None = Field(None, ge=1, le=50, description="How many passages; default from config.")
    doc: DocScope = None


class SearchHit(BaseModel):
    n: int
    text: str
    section: str
    period: str
    doc: str
    title: str = ""
    start: int
    end: int
    score: float
    paragraph: int

    @classmethod
    def of(cls, n: int, passage: Passage) -> SearchHit:
        fields = {k: v for k, v in passage.to_dict().items() if k in cls.model_fields}
        return cls(n=n, **fields)


class SearchResponse(BaseModel):
    results: list[SearchHit]


class FeedbackRequest(Body):
    message_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=2000)


class Ok(BaseModel):
    ok: bool = True


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    chunks: int
    documents: int


class DocumentOut(BaseModel):
    id: str = Field(description="Pass as `doc` to scope a question; the report page is /report?doc={id}.")
    title: str
    year: int = Field(description="The year the report looks back on; '今年' in a question means this year.")
    date: str = Field(description="Publication date, ISO, when known.")
    source: str = Field(description="Where the report was published.")
    chunks: int


class Documents(BaseModel):
    documents: list[DocumentOut]


class Suggestions(BaseModel):
    suggestions: list[str]


class ErrorBody(BaseModel):
    error: str = Field(description="A message for the user, in Chinese (may be reworded).")
    code: ErrorCode = Field(description="Stable and machine-readable: branch on this (see the table above).")


# The error replies of the public endpoints, for the /docs page; each lists its codes from the registry.
_ERROR_TITLES = {
    400: "Body is not UTF-8, or an OpenAI parameter the assistant cannot honour",
    403: "Origin neither this server nor in server.cors_origins",
    413: "Body larger than server.max_body_bytes",
    422: "Invalid question or body",
    429: "Too many requests, see Retry-After",
    503: "Not ready, or a backend is down",
    504: "Answer timed out",
}


def _documented(titles: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    codes = {status: ", ".join(c for c in ErrorCode if c.status == status) for status in titles}
    return {
        status: {"model": ErrorBody, "description": f"{title} ({codes[status]})"} for status, title in titles.items()
    }


ERRORS = _documented(_ERROR_TITLES)
# The endpoints that need a key when server.api_keys is set (/v1/*, /api/search).
KEY_ERRORS = _documented({401: "No valid `Authorization: Bearer <key>` (server.api_keys is set)"})

"""Answers and citations as plain data; rendering happens only at the edges."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk of a report, with where it sits in the source text."""

    chunk_id: str
    text: str
    doc: str
    title: str
    section: str
    period: str
    paragraph: int
    start: int
    end: int
    score: float = 0.0
    lead: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """Passage number ``n`` as the answer cites it ([n]); ``quote`` is the cited sentence."""

    n: int
    doc: str
    section: str
    period: str
    text: str
    start: int
    end: int
    score: float
    paragraph: int = 0
    quote: str = ""
    title: str = ""  # the report's title: several reports may answer one question

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Delta:
    """A piece of answer text, as it is produced; a stream of them ends with one ``Answer``."""

    text: str


@dataclass(frozen=True)
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    notice: str = ""  # e.g. the LLM failed and the extractive answer stands in
    reason: str = ""  # why it was refused, in English, for operators; never shown to citizens

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "notice": self.notice,
        }

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
    highlight: str = ""  # the clause of ``quote`` that answers (a fact answer's short answer)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Delta:
    """A piece of answer text, as it is produced; a stream of them ends with one ``Answer``."""

    text: str


AnswerForm = Literal["fact", "list", "overview", "yesno"]


@dataclass(frozen=True)
class AnswerLine:
    """One line of a list or overview answer: its text without markers, and the passages it cites."""

    text: str
    cites: tuple[int, ...] = ()
    level: int = 1  # 0: the point of the section the answer summarises; 1: a sub-point or an item

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "cites": list(self.cites), "level": self.level}


@dataclass(frozen=True)
class SectionLink:
    """Where the whole section an overview or list answer summarises starts in its report."""

    doc: str
    paragraph: int
    title: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Dropped:
    """A sentence of a model's answer the grounding guard did not show, and why."""

    rule: str  # empty, citation, figure, name, terms or refusal
    reason: str  # e.g. "figure 16442人 is not in [1]", for operators
    sentence: str


@dataclass(frozen=True)
class Grounding:
    """What the grounding guard did to one model answer (LLM answers only; extractive ones are grounded)."""

    kept: int = 0  # sentences shown
    dropped: tuple[Dropped, ...] = ()
    fallback: bool = False  # nothing grounded was left: the extractive answer stood in

    def counts(self) -> dict[str, Any]:
        """Numbers only, for the request log and the evaluation (no answer text)."""
        by_rule: dict[str, int] = {}
        for d in self.dropped:
            by_rule[d.rule] = by_rule.get(d.rule, 0) + 1
        return {"kept": self.kept, "dropped": by_rule, "fallback": self.fallback}


@dataclass(frozen=True)
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    notice: str = ""  # e.g. the LLM failed and the extractive answer stands in
    reason: str = ""  # why it was refused, in English, for operators; never shown to citizens
    form: AnswerForm = "fact"
    lines: tuple[AnswerLine, ...] = ()  # list and overview answers, as data: the edges draw them as lists
    section: SectionLink | None = None
    grounding: Grounding | None = None  # what the guard kept and dropped of a model's answer; None otherwise

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "notice": self.notice,
            "form": self.form,
            "lines": [line.to_dict() for line in self.lines],
            "section": self.section.to_dict() if self.section else None,
        }

"""One question and its answer as data; the chat and the 来源 panel are both drawn from these."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from core.types import Answer, AnswerForm, AnswerLine, Citation, SectionLink


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str = ""
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    reason: str = ""  # why it was refused, for the unanswered log
    notice: str = ""
    done: bool = False
    form: AnswerForm = "fact"
    lines: tuple[AnswerLine, ...] = ()  # list and overview answers, drawn as lists once final
    section: SectionLink | None = None
    message_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def grow(self, text: str) -> Turn:
        return replace(self, answer=self.answer + text)

    def finish(self, answer: Answer) -> Turn:
        """The final answer is authoritative: it replaces whatever was streamed."""
        return replace(
            self,
            answer=answer.text,
            citations=tuple(answer.citations),
            refused=answer.refused,
            reason=answer.reason,
            notice=answer.notice,
            form=answer.form,
            lines=answer.lines,
            section=answer.section,
            done=True,
        )

"""What the service keeps of each answer for the content owners: the question log (counts, latency,
refusal reasons; question text only with ``logging.questions``), the unanswered log, and, for ratings,
what was rated.

A rating arrives by message id seconds after its answer, so the last answers are kept in memory: the
rating is stored with its question (masked), answer and citations. A rating for an answer this process
no longer knows (another worker answered it, or a restart) is still stored, with what the question log
holds about that message.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cached_property

import sqlalchemy as sa

from assistant.feedback import FeedbackStore, Rating
from assistant.privacy import mask_personal_data
from assistant.question_log import QuestionLog, questions_table
from core.types import Answer, Citation, Message

log = logging.getLogger(__name__)
RECENT_ANSWERS = 4096  # ~1 KB each: the answers a rating may still come for


def citations_json(citations: list[Citation]) -> str:
    """What the 反馈 page shows of each citation: not the passage text (it is in the report)."""
    kept = [
        {
            "n": c.n,
            "doc": c.doc,
            "title": c.title,
            "section": c.section,
            "paragraph": c.paragraph,
            "quote": c.quote or c.text[:200],
        }
        for c in citations
    ]
    return json.dumps(kept, ensure_ascii=False)


class Recorder:
    """``keep_questions``: ``logging.questions``; ``enabled``: off for evaluation, which asks on purpose."""

    def __init__(self, store: Callable[[], FeedbackStore], *, keep_questions: bool, enabled: bool = True) -> None:
        self._store = store  # the service's database, opened on first use
        self.keep_questions = keep_questions
        self.enabled = enabled
        self._recent: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    @cached_property
    def questions(self) -> QuestionLog:
        return QuestionLog(self._store().engine)

    def answered(
        self, messages: list[Message], doc: str | None, answer: Answer, latency_ms: float, message_id: str
    ) -> None:
        if not self.enabled:
            return
        try:
            # For the report's owners: what was asked, never who asked it.
            question = mask_personal_data(messages[-1].content.strip())
            source = answered_from(doc, answer)
            self.questions.record(
                message_id=message_id,
                doc=source,
                form=answer.form,
                refused=answer.refused,
                reason=answer.reason if answer.refused else "",
                latency_ms=round(latency_ms, 1),
                question=question if self.keep_questions else None,
            )
            if answer.refused:
                self._store().log_unanswered(question, answer.reason or "refused", doc or "")
            if message_id:  # a refusal can be rated too: 👎 "it should have answered"
                self._remember(message_id, question, answer, source)
        except Exception:
            # The citizen still gets the answer; operators get the traceback.
            log.exception("could not record a question")

    def _remember(self, message_id: str, question: str, answer: Answer, doc: str) -> None:
        rated = {
            "question": question,
            "answer": answer.text,
            "citations": citations_json(answer.citations),
            "doc": doc,
        }
        with self._lock:
            self._recent[message_id] = rated
            while len(self._recent) > RECENT_ANSWERS:
                self._recent.popitem(last=False)

    def rate(self, message_id: str, rating: Rating, comment: str = "") -> int:
        """Store a rating with what was rated; committed before it returns."""
        with self._lock:
            rated = self._recent.get(message_id)
        return self._store().add_feedback(message_id, rating, comment, **(rated or self._logged(message_id)))

    def _logged(self, message_id: str) -> dict[str, str]:
        """What the shared question log knows of an answer another process gave."""
        self.questions.flush()
        row = self._store().read(
            lambda db: db.execute(
                sa.select(questions_table.c.doc, questions_table.c.question)
                .where(questions_table.c.message_id == message_id)
                .limit(1)
            ).first()
        )
        return {"doc": row.doc, "question": row.question or ""} if row else {}

    def close(self) -> None:
        if "questions" in self.__dict__:
            self.questions.close()


def answered_from(doc: str | None, answer: Answer) -> str:
    """The report a question was about: the one asked, else the one the answer cites first ("" for a
    refusal to a question that named none)."""
    return doc or (answer.citations[0].doc if answer.citations else "")

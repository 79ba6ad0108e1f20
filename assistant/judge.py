"""The one place that decides whether a question is answered or refused, and says why.

Two moments: before any retrieval (injections and other tasks never reach the index or an LLM),
and once the evidence is in (is it about the period asked, of the type asked, close enough).
Every refusal carries a reason in English for operators; it is logged with the unanswered
question, never shown to citizens, who always read the same ``REFUSAL`` sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.answer_types import AnswerType
from assistant.guard import is_injection, is_other_task
from assistant.near_miss import NearMiss
from core.settings import RetrievalSettings
from core.types import Grounding
from index.search.outline_search import Match

REFUSAL = "抱歉，这份报告中没有找到与您的问题相关的内容，我无法回答。您可以换个问法，或询问报告涉及的工作成绩和目标。"
COVERAGE_WEIGHT = 0.05


@dataclass(frozen=True)
class Verdict:
    answer: bool
    reason: str = ""  # why it is refused, for operators; empty when answered

    @classmethod
    def refuse(cls, reason: str) -> Verdict:
        return cls(False, reason)


ANSWER = Verdict(True)


@dataclass(frozen=True)
class Evidence:
    """What retrieval and ranking found for a question, as the judge weighs it."""

    best_dense: float  # the closest sentence's similarity to the question
    coverage: float  # share of the question's informative words (IDF-weighted) the passages mention
    unknown_years: list[int]  # years the question names that the report has nothing about
    wanted: AnswerType | None  # the type of answer the question asks for ("多少钱": money)
    typed: bool  # one of the best sentences is of that type, from the period asked
    near_miss: NearMiss = field(default_factory=NearMiss)  # what the question names that the sentence does not say

    @property
    def strength(self) -> float:
        """The closest sentence, plus a little for shared words.

        e5 similarities sit in a narrow band (~0.8–0.95), so the words the question and the passages
        share break near-ties between a paraphrase and a question the report does not cover.
        """
        return self.best_dense + COVERAGE_WEIGHT * self.coverage


def judge_question(question: str) -> Verdict:
    """Before any search: a question that is not a question about the report is refused outright."""
    if is_injection(question):
        return Verdict.refuse("instruction override or role change")
    if is_other_task(question):
        return Verdict.refuse("a task other than answering from the report")
    return ANSWER


def judge_evidence(evidence: Evidence, thresholds: RetrievalSettings) -> Verdict:
    """After the search, before the best sentence is checked against the question."""
    if evidence.unknown_years:
        return Verdict.refuse(f"asks about {evidence.unknown_years}, which the report does not cover")
    if reason := evidence.near_miss.reason():
        return Verdict.refuse(f"near miss: {reason}")
    if evidence.wanted and not evidence.typed:
        return Verdict.refuse(f"asks for a {evidence.wanted.name}; none of the best sentences states one")
    if evidence.strength < thresholds.refusal_threshold:
        return Verdict.refuse(f"weak evidence {evidence.strength:.3f} (coverage {evidence.coverage:.2f})")
    return ANSWER


def judge_agreement(agreement: float, thresholds: RetrievalSettings) -> Verdict:
    """The best sentence, read the way the question is read, must say what was asked."""
    if agreement < thresholds.agreement_threshold:
        return Verdict.refuse(f"the best sentence does not match the question ({agreement:.3f})")
    return ANSWER


OUTLINE_MIN_DENSE = 0.87  # an outline unit this close to the question is about it even in other words


def judge_outline(
    matches: list[Match], topic: list[str], is_rare: Callable[[str], bool], elsewhere: tuple[str, ...] = ()
) -> Verdict:
    """A broad question is answered from the outline when a part of the report matches it: by a word
    they share, or closely in meaning. Otherwise the chunk search takes it (and may refuse it).

    A question about a detail ("通用航空发展得怎么样": 通用航空 is one sentence of a paragraph on
    industry) is the chunk search's too: a word the library uses once or twice that the matched
    heading does not name; the section's or paragraph's summary would not be about it."""
    if elsewhere:  # "白城市文化方面有什么成绩": the report's outline is its own place's, not theirs
        return Verdict.refuse(f"names {', '.join(elsewhere)}, not what the outline is about")
    if not matches:
        return Verdict.refuse("the library has no outline")
    best = matches[0]
    if best.keyword <= 0 and best.dense < OUTLINE_MIN_DENSE:
        return Verdict.refuse(f"no part of the outline matches (dense {best.dense:.3f})")
    heading = f"{best.unit.node.title} {best.unit.point.lead if best.unit.point else ''}"
    detail = [t for t in topic if is_rare(t) and t in best.unit.body and t not in heading]
    if detail:
        return Verdict.refuse(f"asks about {detail}, a detail the matched part of the outline is not about")
    return ANSWER


def judge_llm_reply(text: str) -> Verdict:
    """A model told to say ``REFUSAL`` when the passages do not answer may say it in its own framing."""
    if not text or REFUSAL.rstrip("。")[:12] in text:
        return Verdict.refuse("the LLM found no answer in the passages")
    return ANSWER


def judge_grounded(grounding: Grounding) -> Verdict:
    """After the grounding guard: a model answer stands when at least one of its sentences was kept."""
    if grounding.kept:
        return ANSWER
    if any(d.rule == "refusal" for d in grounding.dropped):
        return Verdict.refuse("the LLM found no answer in the passages")
    return Verdict.refuse(f"no sentence of the LLM's answer is grounded: {grounding.counts()['dropped']}")

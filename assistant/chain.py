"""The answering chain as plain, named steps: prepare → condense → retrieve → judge → answer.

``stream`` runs them in order and yields ``Delta`` text pieces, then one ``Answer``. Every
answer-or-refuse decision is the judge's (``assistant/judge.py``); the steps only gather what it weighs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from assistant.broad import BroadAnswerer
from assistant.citations import curate
from assistant.english import noted_in_english
from assistant.extractive import Candidate, ExtractiveAnswerer, wants_several
from assistant.followup import standalone_question
from assistant.grounding import GroundingGuard
from assistant.guard import clean_conversation
from assistant.judge import ANSWER, REFUSAL, Verdict, judge_agreement, judge_evidence, judge_question
from assistant.llm import LLMAnswerer
from assistant.llm_stream import guarded
from assistant.near_miss import (
    metric_asked,
)
from assistant.outlines import Outlines
from assistant.question_forms import question_form
from assistant.question_text import is_english, normalise
from assistant.weighing import Weigher
from core.errors import ProviderUnavailable
from core.settings import Settings
from core.types import Answer, Delta, Message, Passage
from index.search.hybrid import HybridRetriever, SearchResult, coverage

log = logging.getLogger(__name__)

FALLBACK_NOTICE = "智能回答服务暂时不可用，以下是从报告原文中直接摘录的内容。"

__all__ = ["FALLBACK_NOTICE", "REFUSAL", "AnswerChain", "Delta"]


@dataclass
class Turn:
    """One question on its way through the steps."""

    question: str
    history: list[Message]
    doc: str | None = None
    standalone: str = ""
    result: SearchResult | None = None
    sentences: list[Candidate] = field(default_factory=list)  # the passages' sentences, best first
    verdict: Verdict = ANSWER
    english: bool = False  # asked in English: searched with its Chinese words, answered in the report's


class AnswerChain:
    def __init__(
        self,
        settings: Settings,
        retriever: HybridRetriever,
        extractive: ExtractiveAnswerer,
        llm: LLMAnswerer | None = None,
        outlines: Outlines | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.extractive = extractive
        self.llm = llm
        self.outlines = outlines
        self.weigher = Weigher(retriever, outlines)
        # Overviews and lists from the outline are the extractive answerer's: an LLM summarises itself.
        self.broad = BroadAnswerer(settings, retriever, outlines) if outlines is not None and llm is None else None

    # -- entry points ------------------------------------------------------------------------

    def stream(self, messages: list[Message], doc: str | None = None) -> Iterator[Delta | Answer]:
        turn = self.condense(self.prepare(messages, doc))
        events = self._answer(turn)
        yield from noted_in_english(events) if turn.english else events

    def _answer(self, turn: Turn) -> Iterator[Delta | Answer]:
        broad = self.broad.answer(turn.standalone, turn.doc) if self.broad and turn.verdict.answer else None
        if broad is not None:
            yield Delta(broad.text)
            yield broad
            return
        turn = self.retrieve(turn)
        if not turn.verdict.answer or turn.result is None:
            log.info("refused: %s", turn.verdict.reason)  # no question text: citizens' questions are personal data
            yield from _refuse(turn.verdict.reason)
        elif self.llm is not None:
            yield from self.answer_llm(turn)
        else:
            yield from self.answer_extractive(turn)

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
        final = None
        for event in self.stream(messages, doc):
            if isinstance(event, Answer):
                final = event
        assert final is not None, "the chain always ends with an Answer"
        return final

    def passages(self, messages: list[Message], doc: str | None = None) -> list[Passage]:
        """What retrieval hands the answerer for this conversation (for evaluation and debugging)."""
        turn = self.retrieve(self.condense(self.prepare(messages, doc)))
        return turn.result.passages if turn.result else []

    # -- steps -------------------------------------------------------------------------------

    def prepare(self, messages: list[Message], doc: str | None) -> Turn:
        """Validate the conversation, choose the report, and refuse what is no question about it."""
        question, history = clean_conversation(messages, self.settings.limits)
        if self.outlines is not None:  # "２０２４年城鎮就業" searches as "2024年城镇就业"
            question = normalise(question, self.outlines.current().characters)
        turn = Turn(question=question, history=history, doc=self.retriever.scope(question, doc) or None)
        turn.english = is_english(question)
        turn.verdict = judge_question(question)  # before anything, the LLM's condense step included
        return turn

    def condense(self, turn: Turn) -> Turn:
        """A follow-up question made standalone: the earlier subject carried over, or the LLM's rewrite."""
        year = self.retriever.year_of(turn.doc) if turn.doc else self.settings.corpus.report_year
        turn.standalone = standalone_question(turn.question, turn.history, year)
        if turn.english and self.outlines is not None:
            turn.standalone = self.outlines.current().english.to_chinese(turn.question)
            log.info("English question searched as: %s", turn.standalone)
        if self.llm is not None and turn.history and turn.verdict.answer:
            try:
                turn.standalone = self.llm.condense(turn.question, turn.history)
            except ProviderUnavailable as exc:
                log.warning("condense failed, carrying the subject over instead: %s", exc)
        return turn

    def retrieve(self, turn: Turn) -> Turn:
        """Find and judge the evidence. In a library, a question that names no report is first put
        to the home reports (those config.yaml lists); the others answer what they cannot."""
        if not turn.verdict.answer:
            return turn
        home = self.retriever.home_documents() if turn.doc is None else frozenset()
        if home and not self.retriever.only_elsewhere(turn.standalone, home):
            self.judge(turn, home)
            if turn.verdict.answer:
                return turn
        return self.judge(turn, turn.doc)

    def judge(self, turn: Turn, scope: str | frozenset[str] | None) -> Turn:
        """Search ``scope``, rank the passages' sentences, and let the judge weigh them."""
        turn.result = result = self._search(turn.standalone, scope)
        ranked = self.extractive.rank(turn.standalone, result.passages, result.years)
        turn.sentences, evidence = self.weigher.weigh(turn.standalone, _as_asked(turn), result, ranked)
        turn.verdict = judge_evidence(evidence, self.settings.retrieval)
        if turn.verdict.answer:
            agreement = self.extractive.agreement(turn.standalone, turn.sentences[0].text)
            turn.verdict = judge_agreement(agreement, self.settings.retrieval)
        return turn

    def answer_extractive(self, turn: Turn, notice: str = "") -> Iterator[Delta | Answer]:
        assert turn.result is not None
        short = question_form(turn.standalone) == "fact" and not wants_several(turn.standalone)
        metric = metric_asked(_as_asked(turn), self.outlines.current().uses) if self.outlines and short else ""
        places = self.retriever.places
        composed = self.extractive.compose(
            turn.standalone, turn.sentences, short=short, metric=metric, focus=turn.question, places=places
        )
        if not composed.text:
            yield from _refuse("no sentence to quote")
            return
        for sentence in re.findall(r".+?\[\d+\]", composed.text):
            yield Delta(sentence)
        answer = curate(composed.text, turn.result.passages, composed.quotes, composed.highlights)
        yield replace(answer, notice=notice)

    def answer_llm(self, turn: Turn) -> Iterator[Delta | Answer]:
        """The model's answer, each sentence shown once the grounding guard kept it; when the endpoint
        fails or nothing grounded is left, the extractive answer stands in with the notice."""
        assert turn.result is not None and self.llm is not None
        passages = turn.result.passages
        guard = self._guard(turn.standalone, passages) if self.settings.answer.openai.grounding else None
        try:
            answer, grounding = yield from guarded(self.llm.stream_answer(turn.standalone, passages), passages, guard)
        except ProviderUnavailable as exc:
            log.warning("LLM unavailable, answering extractively: %s", exc)
            yield from self.answer_extractive(turn, notice=FALLBACK_NOTICE)
            return
        if grounding is not None and grounding.dropped:
            log.info("grounding: %s", "; ".join(f"{d.rule}: {d.reason}" for d in grounding.dropped))
        if answer is not None:
            yield answer
            return
        for event in self.answer_extractive(turn, notice=FALLBACK_NOTICE):  # nothing grounded was left
            yield replace(event, grounding=grounding) if isinstance(event, Answer) else event

    def _guard(self, question: str, passages: list[Passage]) -> GroundingGuard:
        view = self.retriever.view
        return GroundingGuard(passages, lambda cited: coverage(view, question, cited))

    # -- helpers -----------------------------------------------------------------------------

    def _search(self, question: str, scope: str | frozenset[str] | None) -> SearchResult:
        result = self.retriever.search(question, doc=scope)
        if wants_several(question) and result.passages:
            # Open questions read on: the rest of the best passage's paragraph joins the evidence.
            following = self.retriever.following(result.passages[0])
            result = replace(result, passages=_with(result.passages, following))
        return result


def _as_asked(turn: Turn) -> str:
    """The words the user chose, for the near-miss checks: an English question's Chinese bridge holds
    the dictionary's guesses (产值 beside 产量), which must not count as what was asked."""
    return turn.question if turn.english else turn.standalone


def _refuse(reason: str) -> Iterator[Delta | Answer]:
    yield Delta(REFUSAL)
    yield Answer(text=REFUSAL, refused=True, reason=reason)


def _with(passages: list[Passage], extra: Passage | None) -> list[Passage]:
    known = {p.chunk_id for p in passages}
    return passages if extra is None or extra.chunk_id in known else [*passages, extra]

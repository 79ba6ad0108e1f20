"""The answering chain: validate → make standalone → retrieve → refuse or answer → cite.

Built from LangChain runnables; it streams ``Delta`` text pieces and ends with one ``Answer``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from langchain_core.runnables import Runnable, RunnableGenerator, RunnableLambda

from assistant.answer_types import AnswerType, expected_type
from assistant.citations import curate
from assistant.extractive import Candidate, ExtractiveAnswerer, wants_several
from assistant.followup import standalone_question
from assistant.guard import clean_conversation, is_injection, is_other_task
from assistant.llm import LLMAnswerer
from core.errors import ProviderUnavailable
from core.settings import Settings
from core.types import Answer, Message, Passage
from index.retrieval import HybridRetriever, SearchResult

log = logging.getLogger(__name__)

REFUSAL = "抱歉，这份报告中没有找到与您的问题相关的内容，我无法回答。您可以换个问法，或询问报告涉及的工作成绩和目标。"
FALLBACK_NOTICE = "智能回答服务暂时不可用，以下是从报告原文中直接摘录的内容。"
COVERAGE_WEIGHT = 0.05
TYPE_WINDOW = 5  # how many of the best sentences may supply a typed answer ("多少钱" → an amount in 元)


@dataclass(frozen=True)
class Delta:
    """A piece of answer text, as it is produced."""

    text: str


@dataclass(frozen=True)
class Query:
    """A conversation, and the report it is scoped to (None: the whole library)."""

    messages: list[Message]
    doc: str | None = None


@dataclass
class Turn:
    question: str
    history: list[Message]
    doc: str | None = None
    standalone: str = ""
    result: SearchResult | None = None
    sentences: list[Candidate] = field(default_factory=list)  # the passages' sentences, best first
    evidence: float = 0.0
    agreement: float = 0.0
    refusal: str = ""  # why, for operators; empty when the question will be answered
    trace: dict[str, object] = field(default_factory=dict)


class AnswerChain:
    def __init__(
        self,
        settings: Settings,
        retriever: HybridRetriever,
        extractive: ExtractiveAnswerer,
        llm: LLMAnswerer | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.extractive = extractive
        self.llm = llm
        self.runnable: Runnable = (
            RunnableLambda(self.prepare).with_config(run_name="prepare")
            | RunnableLambda(self.condense).with_config(run_name="condense")
            | RunnableLambda(self.retrieve).with_config(run_name="retrieve")
            | RunnableGenerator(self._generate).with_config(run_name="generate")
        )

    # -- steps -------------------------------------------------------------------------------

    def prepare(self, query: Query) -> Turn:
        question, history = clean_conversation(query.messages, self.settings.limits)
        turn = Turn(question=question, history=history, doc=self.retriever.scope(question, query.doc) or None)
        if is_injection(question):  # refused before anything, the LLM's condense step included
            turn.refusal = "instruction override or role change"
        elif is_other_task(question):
            turn.refusal = "a task other than answering from the report"
        return turn

    def condense(self, turn: Turn) -> Turn:
        year = self.retriever.year_of(turn.doc) if turn.doc else self.settings.corpus.report_year
        turn.standalone = standalone_question(turn.question, turn.history, year)
        if self.llm is not None and turn.history and not turn.refusal:
            try:
                turn.standalone = self.llm.condense(turn.question, turn.history)
            except ProviderUnavailable as exc:
                log.warning("condense failed, carrying the subject over instead: %s", exc)
        return turn

    def retrieve(self, turn: Turn) -> Turn:
        """Find and judge the evidence. In a library, a question that names no report is first put
        to the home reports (those config.yaml lists); the others answer what they cannot."""
        if turn.refusal:
            return turn
        home = self.retriever.home_documents() if turn.doc is None else frozenset()
        if home and not self.retriever.only_elsewhere(turn.standalone, home):
            self._judge(turn, home)
            if not turn.refusal:
                return turn
            turn.refusal = ""
        return self._judge(turn, turn.doc)

    def _judge(self, turn: Turn, scope: str | frozenset[str] | None) -> Turn:
        turn.result = result = self._search(turn.standalone, scope)
        ranked = self.extractive.rank(turn.standalone, result.passages, result.years)
        wanted = expected_type(turn.standalone)
        typed = [c for c in ranked[:TYPE_WINDOW] if self._gives(wanted, c, result)] if wanted else []
        turn.sentences = typed + [c for c in ranked if c not in typed]  # a typed answer comes first
        turn.evidence = evidence(turn.sentences, result.coverage)
        unknown = sorted(y for y in result.years if y not in self.retriever.view.known_years)
        if unknown:
            turn.refusal = f"asks about {unknown}, which the report does not cover"
        elif wanted and not typed:
            turn.refusal = f"asks for a {wanted.name}; none of the best sentences states one"
        elif turn.evidence < self.settings.retrieval.refusal_threshold:
            turn.refusal = f"weak evidence {turn.evidence:.3f} (coverage {result.coverage:.2f})"
        else:
            turn.agreement = self.extractive.agreement(turn.standalone, turn.sentences[0].text)
            if turn.agreement < self.settings.retrieval.agreement_threshold:
                turn.refusal = f"the best sentence does not match the question ({turn.agreement:.3f})"
        return turn

    def _search(self, question: str, scope: str | frozenset[str] | None) -> SearchResult:
        result = self.retriever.search(question, doc=scope)
        if wants_several(question) and result.passages:
            # Open questions read on: the rest of the best passage's paragraph joins the evidence.
            following = self.retriever.following(result.passages[0])
            result = replace(result, passages=_with(result.passages, following))
        return result

    def _gives(self, wanted: AnswerType, sentence: Candidate, result: SearchResult) -> bool:
        """The sentence is of the asked type, from the period asked about ("明年…多少": a 2024 figure)."""
        asked = {str(y) for y in result.years} & self.retriever.periods
        period = result.passages[sentence.passage - 1].period
        return wanted.fits(sentence.text) and (not asked or period in asked | {""})

    def _generate(self, turns: Iterator[Turn]) -> Iterator[Delta | Answer]:
        for turn in turns:
            if turn.refusal or turn.result is None:
                log.info("refused: %s", turn.refusal)  # no question text: citizens' questions are personal data
                yield from _refuse(turn.refusal)
            elif self.llm is not None:
                yield from self._generate_llm(turn)
            else:
                yield from self._generate_extractive(turn)

    def _generate_extractive(self, turn: Turn, notice: str = "") -> Iterator[Delta | Answer]:
        assert turn.result is not None
        passages = turn.result.passages
        text, quotes = self.extractive.compose(turn.standalone, turn.sentences)
        if not text:
            yield from _refuse("no sentence to quote")
            return
        for sentence in re.findall(r".+?\[\d+\]", text):
            yield Delta(sentence)
        yield replace(curate(text, passages, quotes), notice=notice)

    def _generate_llm(self, turn: Turn) -> Iterator[Delta | Answer]:
        assert turn.result is not None and self.llm is not None
        passages = turn.result.passages
        pieces: list[str] = []
        try:
            for piece in self.llm.stream_answer(turn.standalone, passages):
                pieces.append(piece)
                yield Delta(piece)
        except ProviderUnavailable as exc:
            log.warning("LLM unavailable, answering extractively: %s", exc)
            yield from self._generate_extractive(turn, notice=FALLBACK_NOTICE)
            return
        text = "".join(pieces).strip()
        answer = curate(text, passages)
        if _is_refusal(text, self.llm.refusal):
            yield Answer(text=REFUSAL, refused=True, reason="the LLM found no answer in the passages")
        else:
            yield answer

    # -- entry points ------------------------------------------------------------------------

    def stream(self, messages: list[Message], doc: str | None = None) -> Iterator[Delta | Answer]:
        yield from self.runnable.stream(Query(messages, doc))

    def passages(self, messages: list[Message], doc: str | None = None) -> list[Passage]:
        """What retrieval hands the answerer for this conversation (for evaluation and debugging)."""
        turn = self.retrieve(self.condense(self.prepare(Query(messages, doc))))
        return turn.result.passages if turn.result else []

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
        final = None
        for event in self.stream(messages, doc):
            if isinstance(event, Answer):
                final = event
        assert final is not None, "the chain always ends with an Answer"
        return final


def _refuse(reason: str) -> Iterator[Delta | Answer]:
    yield Delta(REFUSAL)
    yield Answer(text=REFUSAL, refused=True, reason=reason)


def _with(passages: list[Passage], extra: Passage | None) -> list[Passage]:
    known = {p.chunk_id for p in passages}
    return passages if extra is None or extra.chunk_id in known else [*passages, extra]


def evidence(sentences: list[Candidate], coverage: float) -> float:
    """How well the report supports an answer: the closest sentence, plus a little for shared words.

    e5 similarities sit in a narrow band (~0.8–0.95), so the words the question and the passages
    share break near-ties between a paraphrase and a question the report does not cover.
    """
    best = max((c.dense for c in sentences), default=0.0)
    return best + COVERAGE_WEIGHT * coverage


def _is_refusal(text: str, refusal: str) -> bool:
    core = refusal.rstrip("。")
    return not text or core[:12] in text

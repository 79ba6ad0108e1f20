"""The assistant as one object: built once from settings, then asked questions by every edge.

It owns the answering chain, the answer cache, the live view of the library and the database of
ratings and unanswered questions. The HTTP API, the Gradio page, the CLI, the evaluator and the
benchmarks all call it; none of them wraps it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from assistant.answer_cache import AnswerCache
from assistant.chain import AnswerChain
from assistant.extractive import ExtractiveAnswerer
from assistant.feedback import FeedbackStore, Rating
from assistant.guard import clean_question
from assistant.judge import REFUSAL
from assistant.llm import LLMAnswerer, make_chat_model
from assistant.outlines import Outlines
from assistant.recording import Recorder
from core.errors import IndexNotBuilt
from core.settings import Settings
from core.types import Answer, Delta, Message, Passage
from index.embedding.base import TextEmbedder
from index.embedding.factory import make_embedder
from index.library import sync_corpus
from index.loader import Document
from index.search.hybrid import HybridRetriever
from index.store import IndexReport, Library, StoredDocument

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Stats:
    chunks: int
    documents: int


class Assistant:
    """Answers, searches and describes the library. ``record_unanswered``: log questions and refusals
    (masked) for the report's owners; off for evaluation, which asks refusals on purpose."""

    def __init__(
        self,
        settings: Settings,
        embedder: TextEmbedder,
        chat_model: Any | None = None,
        *,
        record_unanswered: bool = True,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.record_unanswered = record_unanswered
        library = Library(settings.store, embedder)
        self.retriever = HybridRetriever(
            library, embedder, settings.retrieval, settings.corpus.report_year, settings.store.refresh_seconds
        )
        if not len(self.retriever):
            raise IndexNotBuilt("the index is empty: run `assistant index`")
        if chat_model is None and settings.answer.provider == "openai":
            chat_model = make_chat_model(settings.answer.openai)
        llm = LLMAnswerer(chat_model, REFUSAL) if chat_model is not None else None
        extractive = ExtractiveAnswerer(embedder, settings.answer.max_sentences, settings.answer.warm_passages)
        self.outlines = Outlines(self.retriever, embedder, settings.retrieval.fusion_weight)
        self.chain = AnswerChain(settings, self.retriever, extractive, llm, self.outlines)
        self.answers = AnswerCache(settings.answer.cache_size)
        self.recorder = Recorder(
            lambda: self.feedback, keep_questions=settings.logging.questions, enabled=record_unanswered
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, build: bool = True, progress: Progress | None = None, record_unanswered: bool = True
    ) -> Assistant:
        """Load the model and the index; with ``build``, first create whatever is missing."""
        embedder = make_embedder(settings.embedding, progress)
        if build:
            ensure_index(settings, embedder, progress)
        return cls(settings, embedder, record_unanswered=record_unanswered)

    @cached_property
    def feedback(self) -> FeedbackStore:
        """Ratings and unanswered questions: one database per process, shared by every edge."""
        return FeedbackStore.from_settings(self.settings)

    # -- questions -------------------------------------------------------------------------

    def answer(self, messages: list[Message], doc: str | None = None, *, message_id: str = "") -> Answer:
        final: Answer | None = None
        for event in self.stream(messages, doc, message_id=message_id):
            if isinstance(event, Answer):
                final = event
        assert final is not None, "a stream always ends with an Answer"
        return final

    def stream(
        self, messages: list[Message], doc: str | None = None, *, message_id: str = ""
    ) -> Iterator[Delta | Answer]:
        """Text pieces as they are produced, then the final answer (from the cache when asked before).
        ``message_id``: the id the edge gave this answer, by which a rating will name it (see ``rate``)."""
        started = time.perf_counter()
        key = self.answers.key(self._generation(), doc, messages)
        cached = self.answers.get(key)
        if cached is not None:
            yield Delta(cached.text)
            yield cached
            self._record(messages, doc, cached, started, message_id)
            return
        for event in self.chain.stream(messages, doc):
            if isinstance(event, Answer):
                self.answers.keep(key, event)
                self._record(messages, doc, event, started, message_id)
            yield event

    def retrieve(self, messages: list[Message], doc: str | None = None) -> list[Passage]:
        """The passages the answer for this conversation is drawn from (for evaluation and debugging)."""
        return self.chain.passages(messages, doc)

    def search(self, query: str, k: int | None = None, doc: str | None = None) -> list[Passage]:
        query = clean_question(query, self.settings.limits)
        return self.retriever.search(query, k, doc).passages

    def _record(
        self, messages: list[Message], doc: str | None, answer: Answer, started: float, message_id: str
    ) -> None:
        latency_ms = (time.perf_counter() - started) * 1000
        self.recorder.answered(messages, doc, answer, latency_ms, message_id)

    def rate(self, message_id: str, rating: Rating, comment: str = "") -> int:
        """A citizen's 👍/👎 for the answer ``message_id``, stored with what was rated."""
        return self.recorder.rate(message_id, rating, comment)

    def close(self) -> None:
        """Write the queued question log (also done at exit)."""
        self.recorder.close()

    # -- the library -----------------------------------------------------------------------

    def warm_up(self) -> None:
        """Prepare per-sentence vectors and the outline now (seconds) instead of during the first answers."""
        parsed = self.outlines.current()
        parsed.load_dictionaries()
        parsed.search.warm()
        self.chain.extractive.warm(self.retriever.passages)

    def _generation(self) -> str:
        self.retriever.refresh()
        return self.retriever.view.generation

    def stats(self) -> Stats:
        self.retriever.refresh()
        return Stats(chunks=len(self.retriever), documents=len(self.retriever.documents))

    def library(self) -> list[StoredDocument]:
        """The reports in the live index, in id order."""
        self.retriever.refresh()
        return sorted(self.retriever.documents.values(), key=lambda d: d.doc_id)

    def documents(self) -> list[Document]:
        """The reports of the live index, parsed into paragraphs, for the full-text page."""
        self.retriever.refresh()
        return self.outlines.current().documents


def ensure_index(settings: Settings, embedder: TextEmbedder, progress: Progress | None = None) -> IndexReport:
    """Bring the index up to date with the report files in config.yaml; cheap when nothing changed."""
    report = sync_corpus(settings, embedder, progress)
    if progress:
        progress(report.summary())
    return report

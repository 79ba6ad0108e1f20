"""The assistant as one object: built once from settings, then asked questions by every edge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from assistant.chain import REFUSAL, AnswerChain, Delta
from assistant.extractive import ExtractiveAnswerer
from assistant.guard import clean_question
from assistant.llm import LLMAnswerer, make_chat_model
from core.errors import IndexNotBuilt
from core.settings import Settings
from core.types import Answer, Message, Passage
from index.embedding.base import TextEmbedder
from index.embedding.factory import make_embedder
from index.library import sync_corpus
from index.loader import Document, document_from_stored
from index.retrieval import HybridRetriever
from index.store import IndexReport, Library, StoredDocument

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Stats:
    chunks: int
    documents: int


class Assistant:
    def __init__(self, settings: Settings, embedder: TextEmbedder, chat_model: Any | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
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
        self.chain = AnswerChain(settings, self.retriever, extractive, llm)
        self._parsed: dict[str, list[Document]] = {}

    @classmethod
    def from_settings(
        cls, settings: Settings, *, build: bool = True, progress: Progress | None = None
    ) -> Assistant:
        """Load the model and the index; with ``build``, first create whatever is missing."""
        embedder = make_embedder(settings.embedding, progress)
        if build:
            ensure_index(settings, embedder, progress)
        return cls(settings, embedder)

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
        return self.chain.answer(messages, doc)

    def stream(self, messages: list[Message], doc: str | None = None) -> Iterator[Delta | Answer]:
        return self.chain.stream(messages, doc)

    def ask(self, question: str, history: list[Message] | None = None, doc: str | None = None) -> Answer:
        return self.answer([*(history or []), Message("user", question)], doc)

    def retrieve(self, messages: list[Message], doc: str | None = None) -> list[Passage]:
        return self.chain.passages(messages, doc)

    def search(self, query: str, k: int | None = None, doc: str | None = None) -> list[Passage]:
        query = clean_question(query, self.settings.limits)
        return self.retriever.search(query, k, doc).passages

    def warm_up(self) -> None:
        """Prepare per-sentence vectors now (a few seconds) instead of during the first answers."""
        self.chain.extractive.warm(self.retriever.passages)

    def stats(self) -> Stats:
        self.retriever.refresh()
        return Stats(chunks=len(self.retriever), documents=len(self.retriever.documents))

    def library(self) -> list[StoredDocument]:
        """The reports in the live index, in id order."""
        self.retriever.refresh()
        return sorted(self.retriever.documents.values(), key=lambda d: d.doc_id)

    def documents(self) -> list[Document]:
        """The reports of the live index, parsed into paragraphs, for the full-text page."""
        view = self.retriever.view
        cached = self._parsed.get(view.generation)
        if cached is None:
            cached = [document_from_stored(d) for d in sorted(view.documents.values(), key=lambda d: d.doc_id)]
            self._parsed = {view.generation: cached}
        return cached


def ensure_index(settings: Settings, embedder: TextEmbedder, progress: Progress | None = None) -> IndexReport:
    """Bring the index up to date with the report files in config.yaml; cheap when nothing changed."""
    report = sync_corpus(settings, embedder, progress)
    if progress:
        progress(report.summary())
    return report

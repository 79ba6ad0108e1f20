"""The live library's reports, parsed: their paragraphs (for the report page) and their outlines
(searchable, for broad questions). Rebuilt when the index generation changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

from assistant.english import EnglishBridge
from assistant.outline_answer import PassageFinder
from assistant.synonyms import Thesaurus
from core.memory import release_freed_memory
from index.embedding.base import TextEmbedder
from index.loader import Document, document_from_stored
from index.search.hybrid import HybridRetriever
from index.search.outline_search import OutlineSearch

THESAURUS = Thesaurus()  # one per process: the synonym groups do not depend on the library


@dataclass(frozen=True, eq=False)
class Parsed:
    generation: str
    documents: list[Document]
    sources: dict[str, str]
    search: OutlineSearch
    finder: PassageFinder
    words: frozenset[str]  # every report's search tokens (jieba), for dictionaries keyed by words

    # Over each report's text in turn: one string of the whole library would be another copy of it.
    def uses(self, word: str) -> bool:
        """Does the library use this word at all?"""
        return bool(word) and any(word in source for source in self.sources.values())

    def count(self, word: str, enough: int | None = None) -> int:
        """How often the library says the word (counting stops past ``enough``)."""
        total = 0
        for source in self.sources.values():
            total += source.count(word)
            if enough is not None and total > enough:
                break
        return total

    def is_rare(self, word: str) -> bool:
        """Said once or twice in the whole library: a detail, not what a part of a report is about."""
        return 0 < self.count(word, enough=2) <= 2

    @cached_property
    def english(self) -> EnglishBridge:
        """English questions into the Chinese words these reports use (the dictionary loads on first use)."""
        return EnglishBridge(self.words.__contains__, self.count)

    def load_dictionaries(self) -> None:
        """The synonym groups and the English dictionary, loaded now rather than on the first question
        that needs them (each takes up to a second)."""
        THESAURUS.synonyms("")
        _ = self.english.lexicon

    def said_otherwise(self, word: str) -> bool:
        """The library uses a synonym of ``word`` ("饭堂": 食堂)."""
        return THESAURUS.said_otherwise(word, self.words.__contains__)

    @cached_property
    def characters(self) -> frozenset[str]:
        """Every character the reports use (all Simplified: see question_text.to_simplified)."""
        return frozenset().union(*map(frozenset, self.sources.values()))


class Outlines:
    def __init__(self, retriever: HybridRetriever, embedder: TextEmbedder, fusion_weight: float) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self.fusion_weight = fusion_weight
        self._parsed: Parsed | None = None
        self._lock = threading.Lock()

    def current(self) -> Parsed:
        """The parsed library of the live generation (built once per generation, by one thread)."""
        view = self.retriever.view
        parsed = self._parsed
        if parsed is not None and parsed.generation == view.generation:
            return parsed
        with self._lock:
            if self._parsed is None or self._parsed.generation != view.generation:
                self._parsed = self._parse(view.generation, sorted(view.documents.values(), key=lambda d: d.doc_id))
                release_freed_memory()  # the outline tokens as read: 150 MB at 2,000 reports
            return self._parsed

    def _parse(self, generation: str, stored: list) -> Parsed:  # type: ignore[type-arg]
        documents = [document_from_stored(d) for d in stored]
        return Parsed(
            generation,
            documents,
            {d.doc_id: d.source for d in documents},
            OutlineSearch(
                documents,
                self.embedder,
                self.fusion_weight,
                stored_tokens=self.retriever.library.outline_tokens(generation),
            ),
            PassageFinder(self.retriever.passages),
            self.retriever.view.keyword.terms(),
        )

"""The live view of the library: one generation read into memory, ready to search, and replaced
when the store's head names a newer one.

Another process or machine may change the library at any time; every server re-reads the head
every few seconds and loads the new generation (its keyword index included) while it keeps
answering from the view it has.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.memory import release_freed_memory
from core.types import Passage
from index.chunking import context_text
from index.lru import LRUCache
from index.search.keyword import KeywordIndex
from index.search.ranking import ParagraphIndex
from index.search.report_choice import place_of
from index.store import Library, Snapshot, StoredDocument
from index.store.tokens import TOKENS_KEY, stored_tokens
from index.text import period_year, tokens, years_in_text

log = logging.getLogger(__name__)


def passage_from_stored(cid: str, stored: dict[str, Any], title: str = "") -> Passage:
    return Passage(
        chunk_id=cid,
        text=stored["text"],
        doc=stored["doc"],
        title=title or stored.get("title", ""),
        section=stored.get("section", ""),
        period=str(stored.get("period", "")),
        paragraph=int(stored.get("paragraph", 0)),
        start=int(stored["start"]),
        end=int(stored["end"]),
        lead=stored.get("lead", ""),
    )


def search_text(passage: Passage) -> str:
    """The same context the embedding saw: section heading and paragraph topic, then the text."""
    return context_text(passage.section, passage.lead, passage.text)


@dataclass
class CorpusView:
    """One generation of the library, ready to search: built once, then only read."""

    snapshot: Snapshot
    vectors: Any  # the generation's chunks as a chromadb collection, searched by vector
    passages: list[Passage]
    keyword: KeywordIndex  # BM25 over every chunk's search text
    paragraphs: ParagraphIndex
    row: dict[str, int] = field(default_factory=dict)
    # Per row, as small integers (a province's library has 100k rows and 2,000 reports: masks per
    # report or arrays of strings would cost memory and time on every question): the report's number
    # in ``doc_ids``, the period the passage is about (0: none) and the year its report looks back on
    # (0: the report does not say).
    doc_ids: list[str] = field(default_factory=list)
    doc_of_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    period_of_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    report_year_of_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    periods: set[str] = field(default_factory=set)
    places: dict[str, str] = field(default_factory=dict)
    known_years: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, snapshot: Snapshot, vectors: Any) -> CorpusView:
        titles = {d.doc_id: d.title for d in snapshot.documents.values()}
        passages = [
            passage_from_stored(cid, meta, titles.get(meta["doc"], "")) for cid, meta in sorted(snapshot.chunks.items())
        ]
        corpus = _corpus_tokens(snapshot, passages)
        view = cls(
            snapshot=snapshot,
            vectors=vectors,
            passages=passages,
            keyword=KeywordIndex(corpus),  # reads the tokens one chunk at a time
            paragraphs=ParagraphIndex(passages),
        )
        view._index_rows()
        view._index_reports()
        # The passages hold what searching needs; the rows as read would double the memory (100k dicts).
        snapshot.chunks.clear()
        return view

    def _index_rows(self) -> None:
        """Row lookups by chunk, report and period, so a query never scans the passages in Python."""
        self.row = {p.chunk_id: i for i, p in enumerate(self.passages)}
        self.doc_ids = sorted(self.snapshot.documents)
        self._number = {d: i for i, d in enumerate(self.doc_ids)}
        self.doc_of_row = np.array([self._number[p.doc] for p in self.passages], dtype=np.int32)
        self.period_of_row = np.array([period_year(p.period) for p in self.passages], dtype=np.int32)
        years = np.array([self.snapshot.documents[d].year or 0 for d in self.doc_ids], dtype=np.int32)
        self.report_year_of_row = years[self.doc_of_row] if len(years) else np.zeros(0, dtype=np.int32)
        self._chunk_counts = np.bincount(self.doc_of_row, minlength=len(self.doc_ids))
        self._vector_cache: LRUCache[int, tuple[np.ndarray, np.ndarray]] = LRUCache(256)

    def _index_reports(self) -> None:
        """What choosing a report and judging a year need: places, periods and years."""
        self.periods = {p.period for p in self.passages if p.period}
        self.places = {d: place_of(doc) for d, doc in self.snapshot.documents.items()}
        self.known_years = {int(p) for p in self.periods}.union(*(years_in_text(p.text) for p in self.passages))

    @property
    def generation(self) -> str:
        return self.snapshot.generation

    @property
    def documents(self) -> dict[str, StoredDocument]:
        return self.snapshot.documents

    def rows_of(self, docs: set[str] | frozenset[str] | None) -> np.ndarray | None:
        """A mask of the passages of ``docs``; None means every passage."""
        if docs is None:
            return None
        return np.isin(self.doc_of_row, self._numbers(docs))

    def _numbers(self, docs: set[str] | frozenset[str]) -> list[int]:
        """The numbers of the reports of ``docs`` this view holds."""
        return [self._number[d] for d in docs if d in self._number]

    def vectors_of(self, docs: frozenset[str], limit: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The rows of these reports and their chunks' vectors (read from chroma once per report and
        kept), when the view holds some of them and they have at most ``limit`` chunks; else None. A
        vector search filtered to a few reports costs chroma ~75 ms at 100k chunks; their own few
        hundred vectors cost numpy ~0.1 ms."""
        numbers = self._numbers(docs)
        if not numbers or sum(int(self._chunk_counts[i]) for i in numbers) > limit:
            return None
        parts = [self._report_vectors(i) for i in sorted(numbers)]
        return np.concatenate([rows for rows, _ in parts]), np.concatenate([m for _, m in parts])

    def _report_vectors(self, number: int) -> tuple[np.ndarray, np.ndarray]:
        found = self._vector_cache.get(number)
        if found is None:
            rows = np.flatnonzero(self.doc_of_row == number)
            got = self.vectors.get(ids=[self.passages[r].chunk_id for r in rows], include=["embeddings"])
            by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
            found = rows, np.asarray([by_id[self.passages[r].chunk_id] for r in rows], dtype=np.float32)
            self._vector_cache.put(number, found)
        return found

    def docs_using(self, word: str) -> frozenset[str]:
        """The reports that use the word (as the keyword index tokenised them)."""
        return frozenset(self.doc_ids[i] for i in np.unique(self.doc_of_row[self.keyword.rows(word)]))


def _corpus_tokens(snapshot: Snapshot, passages: list[Passage]) -> Iterator[list[str]]:
    """Each passage's keyword tokens, as stored with its chunk (jieba only for chunks stored without
    them). The stored strings are dropped once read: the view keeps the keyword index, not the tokens."""
    made = 0
    for passage in passages:
        meta = snapshot.chunks[passage.chunk_id]
        words = stored_tokens(meta)
        meta.pop(TOKENS_KEY, None)
        if words is None:
            words = tokens(search_text(passage))
            made += 1
        yield words
    if made:
        log.warning(
            "generation %s: %d of %d chunks had no keyword tokens stored (an index from before they were kept, "
            "or made by another tokenizer): tokenised them with jieba; the next change to the library stores them",
            snapshot.generation,
            made,
            len(passages),
        )


def read_view(library: Library) -> CorpusView:
    """The live generation, read whole."""
    snapshot = library.read()
    view = CorpusView.of(snapshot, snapshot.vectors)
    release_freed_memory()  # the rows as read and the tokens: 110 MB at 100k chunks
    return view


class LiveView:
    """The library's live generation, re-read when the head names another one."""

    def __init__(self, library: Library, refresh_seconds: float = 2.0) -> None:
        self.library = library
        self.refresh_seconds = refresh_seconds
        self.view = read_view(library)
        self._checked = time.monotonic()
        self._reloading = threading.Lock()

    def refresh(self, *, force: bool = False) -> bool:
        """Re-read the store's head now and then; load a new generation when there is one.
        One thread reloads while the others keep answering from the view they have."""
        now = time.monotonic()
        if not force and now - self._checked < self.refresh_seconds:
            return False
        if not self._reloading.acquire(blocking=force):
            return False
        try:
            self._checked = now
            generation = self.library.generation()
            if not generation or generation == self.view.generation:
                return False
            self._reload()
            return True
        finally:
            self._reloading.release()

    def _reload(self) -> None:
        started = time.perf_counter()
        self.view = read_view(self.library)
        log.info(
            "index generation %s loaded: %d documents, %d chunks in %.2fs",
            self.view.generation,
            len(self.view.documents),
            len(self.view.passages),
            time.perf_counter() - started,
        )

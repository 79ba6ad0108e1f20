"""Hybrid search over the library: BM25 over jieba tokens plus dense similarity, fused by
normalised scores, optionally scoped to one report.

The keyword side is derived from the store itself (the live generation's chunks), and the
retriever re-reads the store's head every few seconds: when another process or machine changes
the library, every server picks the new generation up and rebuilds its keyword index from it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from core.errors import StoreUnavailable, UnknownDocument
from core.settings import RetrievalSettings
from core.types import Passage
from index.chunking import context_text
from index.embedding.base import TextEmbedder
from index.keyword import KeywordIndex
from index.ranking import ParagraphIndex, top_k
from index.store import Library, Snapshot, StoredDocument
from index.text import named_years, tokens, years_in_text

log = logging.getLogger(__name__)
_TIME_WORD = re.compile(r"(?:19|20)?\d{2,4}年?|[今明去前后本当上来]年")
# A place a report is about: "松原市", "青禾县" (not "全市", "我县": those are generic).
_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(市|县|区|旗|州|盟)(?=委|政府|人民|的|，|,|、|。|\s|全|是|在|要|经济|$)")
_GENERIC_PLACE = {"全", "我", "本", "该", "各", "城", "地", "省", "县", "市", "区", "开发", "园", "社"}


@dataclass(frozen=True)
class SearchResult:
    passages: list[Passage]
    best_dense: float  # the closest passage's cosine similarity
    years: frozenset[int]  # years the question names, as the best passage's report counts them
    coverage: float = 0.0  # share of the question's words (IDF-weighted) found in the top passages
    doc: str = ""  # the report the search was scoped to, if any


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


def _unit_scale(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; a flat vector carries no preference and maps to zeros."""
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.zeros_like(values)
    return (values - low) / (high - low)


def place_of(doc: StoredDocument) -> str:
    """The place a report is about: the one its title and text name most ("松原" for 松原市)."""
    counts = Counter(
        m.group(1) for m in _PLACE.finditer(f"{doc.title}\n{doc.text[:4000]}") if m.group(1) not in _GENERIC_PLACE
    )
    for name in counts:
        counts[name] += 3 * doc.title.count(name)  # the title's place wins ties
    return counts.most_common(1)[0][0] if counts else ""


@dataclass
class CorpusView:
    """One generation of the library, ready to search: built once, then only read."""

    snapshot: Snapshot
    passages: list[Passage]
    keyword: KeywordIndex  # BM25 over every chunk's search text
    paragraphs: ParagraphIndex
    row: dict[str, int] = field(default_factory=dict)
    doc_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    period_of_row: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    doc_rows: dict[str, np.ndarray] = field(default_factory=dict)
    periods: set[str] = field(default_factory=set)
    places: dict[str, str] = field(default_factory=dict)
    known_years: set[int] = field(default_factory=set)
    vocabulary: dict[str, set[str]] = field(default_factory=dict)  # each report's words

    @classmethod
    def of(cls, snapshot: Snapshot) -> CorpusView:
        titles = {d.doc_id: d.title for d in snapshot.documents.values()}
        passages = [
            passage_from_stored(cid, meta, titles.get(meta["doc"], "")) for cid, meta in sorted(snapshot.chunks.items())
        ]
        corpus = [tokens(search_text(p)) for p in passages]
        view = cls(
            snapshot=snapshot, passages=passages, keyword=KeywordIndex(corpus), paragraphs=ParagraphIndex(passages)
        )
        view.row = {p.chunk_id: i for i, p in enumerate(passages)}
        view.doc_of_row = np.array([p.doc for p in passages], dtype=object)
        view.period_of_row = np.array([p.period for p in passages], dtype=object)
        view.doc_rows = {d: view.doc_of_row == d for d in snapshot.documents}
        view.periods = {p.period for p in passages if p.period}
        view.places = {d: place_of(doc) for d, doc in snapshot.documents.items()}
        view.known_years = {int(p) for p in view.periods}.union(*(years_in_text(p.text) for p in passages))
        for p, words in zip(passages, corpus, strict=True):
            view.vocabulary.setdefault(p.doc, set()).update(words)
        return view

    @property
    def generation(self) -> str:
        return self.snapshot.generation

    def rows_of(self, docs: set[str] | frozenset[str] | None) -> np.ndarray | None:
        """A mask of the passages of ``docs``; None means every passage."""
        if docs is None:
            return None
        mask = np.zeros(len(self.passages), dtype=bool)
        for d in docs:
            mask |= self.doc_rows.get(d, mask)
        return mask

    @property
    def documents(self) -> dict[str, StoredDocument]:
        return self.snapshot.documents


class HybridRetriever:
    """Keeps BM25 over all chunks in memory; asks chroma for the dense side."""

    def __init__(
        self,
        library: Library,
        embedder: TextEmbedder,
        settings: RetrievalSettings,
        default_year: int,
        refresh_seconds: float = 2.0,
    ) -> None:
        self.library = library
        self.embedder = embedder
        self.settings = settings
        self.default_year = default_year
        self.refresh_seconds = refresh_seconds
        self.view = CorpusView.of(library.read())
        self._checked = time.monotonic()
        self._reloading = threading.Lock()

    # -- the live generation ---------------------------------------------------------------------

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
            started = time.perf_counter()
            self.view = CorpusView.of(self.library.read())
            log.info(
                "index generation %s loaded: %d documents, %d chunks in %.2fs",
                self.view.generation,
                len(self.view.documents),
                len(self.view.passages),
                time.perf_counter() - started,
            )
            return True
        finally:
            self._reloading.release()

    def __len__(self) -> int:
        return len(self.view.passages)

    @property
    def passages(self) -> list[Passage]:
        return self.view.passages

    @property
    def periods(self) -> set[str]:
        return self.view.periods

    @property
    def documents(self) -> dict[str, StoredDocument]:
        return self.view.documents

    def year_of(self, doc: str) -> int:
        stored = self.view.documents.get(doc)
        return stored.year if stored and stored.year else self.default_year

    # -- search ------------------------------------------------------------------------------------

    def _dense(self, view: CorpusView, query: str, doc: str, within: frozenset[str] | None = None) -> np.ndarray:
        vector = self.embedder.embed_queries([query])[0].tolist()
        n = min(self.settings.candidates, len(view.passages))
        where = {"doc": doc} if doc else {"doc": {"$in": sorted(within)}} if within else None
        try:
            # Ids and distances only: the passages are in memory, fetching their text and metadata costs 3x.
            found = view.snapshot.nearest(vector, n, where)
        except Exception as exc:
            raise StoreUnavailable(f"vector search failed: {type(exc).__name__}: {exc}") from exc
        scores = np.full(len(view.passages), np.nan, dtype=np.float64)
        for cid, distance in found.items():
            row = view.row.get(cid)  # a chunk of a newer generation than this view: not ours
            if row is not None:
                scores[row] = 1.0 - distance  # cosine space: similarity = 1 - distance
        floor = np.nanmin(scores) if not np.isnan(scores).all() else 0.0
        return np.nan_to_num(scores, nan=floor)

    def _keyword(self, view: CorpusView, query: str) -> np.ndarray:
        return view.keyword.scores(tokens(query))

    def _years_by_doc(self, view: CorpusView, query: str) -> dict[str, set[int]]:
        """'今年' is each report's own year: a 2023 report's 今年 is 2023, a 2024 one's is 2024."""
        return {d: named_years(query, self.year_of(d)) for d in view.documents}

    def _period_bonus(self, view: CorpusView, years: dict[str, set[int]]) -> np.ndarray:
        """The boost for passages of the period the question names, as each report counts years."""
        bonus = np.zeros(len(view.passages))
        for doc, named in years.items():
            wanted = [str(y) for y in named if str(y) in view.periods]
            if wanted:
                rows = view.doc_rows[doc] & np.isin(view.period_of_row, wanted)
                bonus[rows] = self.settings.period_boost
        return bonus

    def scope(self, query: str, doc: str | None) -> str:
        """The report a question is about: the one asked for, or the only one whose place it names."""
        view = self.view
        if doc:
            if doc not in view.documents:
                raise UnknownDocument(f"no document {doc!r} in the index")
            return doc
        if len(view.documents) < 2:
            return ""
        named = {d for d, place in view.places.items() if place and place in query}
        return named.pop() if len(named) == 1 else ""

    def only_elsewhere(self, query: str, home: frozenset[str]) -> list[str]:
        """Words of the question that other reports use and the home reports never do
        ("白鹭湖观鸟节"): the question is about one of those reports, not about home."""
        vocabulary = self.view.vocabulary
        at_home = set().union(*(vocabulary.get(d, set()) for d in home))
        elsewhere = set().union(*(words for d, words in vocabulary.items() if d not in home))
        words = [
            w
            for w in dict.fromkeys(tokens(query))
            if len(w) > 1 and not _is_time_word(w) and w in elsewhere and w not in at_home
        ]
        # One such word is chance ("开工" where home says "开复工"); a name jieba does not know
        # comes in pieces ("白鹭|湖观|鸟节"), so a question about another report brings several.
        return words if len(words) >= 2 else []

    def home_documents(self) -> frozenset[str]:
        """The reports config.yaml lists, when the library also holds others (added by hand):
        an open question goes to them first. Empty when there is no such distinction."""
        docs = self.view.documents
        home = frozenset(d for d, doc in docs.items() if doc.origin == "corpus")
        return home if home and len(home) < len(docs) else frozenset()

    def search(self, query: str, k: int | None = None, doc: str | frozenset[str] | None = None) -> SearchResult:
        """The best ``k`` passages; ``doc``: one report's id (validated), or a set of reports."""
        self.refresh()
        view = self.view
        k = k or self.settings.k
        within = frozenset(d for d in doc if d in view.documents) if isinstance(doc, frozenset) else None
        scope = "" if isinstance(doc, frozenset) else self.scope(query, doc)
        years_by_doc = self._years_by_doc(view, query)
        if not view.passages:
            return SearchResult([], 0.0, frozenset(named_years(query, self.default_year)), doc=scope)
        dense = self._dense(view, query, scope, within)
        keyword = self._keyword(view, query)
        weight = self.settings.fusion_weight
        fused = (
            weight * _unit_scale(dense) + (1 - weight) * _unit_scale(keyword) + self._period_bonus(view, years_by_doc)
        )
        allowed = view.rows_of(within if within is not None else {scope} if scope else None)
        if allowed is not None:
            fused = np.where(allowed, fused, -np.inf)
            dense = np.where(allowed, dense, -np.inf)
        order = [i for i in top_k(fused, k) if np.isfinite(fused[i])]
        passages = [replace(view.passages[i], score=round(float(fused[i]), 4)) for i in order]
        top_doc = scope or (passages[0].doc if passages else "")
        years = years_by_doc.get(top_doc) or named_years(query, self.default_year)
        coverage = self.coverage(query, passages[:3])
        return SearchResult(passages, float(dense.max()), frozenset(years), coverage, scope)

    def following(self, passage: Passage) -> Passage | None:
        """The next chunk of the same paragraph, if the paragraph goes on."""
        return self.view.paragraphs.following(passage)

    def coverage(self, query: str, passages: list[Passage]) -> float:
        """How much of what the question names (rare words weigh more) the passages mention at all."""
        view = self.view
        words = [t for t in dict.fromkeys(tokens(query)) if not _is_time_word(t)]
        if not words or not view.passages:
            return 0.0
        weights = [view.keyword.idf(w) for w in words]
        evidence = " ".join(search_text(p) for p in passages)
        return sum(wt for w, wt in zip(words, weights, strict=True) if w in evidence) / sum(weights)


def _is_time_word(token: str) -> bool:
    return token.isdigit() or bool(_TIME_WORD.fullmatch(token))

"""Hybrid search over the live view: BM25 over jieba tokens plus dense similarity from chroma,
fused by normalised scores, with a bonus for the period the question names; optionally scoped to
one report or a set of reports.

Every per-query step costs the dense candidates, the query words' postings and one pass of numpy
over the rows: nothing walks the passages in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.errors import StoreUnavailable
from core.settings import RetrievalSettings
from core.types import Passage
from index.embedding.base import TextEmbedder
from index.search import report_choice
from index.search.live_view import CorpusView, LiveView, search_text
from index.search.ranking import top_k, unit_scale
from index.store import Library, StoredDocument
from index.text import is_time_word, named_years, tokens

# A search within reports of at most this many chunks scores their vectors in numpy, not in chroma.
SCOPED_ROWS = 2000
Scope = str | frozenset[str] | None  # one report's id (validated), a set of reports, or the whole library


@dataclass(frozen=True)
class SearchResult:
    passages: list[Passage]
    years: frozenset[int]  # years the question names, as the best passage's report counts them
    coverage: float = 0.0  # share of the question's words (IDF-weighted) found in the top passages
    doc: str = ""  # the report the search was scoped to, if any


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
        self.live = LiveView(library, refresh_seconds)

    # -- the live generation ---------------------------------------------------------------------

    @property
    def view(self) -> CorpusView:
        return self.live.view

    def refresh(self, *, force: bool = False) -> bool:
        return self.live.refresh(force=force)

    def __len__(self) -> int:
        return len(self.view.passages)

    @property
    def passages(self) -> list[Passage]:
        return self.view.passages

    @property
    def places(self) -> frozenset[str]:
        """The places the library's reports are about ("松原", "青禾"): no other place to a question."""
        return frozenset(p for p in self.view.places.values() if p)

    @property
    def periods(self) -> set[str]:
        return self.view.periods

    @property
    def documents(self) -> dict[str, StoredDocument]:
        return self.view.documents

    # -- the report a question is about ----------------------------------------------------------

    def scope(self, query: str, doc: str | None) -> str:
        return report_choice.scope(self.view.places, query, doc)

    def only_elsewhere(self, query: str, home: frozenset[str]) -> list[str]:
        return report_choice.only_elsewhere(self.view.docs_using, query, home)

    def home_documents(self) -> frozenset[str]:
        return report_choice.home_documents(self.view.documents)

    def year_of(self, doc: str) -> int:
        return report_choice.year_of(self.view.documents, doc, self.default_year)

    # -- search ------------------------------------------------------------------------------------

    def search(self, query: str, k: int | None = None, doc: Scope = None) -> SearchResult:
        """The best ``k`` passages; ``doc``: one report's id (validated), or a set of reports."""
        self.refresh()
        view = self.view
        within = frozenset(d for d in doc if d in view.documents) if isinstance(doc, frozenset) else None
        scope = "" if isinstance(doc, frozenset) else self.scope(query, doc)
        if not view.passages:
            return SearchResult([], frozenset(named_years(query, self.default_year)), doc=scope)
        fused = self._fused(view, query, scope, within)
        passages = _best(view, fused, k or self.settings.k)
        top_doc = scope or (passages[0].doc if passages else "")
        years = named_years(query, self.year_of(top_doc)) if top_doc else set()
        years = years or named_years(query, self.default_year)
        return SearchResult(passages, frozenset(years), coverage(view, query, passages[:3]), scope)

    def following(self, passage: Passage) -> Passage | None:
        """The next chunk of the same paragraph, if the paragraph goes on."""
        return self.view.paragraphs.following(passage)

    def _fused(self, view: CorpusView, query: str, scope: str, within: frozenset[str] | None) -> np.ndarray:
        """Every passage's score: dense and BM25, each scaled to [0, 1], weighted, plus the period
        bonus; -inf for a passage outside the scope."""
        weight = self.settings.fusion_weight
        dense = unit_scale(self._dense(view, query, scope, within))
        keyword = unit_scale(self._keyword(view, query))
        fused = weight * dense + (1 - weight) * keyword + self._period_bonus(view, query)
        allowed = view.rows_of(within if within is not None else {scope} if scope else None)
        return fused if allowed is None else np.where(allowed, fused, -np.inf)

    def _dense(self, view: CorpusView, query: str, doc: str, within: frozenset[str] | None = None) -> np.ndarray:
        """Cosine similarity for the nearest candidates (chroma's, or numpy's over the few reports in
        scope); the others get the lowest one found."""
        vector = self.embedder.embed_queries([query])[0]
        n = min(self.settings.candidates, len(view.passages))
        docs = frozenset({doc}) if doc else within
        scores = np.full(len(view.passages), np.nan, dtype=np.float64)
        scoped = view.vectors_of(docs, SCOPED_ROWS) if docs else None
        if scoped is not None:
            rows, vectors = scoped
            similarity = vectors @ vector
            best = top_k(similarity, n)
            scores[rows[best]] = similarity[best]
        else:
            for row, similarity in self._nearest(view, vector, n, docs):
                scores[row] = similarity
        floor = np.nanmin(scores) if not np.isnan(scores).all() else 0.0
        return np.nan_to_num(scores, nan=floor)

    @staticmethod
    def _nearest(view: CorpusView, vector: np.ndarray, n: int, docs: frozenset[str] | None) -> list[tuple[int, float]]:
        """Chroma's ``n`` nearest chunks (of ``docs``, if given): (row, cosine similarity)."""
        where = None if not docs else {"doc": next(iter(docs))} if len(docs) == 1 else {"doc": {"$in": sorted(docs)}}
        try:
            # Ids and distances only: the passages are in memory, fetching their text and metadata costs 3x.
            found = view.vectors.query(
                query_embeddings=[vector.tolist()], n_results=n, where=where, include=["distances"]
            )
        except Exception as exc:
            raise StoreUnavailable(f"vector search failed: {type(exc).__name__}: {exc}") from exc
        # A chunk of a newer generation than this view is not ours; cosine space: similarity = 1 - distance.
        pairs = zip(found["ids"][0], found["distances"][0], strict=True)
        return [(view.row[cid], 1.0 - distance) for cid, distance in pairs if cid in view.row]

    def _keyword(self, view: CorpusView, query: str) -> np.ndarray:
        return view.keyword.scores(tokens(query))

    def _period_bonus(self, view: CorpusView, query: str) -> np.ndarray:
        """The boost for passages of the period the question names, as each report counts years:
        '今年' is a 2023 report's 2023 and a 2024 one's 2024. Once per distinct report year (a few),
        not per report."""
        bonus = np.zeros(len(view.passages))
        for year in np.unique(view.report_year_of_row).tolist():
            wanted = [y for y in named_years(query, year or self.default_year) if str(y) in view.periods]
            if wanted:
                rows = (view.report_year_of_row == year) & np.isin(view.period_of_row, wanted)
                bonus[rows] = self.settings.period_boost
        return bonus


def coverage(view: CorpusView, query: str, passages: list[Passage]) -> float:
    """How much of what the question names (rare words weigh more) the passages mention at all."""
    words = [t for t in dict.fromkeys(tokens(query)) if not is_time_word(t)]
    if not words or not view.passages:
        return 0.0
    weights = [view.keyword.idf(w) for w in words]
    evidence = " ".join(search_text(p) for p in passages)
    return sum(wt for w, wt in zip(words, weights, strict=True) if w in evidence) / sum(weights)


def _best(view: CorpusView, fused: np.ndarray, k: int) -> list[Passage]:
    """The ``k`` best passages in scope, best first, each with its fused score."""
    order = [i for i in top_k(fused, k) if np.isfinite(fused[i])]
    return [replace(view.passages[i], score=round(float(fused[i]), 4)) for i in order]

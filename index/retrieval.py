"""Hybrid search: BM25 over jieba tokens plus dense similarity, fused by normalised scores."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.settings import RetrievalSettings
from assistant.types import Passage
from index.chunking import context_text
from index.embeddings import TextEmbedder
from index.keyword import KeywordIndex
from index.ranking import ParagraphIndex, top_k
from index.store import stored_chunks
from index.text import named_years, tokens

_TIME_WORD = re.compile(r"(?:19|20)?\d{2,4}年?|[今明去前后本当上来]年")


@dataclass(frozen=True)
class SearchResult:
    passages: list[Passage]
    best_dense: float  # the closest passage's cosine similarity
    years: frozenset[int]  # years the question names
    coverage: float = 0.0  # share of the question's words (IDF-weighted) found in the top passages


def passage_from_stored(cid: str, stored: dict[str, Any]) -> Passage:
    return Passage(
        chunk_id=cid,
        text=stored["text"],
        doc=stored["doc"],
        title=stored.get("title", ""),
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


class HybridRetriever:
    """Keeps BM25 over all chunks in memory; asks chroma for the dense side."""

    def __init__(self, store: Any, embedder: TextEmbedder, settings: RetrievalSettings, report_year: int):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.report_year = report_year
        stored = stored_chunks(store)
        self.passages = [passage_from_stored(cid, meta) for cid, meta in sorted(stored.items())]
        self._row = {p.chunk_id: i for i, p in enumerate(self.passages)}
        self._keywords = KeywordIndex(tokens(search_text(p)) for p in self.passages)
        self._paragraphs = ParagraphIndex(self.passages)
        self.periods = {p.period for p in self.passages if p.period}
        self._period_code = {period: n for n, period in enumerate(sorted(self.periods), start=1)}
        self._periods = np.array([self._period_code.get(p.period, 0) for p in self.passages], dtype=np.int32)
        self.documents = {p.doc for p in self.passages}

    def __len__(self) -> int:
        return len(self.passages)

    def _dense(self, query: str) -> np.ndarray:
        vector = self.embedder.embed_queries([query])[0].tolist()
        n = min(self.settings.candidates, len(self.passages))
        # Ids and distances only: the passages are in memory, fetching their text and metadata costs 3x.
        found = self.store._collection.query(query_embeddings=[vector], n_results=n, include=["distances"])
        hits = list(zip(found["ids"][0], found["distances"][0], strict=True))
        scores = np.full(len(self.passages), np.nan, dtype=np.float64)
        for cid, distance in hits:
            scores[self._row[cid]] = 1.0 - distance  # cosine space: similarity = 1 - distance
        floor = np.nanmin(scores) if hits else 0.0
        return np.nan_to_num(scores, nan=floor)

    def _keyword(self, query: str) -> np.ndarray:
        query_tokens = tokens(query)
        return self._keywords.scores(query_tokens)

    def _period_bonus(self, years: set[int]) -> np.ndarray:
        wanted = {str(y) for y in years} & self.periods
        if not wanted:
            return np.zeros(len(self.passages))
        codes = [self._period_code[period] for period in wanted]  # ints: isin over strings costs 10x
        return np.where(np.isin(self._periods, codes), self.settings.period_boost, 0.0)

    def search(self, query: str, k: int | None = None) -> SearchResult:
        k = k or self.settings.k
        years = named_years(query, self.report_year)
        if not self.passages:
            return SearchResult([], 0.0, frozenset(years))
        dense = self._dense(query)
        keyword = self._keyword(query)
        weight = self.settings.fusion_weight
        fused = weight * _unit_scale(dense) + (1 - weight) * _unit_scale(keyword) + self._period_bonus(years)
        order = top_k(fused, k)
        passages = [replace(self.passages[i], score=round(float(fused[i]), 4)) for i in order]
        return SearchResult(passages, float(dense.max()), frozenset(years), self.coverage(query, passages[:3]))

    def following(self, passage: Passage) -> Passage | None:
        """The next chunk of the same paragraph, if the paragraph goes on."""
        return self._paragraphs.following(passage)

    def coverage(self, query: str, passages: list[Passage]) -> float:
        """How much of what the question names (rare words weigh more) the passages mention at all."""
        words = [t for t in dict.fromkeys(tokens(query)) if not _is_time_word(t)]
        if not words or not self.passages:
            return 0.0
        weights = [self._keywords.idf(w) for w in words]
        evidence = " ".join(search_text(p) for p in passages)
        return sum(wt for w, wt in zip(words, weights, strict=True) if w in evidence) / sum(weights)


def _is_time_word(token: str) -> bool:
    return token.isdigit() or bool(_TIME_WORD.fullmatch(token))

"""The outline as a search index of its own: section titles and paragraphs' lead sentences.

Broad questions ("…有什么打算？", "…包括哪几方面？") are about a part of the report, not a sentence
in it. These reports say what each part is about in its heading and in the first sentence of each
paragraph, so those are the units searched here (BM25 + e5, fused as the chunk search fuses them),
beside the chunks. Built per index generation from the parsed reports: about one unit per chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from index.embedding.base import TextEmbedder
from index.loader import Document
from index.lru import LRUCache
from index.outline_tree import build_outline
from index.outline_units import Unit, tokenise, units_of, unpacked_tokens
from index.search.keyword import KeywordIndex
from index.search.ranking import top_k, unit_scale
from index.text import is_time_word, period_year, tokens

PERIOD_BOOST = 0.25  # the period the question asks about (2023 results or 2024 plans) decides many ties
# A broad question is about a part of the report: where a section and one of its paragraphs match
# alike, the section is the better answer (its paragraphs become the answer's lines).
SECTION_BOOST = 0.1
HEADING_WEIGHT = 0.6  # of the keyword side: the heading or lead, against the paragraph's body


@dataclass(frozen=True)
class Match:
    unit: Unit
    score: float  # fused, for ranking
    dense: float  # cosine of the question and the unit
    keyword: float  # BM25, unscaled


class OutlineSearch:
    """BM25 over every unit; e5 over every unit of a library of up to ``dense_reports`` reports (as it
    always was), and in a larger one over the ``dense_units`` units the question's words match best.
    A unit is embedded the first time a question needs it and kept (``cached_units``), so opening a
    library of 2,000 reports embeds nothing. ``stored_tokens``: each report's unit tokens as the
    library stored them (``index.outline_units``); jieba for the others."""

    def __init__(
        self,
        documents: list[Document],
        embedder: TextEmbedder,
        fusion_weight: float = 0.5,
        *,
        stored_tokens: Mapping[str, str] | None = None,
        dense_reports: int = 8,
        dense_units: int = 32,
        cached_units: int = 65536,
    ) -> None:
        self.outlines = {doc.doc_id: build_outline(doc) for doc in documents}
        by_report = [units_of(doc, self.outlines[doc.doc_id]) for doc in documents]
        self.units = [unit for units in by_report for unit in units]
        stored = stored_tokens or {}

        def field(which: int) -> Iterator[list[str]]:
            """One field's tokens, unit by unit, a report's at a time: a library's token lists held
            at once took 850 MB at 2,000 reports."""
            for doc, units in zip(documents, by_report, strict=True):
                for pair in unpacked_tokens(stored.get(doc.doc_id), units) or tokenise(units):
                    yield pair[which]

        # Two fields, as BM25F weighs a title above a body: what the unit is called (a heading, a
        # lead) and what its paragraph says. A rare word in a long paragraph must not outweigh the
        # heading that names the question's topic.
        self.heading = KeywordIndex(field(0))
        self.keyword = KeywordIndex(field(1))
        self.embedder = embedder
        self.fusion_weight = fusion_weight
        self.dense_reports = dense_reports
        self.dense_units = dense_units
        self.doc_ids = [doc.doc_id for doc in documents]
        self._number = {d: i for i, d in enumerate(self.doc_ids)}
        self._doc = np.array([self._number[u.doc] for u in self.units], dtype=np.int32)
        self._period = np.array([period_year(u.period) for u in self.units], dtype=np.int32)
        self._section = np.array([u.point is None for u in self.units], dtype=np.float64)
        self._vectors: LRUCache[int, np.ndarray] = LRUCache(cached_units)  # by unit row

    def warm(self) -> None:
        """Embed a small library's units now, not in the first broad question."""
        if len(self.doc_ids) <= self.dense_reports:
            self._unit_vectors(np.arange(len(self.units)))

    def search(
        self,
        question: str,
        docs: frozenset[str] | None = None,
        periods: frozenset[str] = frozenset(),
        k: int = 5,
        ignore: frozenset[str] = frozenset(),
        strict: bool = False,
    ) -> list[Match]:
        """The best units for the question, among ``docs`` (all when None), preferring ``periods``, or
        only those (and units of no period) when ``strict``: the question named the year;
        ``ignore``: words that say nothing about the topic here (the report's own place, "松原")."""
        if not self.units:
            return []
        words = [t for t in tokens(question) if not is_time_word(t) and t not in ignore]
        keyword = self.keyword.scores(words)
        heading = HEADING_WEIGHT * unit_scale(self.heading.scores(words)) + (1 - HEADING_WEIGHT) * unit_scale(keyword)
        wanted = [period_year(p) for p in periods]
        allowed = np.ones(len(self.units), dtype=bool)
        if docs is not None:
            allowed &= np.isin(self._doc, [self._number[d] for d in docs if d in self._number])
        if strict:
            allowed &= np.isin(self._period, [*wanted, 0])
        dense = self._dense(question, heading, allowed)
        fused = self.fusion_weight * unit_scale(dense) + (1 - self.fusion_weight) * heading
        fused += PERIOD_BOOST * np.isin(self._period, wanted) + SECTION_BOOST * self._section
        fused = np.where(allowed, fused, -np.inf)
        order = [int(i) for i in top_k(fused, k) if np.isfinite(fused[i])]
        return [Match(self.units[i], float(fused[i]), float(dense[i]), float(keyword[i])) for i in order]

    def _dense(self, question: str, heading: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """Cosine of the question and the units e5 compares it with; the other units get the lowest found.
        A small library: every unit (the scaling of the dense scores sees them all, as it always did).
        A larger one: the ``dense_units`` allowed units whose heading or lead the question's words match
        best, each embedded once (a cold question costs ~30 short texts, not a library's worth)."""
        small = len(self.doc_ids) <= self.dense_reports
        rows = np.arange(len(self.units)) if small else top_k(np.where(allowed, heading, -np.inf), self.dense_units)
        scores = np.full(len(self.units), np.nan)
        if len(rows):
            query = self.embedder.embed_queries([question])[0]
            scores[rows] = self._unit_vectors(rows) @ query
        floor = np.nanmin(scores) if not np.isnan(scores).all() else 0.0
        return np.nan_to_num(scores, nan=floor)

    def _unit_vectors(self, rows: np.ndarray) -> np.ndarray:
        """The units' vectors, embedding (once) those not yet kept."""

        def embed(new: list[int]) -> np.ndarray:
            return self.embedder.embed_passages([self.units[r].text for r in new], while_answering=True)

        return np.stack(self._vectors.get_many(rows.tolist(), embed))

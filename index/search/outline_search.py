"""The outline as a search index of its own: section titles and paragraphs' lead sentences.

Broad questions ("…有什么打算？", "…包括哪几方面？") are about a part of the report, not a sentence
in it. These reports say what each part is about in its heading and in the first sentence of each
paragraph, so those are the units searched here (BM25 + e5, fused as the chunk search fuses them),
beside the chunks. Built per index generation from the parsed reports; a few hundred short texts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.embedding.base import TextEmbedder
from index.loader import Document
from index.outline_tree import OutlineNode, Point, build_outline
from index.search.keyword import KeywordIndex
from index.search.ranking import unit_scale
from index.text import is_time_word, tokens

PERIOD_BOOST = 0.25  # the period the question asks about (2023 results or 2024 plans) decides many ties
# A broad question is about a part of the report: where a section and one of its paragraphs match
# alike, the section is the better answer (its paragraphs become the answer's lines).
SECTION_BOOST = 0.1
HEADING_WEIGHT = 0.6  # of the keyword side: the heading or lead, against the paragraph's body


@dataclass(frozen=True)
class Unit:
    """A searchable part of an outline: a section (``point`` None) or one paragraph's lead."""

    doc: str
    node: OutlineNode  # the section, or the section holding the paragraph
    point: Point | None
    text: str  # the title or the lead sentence: what e5 compares with the question
    words: str  # what BM25 reads: the title, or the lead and the paragraph it opens
    body: str = ""  # all the text the unit stands for: its paragraph, or its section's span

    @property
    def period(self) -> str:
        return self.node.period


@dataclass(frozen=True)
class Match:
    unit: Unit
    score: float  # fused, for ranking
    dense: float  # cosine of the question and the unit
    keyword: float  # BM25, unscaled


def _units(doc: Document, root: OutlineNode) -> list[Unit]:
    units = []
    for node in root.walk():
        if node.level and node.title:
            units.append(Unit(doc.doc_id, node, None, node.title, node.title, doc.source[node.start : node.end]))
        for point in node.points:
            if point.lead:
                # The lead names the point; the paragraph's own words ("文艺演出" under "文体惠民工程")
                # let a question in other words find it. The lead counts twice. e5 reads the point in
                # a few words: a long first sentence (an introduction) is close to every question.
                body = doc.source[point.start : point.end]
                words = f"{point.lead} {point.lead} {body}"
                units.append(Unit(doc.doc_id, node, point, point.phrase or point.lead, words, body))
    return units


class OutlineSearch:
    def __init__(self, documents: list[Document], embedder: TextEmbedder, fusion_weight: float = 0.5) -> None:
        self.outlines = {doc.doc_id: build_outline(doc) for doc in documents}
        self.units = [unit for doc in documents for unit in _units(doc, self.outlines[doc.doc_id])]
        # Two fields, as BM25F weighs a title above a body: what the unit is called (a heading, a
        # lead) and what its paragraph says. A rare word in a long paragraph must not outweigh the
        # heading that names the question's topic.
        self.heading = KeywordIndex(tokens(u.text) for u in self.units)
        self.keyword = KeywordIndex(tokens(u.words) for u in self.units)
        texts = [u.text for u in self.units]
        self.vectors = embedder.embed_passages(texts) if texts else np.zeros((0, 1))
        self.embedder = embedder
        self.fusion_weight = fusion_weight

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
        dense = self.vectors @ self.embedder.embed_queries([question])[0]
        words = [t for t in tokens(question) if not is_time_word(t) and t not in ignore]
        keyword = self.keyword.scores(words)
        heading = HEADING_WEIGHT * unit_scale(self.heading.scores(words)) + (1 - HEADING_WEIGHT) * unit_scale(keyword)
        fused = self.fusion_weight * unit_scale(dense) + (1 - self.fusion_weight) * heading
        fused += PERIOD_BOOST * np.array([u.period in periods for u in self.units], dtype=np.float64)
        fused += SECTION_BOOST * np.array([u.point is None for u in self.units], dtype=np.float64)
        allowed = np.array(
            [(docs is None or u.doc in docs) and (not strict or u.period in periods | {""}) for u in self.units]
        )
        fused = np.where(allowed, fused, -np.inf)
        order = [int(i) for i in np.argsort(-fused)[:k] if np.isfinite(fused[i])]
        return [Match(self.units[i], float(fused[i]), float(dense[i]), float(keyword[i])) for i in order]

"""Per-query helpers that must not grow with the corpus: top-k selection and paragraph neighbours."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from core.types import Passage


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first, ties in index order: ``np.argsort(-scores, kind="stable")[:k]``
    without sorting the whole corpus (argpartition finds the k-th score, only the ones at or above it are sorted).
    """
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]
    contenders = np.flatnonzero(scores >= kth)  # ties with the k-th score included, in index order
    return contenders[np.argsort(-scores[contenders], kind="stable")][:k]


class ParagraphIndex:
    """The chunks of each (document, paragraph), in text order, so "what comes next" is a lookup."""

    def __init__(self, passages: list[Passage]) -> None:
        self._chunks: dict[tuple[str, int], list[Passage]] = defaultdict(list)
        for passage in passages:
            self._chunks[(passage.doc, passage.paragraph)].append(passage)
        for chunks in self._chunks.values():
            chunks.sort(key=lambda p: p.start)

    def following(self, passage: Passage) -> Passage | None:
        """The next chunk of the same paragraph, if the paragraph goes on."""
        chunks = self._chunks.get((passage.doc, passage.paragraph), [])
        return next((p for p in chunks if p.start > passage.start), None)


def unit_scale(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; a flat vector carries no preference and maps to zeros."""
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.zeros_like(values)
    return (values - low) / (high - low)

"""top_k is a stable full sort cut at k; ParagraphIndex finds what a scan over every passage found."""

from __future__ import annotations

import numpy as np
import pytest

from core.types import Passage
from index.search.ranking import ParagraphIndex, top_k


@pytest.mark.parametrize("k", [1, 3, 5, 40, 200, 1000])
def test_top_k_equals_a_stable_argsort(k: int) -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        scores = rng.integers(0, 12, size=200).astype(np.float64) / 4  # many ties
        assert top_k(scores, k).tolist() == np.argsort(-scores, kind="stable")[:k].tolist()


def _passage(doc: str, paragraph: int, start: int) -> Passage:
    return Passage(
        chunk_id=f"{doc}-{paragraph}-{start}", text="…", doc=doc, title="", section="", period="",
        paragraph=paragraph, start=start, end=start + 10,
    )


def test_following_is_the_next_chunk_of_the_same_paragraph(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    passages = hash_assistant.retriever.passages
    index = ParagraphIndex(passages)
    for passage in passages:
        place = (passage.doc, passage.paragraph)
        later = [p for p in passages if (p.doc, p.paragraph) == place and p.start > passage.start]
        assert index.following(passage) == min(later, key=lambda p: p.start, default=None)


def test_following_never_crosses_documents_or_paragraphs() -> None:
    chunks = [_passage("a", 1, 50), _passage("a", 1, 0), _passage("a", 2, 90), _passage("b", 1, 60)]
    index = ParagraphIndex(chunks)
    assert index.following(chunks[1]) == chunks[0]
    assert index.following(chunks[0]) is None
    assert index.following(chunks[3]) is None
    assert index.following(_passage("c", 1, 0)) is None

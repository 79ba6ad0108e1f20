"""KeywordIndex scores exactly as rank_bm25's BM25Okapi, only without a Python loop per document."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from core.settings import ChunkingSettings
from index.chunking import chunk_document
from index.loader import load_documents
from index.search.keyword import KeywordIndex
from index.text import tokens

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"


@pytest.fixture(scope="module")
def report_corpus() -> list[list[str]]:
    chunks = chunk_document(load_documents([REPORT])[0], ChunkingSettings())
    return [tokens(c.search_text) for c in chunks]


QUERIES = [
    "2023年前三季度松原市GDP增长了多少？",
    "查干湖的水质怎么样？",
    "明年要开工多少个新能源项目？",
    "松原 松原 松原 粮食",  # a repeated word counts each time
    "完全无关的火星探测",  # words the report never uses
    "",
]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_match_bm25okapi_on_the_report(report_corpus: list[list[str]], query: str) -> None:
    words = tokens(query)
    expected = BM25Okapi(report_corpus).get_scores(words)
    np.testing.assert_allclose(KeywordIndex(report_corpus).scores(words), expected, rtol=1e-9, atol=1e-12)


def test_idf_matches_and_unseen_words_are_the_rarest(report_corpus: list[list[str]]) -> None:
    reference, index = BM25Okapi(report_corpus), KeywordIndex(report_corpus)
    for word, idf in reference.idf.items():
        assert index.idf(word) == pytest.approx(idf, rel=1e-12)
    assert index.idf("从未出现的词") == max(reference.idf.values())


def test_common_words_get_the_epsilon_floor_like_bm25okapi() -> None:
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(40)]
    # "common" is in every document, so its raw idf is negative and rank_bm25 floors it
    corpus = [["common", *rng.choices(vocabulary, k=rng.randint(1, 30))] for _ in range(300)]
    reference, index = BM25Okapi(corpus), KeywordIndex(corpus)
    assert index.idf("common") == pytest.approx(reference.idf["common"])
    for _ in range(50):
        query = rng.choices([*vocabulary, "common", "missing"], k=rng.randint(1, 6))
        np.testing.assert_allclose(index.scores(query), reference.get_scores(query), rtol=1e-9, atol=1e-12)


def test_an_empty_corpus_scores_nothing() -> None:
    index = KeywordIndex([])
    assert len(index) == 0
    assert index.scores(["松原"]).shape == (0,)
    assert index.idf("松原") == 0.0


def test_rows_and_terms_are_the_postings(report_corpus: list[list[str]]) -> None:
    index = KeywordIndex(report_corpus)
    assert index.terms() == frozenset(t for doc in report_corpus for t in doc)
    for word in ("查干湖", "粮食", "火星"):
        assert sorted(index.rows(word).tolist()) == [i for i, doc in enumerate(report_corpus) if word in doc]

"""Hybrid retrieval: the real e5 model over the real report, plus exact logic checks with the hash embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from core.types import Passage
from index.chunking import chunk_document
from index.loader import load_documents
from index.search.hybrid import HybridRetriever
from index.search.live_view import search_text

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
SOURCE = REPORT.read_text(encoding="utf-8")


def _rank(passages: list[Passage], needle: str) -> int:
    """1-based rank of the first passage holding ``needle``; a large number when none does."""
    return next((n for n, p in enumerate(passages, 1) if needle in p.text), 10_000)


# -- the real model ------------------------------------------------------------------------------


@pytest.mark.slow
def test_gdp_question_finds_the_5_8_percent_passage(assistant) -> None:  # type: ignore[no-untyped-def]
    passages = assistant.search("2023年前三季度松原市GDP增长了多少？")
    top = passages[0]
    assert "5.8%" in top.text
    assert top.section == "2023成就和经验 › 着力稳经济促发展 › 综合经济实力实现新提升"
    assert top.period == "2023"
    assert top.doc == REPORT.stem and top.title.startswith("松原:扛起责任")
    assert top.lead == "千方百计稳定经济运行。"
    assert top.paragraph == 4
    assert SOURCE[top.start : top.end] == top.text


@pytest.mark.slow
def test_results_are_ranked_and_located(assistant) -> None:  # type: ignore[no-untyped-def]
    passages = assistant.search("查干湖的水质怎么样？", k=7)
    assert len(passages) == 7
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert len({p.chunk_id for p in passages}) == 7
    for p in passages:
        assert SOURCE[p.start : p.end] == p.text
        assert p.section and p.paragraph >= 1
    assert "Ⅳ类" in passages[0].text


@pytest.mark.slow
def test_a_2024_question_prefers_the_2024_target(assistant) -> None:  # type: ignore[no-untyped-def]
    passages = assistant.search("2024年松原的粮食产量目标是多少？", k=10)
    target, achieved = _rank(passages, "160亿斤以上"), _rank(passages, "有望突破160亿斤")
    assert target == 1
    assert target < achieved
    assert passages[0].period == "2024"


@pytest.mark.slow
def test_a_this_year_question_prefers_the_2023_achievement(assistant) -> None:  # type: ignore[no-untyped-def]
    passages = assistant.search("今年松原粮食产量大概能到多少？", k=10)
    assert _rank(passages, "有望突破160亿斤") < _rank(passages, "160亿斤以上")


@pytest.mark.slow
def test_devset_evidence_hit_at_3(devset_run) -> None:  # type: ignore[no-untyped-def]
    """Every devset item with evidence, retrieved through ``Assistant.retrieve`` (multi-turn included)."""
    report, _ = devset_run
    judged = [i for i in report.items if i.rank != -1]
    assert len(judged) >= 30
    misses = [(i.id, i.rank) for i in judged if i.rank is None or i.rank > 3]
    assert report.metrics()["hit@3"] >= 0.95, misses


# -- logic, with the hash embedder ---------------------------------------------------------------


def _retriever(assistant, **overrides) -> HybridRetriever:  # type: ignore[no-untyped-def]
    settings = assistant.settings.retrieval.model_copy(update=overrides)
    return HybridRetriever(assistant.retriever.library, assistant.embedder, settings, 2023)


def test_retriever_holds_every_stored_chunk(hash_assistant, hash_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    retriever = hash_assistant.retriever
    chunks = [c for d in load_documents(hash_settings.corpus.paths) for c in chunk_document(d, hash_settings.chunking)]
    assert len(retriever) == len(chunks)
    assert retriever.periods == {"2023", "2024"}
    assert set(retriever.documents) == {REPORT.stem}
    by_id = {c.chunk_id: c for c in chunks}
    for p in retriever.passages:  # BM25 sees what the embedding saw
        assert search_text(p) == by_id[p.chunk_id].search_text


def test_a_strong_period_boost_puts_the_named_year_first(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    strong = _retriever(hash_assistant, period_boost=1.0)
    result = strong.search("2024年粮食产量", k=5)
    assert result.years == {2024}
    assert [p.period for p in result.passages] == ["2024"] * 5
    none = _retriever(hash_assistant, period_boost=0.0).search("2024年粮食产量", k=5)
    assert [p.chunk_id for p in none.passages] != [p.chunk_id for p in result.passages]


def test_a_year_the_report_lacks_gets_no_boost(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    retriever = _retriever(hash_assistant, period_boost=1.0)
    a = retriever.search("2031年粮食产量", k=5)
    b = _retriever(hash_assistant, period_boost=0.0).search("2031年粮食产量", k=5)
    assert a.years == {2031}
    assert [p.chunk_id for p in a.passages] == [p.chunk_id for p in b.passages]


def test_few_dense_candidates_still_rank_every_chunk(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    result = _retriever(hash_assistant, candidates=2).search("查干湖水质", k=10)
    assert len(result.passages) == 10


def test_a_query_of_only_stopwords_still_returns_passages(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    result = hash_assistant.retriever.search("什么？", k=3)
    assert len(result.passages) == 3


def test_fusion_weight_one_is_pure_dense_order(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    retriever = _retriever(hash_assistant, fusion_weight=1.0, period_boost=0.0, candidates=500)
    query = "新增城镇就业和农村劳动力转移就业"
    ranked = retriever.search(query, k=len(retriever)).passages
    vector = hash_assistant.embedder.embed_queries([query])[0]
    texts = {p.chunk_id: search_text(p) for p in retriever.passages}
    dense = {cid: float(hash_assistant.embedder.embed_passages([t])[0] @ vector) for cid, t in texts.items()}
    assert ranked[0].chunk_id == max(dense, key=dense.__getitem__)


COUNTY = Path(__file__).resolve().parents[1] / "data" / "fictional-qinghe-county-2024.txt"


def test_this_year_is_each_reports_own_year_and_words_know_their_reports(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    from index.library import add_files

    add_files(hash_assistant.settings, hash_assistant.embedder, [COUNTY])
    retriever = _retriever(hash_assistant, period_boost=1.0)
    retriever.refresh(force=True)
    years = {d: retriever.year_of(d) for d in (REPORT.stem, COUNTY.stem)}
    assert years[REPORT.stem] != years[COUNTY.stem]
    for doc, year in years.items():
        result = retriever.search("今年粮食产量", k=3, doc=doc)
        assert result.years == {year} and {p.period for p in result.passages} == {str(year)}
    view = retriever.view
    assert view.docs_using("查干湖") == {REPORT.stem}
    assert view.docs_using("粮食") == {REPORT.stem, COUNTY.stem}
    assert view.docs_using("火星") == frozenset()
    assert retriever.only_elsewhere("青禾县白鹭湖观鸟节的游客有多少？", frozenset({REPORT.stem})) != []


def test_a_scoped_search_scores_its_reports_vectors_as_chroma_would(  # type: ignore[no-untyped-def]
    hash_assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.library import add_files
    from index.search import hybrid

    add_files(hash_assistant.settings, hash_assistant.embedder, [COUNTY])
    retriever = _retriever(hash_assistant)
    retriever.refresh(force=True)
    view = retriever.view
    for scope in (frozenset({COUNTY.stem}), frozenset({COUNTY.stem, REPORT.stem})):
        numpy_side = retriever._dense(view, "粮食产量", "", scope)
        monkeypatch.setattr(hybrid, "SCOPED_ROWS", 0)  # chroma's filtered search instead
        chroma_side = retriever._dense(view, "粮食产量", "", scope)
        monkeypatch.undo()
        rows = view.rows_of(scope)
        assert numpy_side[rows] == pytest.approx(chroma_side[rows], abs=1e-5)

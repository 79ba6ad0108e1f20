"""Choosing the report a question is about, on hand-made reports (no index needed)."""

from __future__ import annotations

import pytest

from core.errors import UnknownDocument
from index.search.report_choice import home_documents, only_elsewhere, place_of, scope, year_of
from index.store import StoredDocument

SONGYUAN = StoredDocument("sy", "松原市政府工作报告", "松原市人民政府。全市经济稳中向好。", year=2023)
QINGHE = StoredDocument("qh", "青禾县政府工作报告", "青禾县委、县政府带领全县。", year=2024, origin="added")


def test_a_report_s_place_is_the_one_it_names_not_a_generic_one() -> None:
    assert place_of(SONGYUAN) == "松原"
    assert place_of(QINGHE) == "青禾"
    assert place_of(StoredDocument("x", "报告", "全市上下，我县各级。")) == ""


def test_the_scope_is_the_report_asked_for_or_the_only_place_named() -> None:
    places = {"sy": "松原", "qh": "青禾"}
    assert scope(places, "青禾县GDP增长多少？", None) == "qh"
    assert scope(places, "GDP增长多少？", None) == ""
    assert scope(places, "松原和青禾哪个快？", None) == ""
    assert scope(places, "青禾县GDP？", "sy") == "sy"
    assert scope({"sy": "松原"}, "松原GDP？", None) == ""  # one report: no need to scope
    with pytest.raises(UnknownDocument):
        scope(places, "GDP？", "nope")


def test_home_reports_count_only_beside_added_ones() -> None:
    assert home_documents({"sy": SONGYUAN, "qh": QINGHE}) == {"sy"}
    assert home_documents({"sy": SONGYUAN}) == frozenset()


def test_several_words_only_other_reports_use_send_the_question_elsewhere() -> None:
    vocabulary = {"sy": {"查干湖", "粮食"}, "qh": {"白鹭", "湖观", "鸟节", "粮食"}}

    def docs_using(word: str) -> frozenset[str]:
        return frozenset(d for d, words in vocabulary.items() if word in words)

    assert only_elsewhere(docs_using, "白鹭湖观鸟节接待多少游客？", frozenset({"sy"})) != []
    assert only_elsewhere(docs_using, "2024年粮食产量？", frozenset({"sy"})) == []


def test_a_report_s_year_is_its_own_else_the_configured_one() -> None:
    documents = {"sy": SONGYUAN, "x": StoredDocument("x", "报告", "")}
    assert year_of(documents, "sy", 2020) == 2023
    assert year_of(documents, "x", 2020) == 2020
    assert year_of(documents, "missing", 2020) == 2020

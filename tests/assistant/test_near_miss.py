"""Near-miss signals: another place, a year with no such figure, a judgement, a metric not given."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.near_miss import NearMiss, metric_asked, names_metric, near_miss

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
TEXT = REPORT.read_text(encoding="utf-8")
PERIODS = {"2023", "2024"}
GRAIN = "着力稳经济促发展 积极克服严重强降雨和洪涝灾害影响,粮食产量再创新高、有望突破160亿斤。"
CANTEENS = "倾力办实事惠民生 建成社区食堂31个,辐射38.3万人,实现主城区街道全覆盖。"


def uses(word: str) -> bool:
    return bool(word) and word in TEXT


def _check(question: str, context: str, years: set[int] | None = None, synonyms: set[str] | None = None) -> NearMiss:
    return near_miss(
        question,
        context,
        known=uses,
        home_places={"松原"},
        named_years=years or set(),
        periods=PERIODS,
        said_otherwise=(synonyms or set()).__contains__,
    )


def test_a_question_the_sentence_answers_is_no_near_miss() -> None:
    found = _check("2023年松原市粮食产量有望达到多少？", GRAIN, {2023})
    assert found == NearMiss() and found.reason() == ""


def test_another_city_is_named_in_the_reason() -> None:
    found = _check("白城市的粮食产量有多少？", GRAIN)
    assert found.places_missing == ("白城",)
    assert "白城" in found.reason()


def test_a_place_the_sentence_names_is_no_near_miss() -> None:
    context = "奋力治污染增底色 前郭县入选全省首批生态县,长岭县荣获全国防沙治沙先进集体。"
    assert _check("长岭县获得了什么荣誉？", context).places_missing == ()


def test_a_year_outside_the_reports_periods_is_named_in_the_reason() -> None:
    found = _check("2020年松原粮食产量是多少？", GRAIN, {2020})
    assert found.years_missing == (2020,)
    assert "2020" in found.reason()


def test_a_year_the_sentence_itself_gives_is_no_near_miss() -> None:
    context = "持续筑牢生态屏障 空气优良天数比例比2022年提高0.5个百分点。"
    assert _check("和2022年比空气优良天数比例提高了多少？", context, {2022}).years_missing == ()


def test_a_judgement_is_a_near_miss_whatever_the_sentence() -> None:
    found = _check("松原哪家饭店最好吃？", CANTEENS)
    assert found.judgement
    assert "judgement" in found.reason()


def test_a_metric_the_library_never_mentions_is_named_in_the_reason() -> None:
    found = _check("城镇登记失业率是多少？", CANTEENS)
    assert found.unknown_head == "失业率"
    assert "失业率" in found.reason() and "never mentions" in found.reason()


def test_a_metric_said_in_other_words_is_no_near_miss() -> None:
    assert _check("城镇登记失业率是多少？", CANTEENS, synonyms={"失业率"}) == NearMiss()


def test_a_metric_the_library_names_but_the_sentence_does_not_is_named() -> None:
    found = _check("松原旅客吞吐量是多少人次？", CANTEENS)
    assert found.head_missing == "旅客吞吐量" and found.unknown_head == ""  # the whole phrase the library uses
    assert "吞吐量" in found.reason() and "another figure" in found.reason()


def test_the_provinces_figure_is_not_the_citys() -> None:
    found = _check("全省粮食产量是多少？", GRAIN)
    assert found.places_missing == ("全省",) and "全省" in found.reason()


def test_everyday_things_are_left_to_the_evidence() -> None:
    """Only metrics are near misses by name: the report may call a "饭堂" a 食堂, or a school otherwise."""
    assert _check("饭堂有多少个？", CANTEENS) == NearMiss()
    assert _check("新建公办学校多少所？", CANTEENS) == NearMiss()


def test_the_reason_names_the_strongest_signal_first() -> None:
    both = NearMiss(judgement=True, places_missing=("白城",), years_missing=(2020,), unknown_head="失业率")
    assert both.reason().startswith("asks for a judgement")
    assert NearMiss(places_missing=("白城",), years_missing=(2020,)).reason().startswith("names 白城")
    assert NearMiss(years_missing=(2020,), unknown_head="失业率").reason().startswith("asks about [2020]")
    assert NearMiss(unknown_head="失业率", head_missing="吞吐量").reason().startswith("asks for 失业率")


# -- places named by where they lie, totals where only a rate exists, bases of comparison ---------

INVESTMENT = "着力稳经济促发展 前三季度全市GDP增长5.8%,固定资产投资增长3.9%,财政收入增速高于GDP增速。"
COLLECTIVE = "夯实基层基础 村均集体收入突破60万元、较2020年翻一番。"


@pytest.mark.parametrize(
    "question", ["邻县的粮食产量有多少？", "松原所在的省粮食产量是多少？", "周边城市的粮食产量有多少？"]
)
def test_a_place_named_by_where_it_lies_is_another_place(question: str) -> None:
    found = _check(question, GRAIN)
    assert found.places_missing and found.places_missing[-1] in question and "names" in found.reason()


def test_a_total_where_the_sentence_gives_only_a_rate_is_a_near_miss() -> None:
    found = _check("固定资产投资完成了多少亿元？", INVESTMENT)
    assert found.rate_only == "固定资产投资" and "only its change" in found.reason()


def test_a_rate_asked_of_a_rate_is_no_near_miss() -> None:
    assert _check("固定资产投资增长了多少？", INVESTMENT) == NearMiss()


def test_a_year_the_sentence_only_compares_with_gives_no_figure_of_it() -> None:
    assert _check("2020年村均集体收入是多少万元？", COLLECTIVE, {2020}).years_missing == (2020,)
    assert _check("和2020年相比村均集体收入有什么变化？", COLLECTIVE, {2020}).years_missing == ()


def test_an_organisation_the_library_never_mentions_is_named_in_the_reason() -> None:
    found = _check("一汽集团在松原的投资有多少？", CANTEENS)
    assert found.bodies_unknown == ("一汽集团",) and "never mention" in found.reason()


def test_a_metric_qualified_by_words_the_library_never_uses_is_another_metric() -> None:
    assert metric_asked("松原居民人均可支配收入是多少？", uses) == "居民人均可支配收入"
    assert _check("松原居民人均可支配收入是多少？", CANTEENS).unknown_head == "居民人均可支配收入"


def test_the_metric_is_the_whole_phrase_the_library_uses() -> None:
    assert metric_asked("前三季度固定资产投资完成多少亿元？", uses) == "固定资产投资"


def test_a_metric_that_only_qualifies_another_is_not_named() -> None:
    assert not names_metric("常住人口城镇化率达到54.7%。", "常住人口")
    assert names_metric("常住人口达到54万人。", "常住人口")

"""The grounding guard, rule by rule, on passages written for the test and scripted model sentences."""

from __future__ import annotations

import pytest

from assistant.grounding import TERM_SHARE, GroundingGuard
from assistant.judge import REFUSAL
from core.types import Passage

INCOME = "扎实推进脱贫人口和低收入家庭增收行动,脱贫人口人均纯收入达到16442元、增长16.8%,高于全省平均水平。"
JOBS = "松原“直播带岗”被评为全省十大特色劳务品牌,新增城镇就业1.74万人、完成农村劳动力转移就业41.2万人次。"
ROADS = "新改建农村公路961公里、居全省第2位,查干湖旅游度假区接待游客增长。"
TARGETS = "确保全年开复工新能源项目80个以上,完成投资300亿元。"


def _passage(text: str, period: str = "2023", section: str = "民生") -> Passage:
    return Passage("c", text, "songyuan", "松原市委全会报告", section, period, 1, 0, len(text))


PASSAGES = [_passage(INCOME), _passage(JOBS), _passage(ROADS), _passage(TARGETS, "2024", "2024目标")]


def _check(sentence: str, guard: GroundingGuard | None = None) -> tuple[bool, str, str]:
    check = (guard or GroundingGuard(PASSAGES)).check(sentence)
    return check.kept, check.rule, check.verdict.reason


def test_a_grounded_sentence_is_kept() -> None:
    assert _check("脱贫人口人均纯收入达到16442元，增长16.8%[1]。") == (True, "", "")


@pytest.mark.parametrize("sentence", ["脱贫人口人均纯收入达到16442元。", "人均纯收入16442元[7]。"])
def test_a_sentence_without_a_valid_citation_is_dropped(sentence: str) -> None:
    assert _check(sentence)[:2] == (False, "citation")


@pytest.mark.parametrize(
    "sentence",
    ["2023[1]", "16442[1]。", "[1][2]", "[2]《松原市委全会报告》[1]", "松原市委全会报告[1]", "长岭那边呢？[2]"],
)
def test_a_sentence_that_says_nothing_is_dropped(sentence: str) -> None:
    assert _check(sentence)[:2] == (False, "empty")


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("常住人口约为16442人[1]。", "16442人"),  # the income's digits, counting people
        ("新增城镇就业1.7万人[2]。", "1.7万人"),  # rounded: not what the report says
        ("农村公路修了1961公里[3]。", "1961公里"),  # made up
        ("新增城镇就业1.74万人[1]。", "1.74万人"),  # true, but not in the passage cited
        ("农村公路居全省第3位[3]。", "第3"),
        ("明年要开工120个新能源项目[4]。", "120个"),
    ],
)
def test_a_figure_not_in_the_cited_passage_is_dropped(sentence: str, figure: str) -> None:
    kept, rule, reason = _check(sentence)
    assert (kept, rule) == (False, "figure") and figure in reason


@pytest.mark.parametrize(
    "sentence",
    [
        "新增城镇就业17400人[2]。",  # 1.74万 in the passage
        "新增城镇就业一万七千四百人[2]。",
        "农村公路居全省第二位[3]。",
        "2023年脱贫人口人均纯收入增长百分之16.8[1]。",  # the passage's period names its year
        "2024年确保开复工新能源项目80个以上[4]。",
        "就业1.74万人[2]，收入16442元[1]。",  # each figure in one of the passages cited
    ],
)
def test_a_figure_written_otherwise_is_still_grounded(sentence: str) -> None:
    assert _check(sentence) == (True, "", "")


def test_a_year_the_passage_is_not_about_is_dropped() -> None:
    assert _check("2024年新增城镇就业1.74万人[2]。")[:2] == (False, "figure")


def test_a_name_not_in_the_cited_passage_is_dropped() -> None:
    kept, rule, reason = _check("松原市委书记是习近平[1]。")
    assert (kept, rule) == (False, "name") and "习近平" in reason


def test_names_the_passage_holds_are_kept() -> None:
    assert _check("查干湖旅游度假区接待游客增长[3]。") == (True, "", "")
    assert _check("松原市新增城镇就业1.74万人[2]。") == (True, "", "")  # 松原 is in the passage


def test_the_models_refusal_is_dropped_as_a_refusal() -> None:
    assert _check(REFUSAL)[:2] == (False, "refusal")


def test_the_first_sentence_shown_must_cite_what_the_question_is_about() -> None:
    # a stand-in for the judge's term coverage: the share of "收入" and "脱贫" the passages mention
    def coverage(passages: list[Passage]) -> float:
        text = " ".join(p.text for p in passages)
        return sum(term in text for term in ("收入", "脱贫")) / 2

    guard = GroundingGuard(PASSAGES, coverage)
    kept, rule, reason = _check("农村公路961公里[3]。", guard)
    assert (kept, rule) == (False, "terms") and f"{0:.2f}" in reason and TERM_SHARE > 0
    assert _check("脱贫人口人均纯收入达到16442元[1]。", guard)[0]
    assert _check("农村公路961公里[3]。", guard)[0]  # once the answer is about the question, details may follow

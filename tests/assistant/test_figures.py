"""Figures as values with units: the same figure however it is written, another figure if it counts
something else."""

from __future__ import annotations

import pytest

from assistant.figures import Figure, figures


def _values(text: str) -> list[tuple[float, str]]:
    return [(round(f.value, 6), f.unit) for f in figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新增城镇就业1.74万人", [(17400, "人")]),
        ("新增城镇就业17400人", [(17400, "人")]),
        ("新增城镇就业一万七千四百人", [(17400, "人")]),
        ("脱贫人口人均纯收入达到16,442元、增长16.8%", [(16442, "元"), (16.8, "%")]),
        ("１６４４２元，增长１６．８％", [(16442, "元"), (16.8, "%")]),
        ("增长百分之五点五", [(5.5, "%")]),
        ("增长百分之6.5", [(6.5, "%")]),
        ("完成投资300亿元", [(3e10, "元")]),
        ("新建120多个项目", [(120, "个")]),
        ("装机1.5万千瓦，线路3千米", [(15000, "千瓦"), (3, "千米")]),
        ("提高0.5个百分点", [(0.5, "百分点")]),
        ("2023年前三季度", [(2023, "年")]),
        ("居全省第2位", [(2, "第")]),
        ("连续5年全省第一", [(5, "年"), (1, "第")]),
        ("两个确保、三大攻坚战", [(2, "个"), (3, "大")]),
    ],
)
def test_figures_are_read_as_values_with_units(text: str, expected: list[tuple[float, str]]) -> None:
    assert _values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "统一部署，一批项目",  # 一 in words, and one of something: not worth a check
        "十四五规划，一二三产业融合",  # numerals that are names or lists
        "前三季度",  # a period, not a count
        "PM2.5浓度下降，5G基站",  # numbers inside names
        "增长5.8%[1]【2】",  # citation markers
    ],
)
def test_words_and_markers_are_no_figures(text: str) -> None:
    assert [f for f in figures(text) if f.unit != "%"] == []


def test_list_numbering_is_no_figure() -> None:
    assert _values("1. 新建公园3个\n2、完成投资50亿元\n（3）增长6.5%") == [(3, "个"), (5e9, "元"), (6.5, "%")]


def test_the_same_value_with_another_unit_is_another_figure() -> None:
    [people] = figures("常住人口约为16442人")
    [income] = figures("人均纯收入达到16442元")
    assert not people.matches(income)
    assert people.matches(figures("共16442人")[0])
    assert Figure("16442", 16442, "").matches(income)  # a bare number names no unit to compare


def test_rank_in_words_and_digits_match() -> None:
    [digits] = figures("居全省第2位")
    [words] = figures("全省第二")
    assert digits.matches(words) and words.matches(digits)

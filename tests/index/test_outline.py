"""Headings: official numbering levels, when a numbered line is a heading, how sections nest."""

from __future__ import annotations

import pytest

from index.outline import Outline, is_heading, numbering_level, period_of


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、2024年工作回顾", 1),
        ("十二、全面加强党的建设", 1),
        ("（一）经济运行稳中向好", 2),
        ("(三)乡村振兴扎实推进", 2),
        ("1.稳定粮食生产", 3),
        ("2、壮大特色产业", 3),
        ("12．建设宜居乡村", 3),
        ("（1）教育医疗", 4),
        ("1.5亿元的项目全部开工。", 0),  # a decimal, not a number
        ("2024年工作回顾", 0),
        ("一是稳定粮食生产。", 0),
        ("（说明：本文为虚构。）", 0),
    ],
)
def test_numbering_levels(line: str, level: int) -> None:
    assert numbering_level(line) == level


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("（一）经济运行稳中向好", True),  # short, no sentence end
        ("一、主要目标：", True),
        ("（一）坚持项目为王，扩大有效投资。", True),  # the lead phrase standing alone
        ("（四）营商环境持续优化。深入推进“放管服”改革，企业开办时间压缩至0.5个工作日。", False),
        ("（一）全县地区生产总值增长6.2%。", False),  # one short sentence, but a fact
        ("着力稳经济促发展", True),  # the seed's unnumbered layout
        ("千方百计稳定经济运行。", False),
        ("## 经济", True),
    ],
)
def test_when_a_line_is_a_heading(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


def _walk(lines: list[str]) -> list[tuple[str, ...]]:
    """The section path of every paragraph ("p…") in ``lines``."""
    outline, paths = Outline(), []
    for line in lines:
        if line.startswith("p"):
            outline.paragraph(line[1:])
            paths.append(outline.path)
        else:
            outline.heading(line)
    return paths


def test_official_levels_nest_and_close() -> None:
    paths = _walk(
        ["一、回顾", "（一）经济", "1.工业", "（1）园区", "p.", "2.农业", "p.", "（二）民生", "p.", "二、目标", "p."]
    )
    assert paths == [
        ("一、回顾", "（一）经济", "1.工业", "（1）园区"),
        ("一、回顾", "（一）经济", "2.农业"),
        ("一、回顾", "（二）民生"),
        ("二、目标",),
    ]


def test_a_numbered_paragraph_closes_the_sections_of_its_level() -> None:
    paths = _walk(["一、回顾", "（一）经济", "1.工业", "p.", "p（二）民生改善。城镇新增就业5630人。", "p."])
    assert paths == [("一、回顾", "（一）经济", "1.工业"), ("一、回顾",), ("一、回顾",)]


def test_numbering_nests_under_markdown_headings() -> None:
    paths = _walk(["# 报告", "## 2024年工作回顾", "（一）经济", "p.", "## 2025年目标", "p."])
    assert paths == [("报告", "2024年工作回顾", "（一）经济"), ("报告", "2025年目标")]


def test_a_greeting_with_a_colon_gives_way_to_the_first_numbered_section() -> None:
    paths = _walk(["各位代表：", "p现在，我代表县委常委会向全会报告工作。", "一、2024年工作回顾", "p."])
    assert paths == [("各位代表",), ("一、2024年工作回顾",)]


def test_the_seed_layout_year_heading_then_runs_of_heading_lines() -> None:
    achieved = ["2023成就和经验", "全力学思想铸忠诚", "政治建设水平实现新提升", "p.", "p."]
    paths = _walk(
        [
            "写在前面:",
            "p.",
            *achieved,
            "着力稳经济促发展",
            "综合经济实力实现新提升",
            "p.",
            "2024目标和举措",
            "在…上勇当先锋",
            "p.",
        ]
    )
    assert paths == [
        ("写在前面",),
        ("2023成就和经验", "全力学思想铸忠诚", "政治建设水平实现新提升"),
        ("2023成就和经验", "全力学思想铸忠诚", "政治建设水平实现新提升"),
        ("2023成就和经验", "着力稳经济促发展", "综合经济实力实现新提升"),
        ("2024目标和举措", "在…上勇当先锋"),
    ]


def test_periods_read_through_the_numbering() -> None:
    assert period_of(("一、2024年工作回顾", "（一）经济")) == "2024"
    assert period_of(("二、2025年目标任务",)) == "2025"
    assert period_of(("2023成就和经验", "着力稳经济促发展")) == "2023"
    assert period_of(("三、全面加强党的建设",)) == ""

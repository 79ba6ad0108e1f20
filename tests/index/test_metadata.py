"""A report's date, source line and covered year, from its own lines."""

from __future__ import annotations

import pytest

from index.metadata import covered_year, iso_date, labelled_date, source_line


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2023-12-14 07:57", "2023-12-14"),
        ("2024年1月5日", "2024-01-05"),
        ("2024/3/8", "2024-03-08"),
        ("2024.12.27", "2024-12-27"),
        ("2024-12-27T09:30:00+08:00", "2024-12-27"),
        ("2023-13-45", ""),
        ("明天", ""),
    ],
)
def test_iso_dates(text: str, iso: str) -> None:
    assert iso_date(text) == iso


def test_the_seed_furniture_line_gives_date_and_source() -> None:
    line = "更新时间:2023-12-14 07:57   来源:吉林日报—大吉网"
    assert labelled_date([line]) == "2023-12-14"
    assert source_line([line]) == "来源：吉林日报—大吉网"
    assert labelled_date(["编辑:马萍"]) == "" and source_line(["编辑:马萍"]) == ""


def test_a_date_without_a_label_is_not_a_publication_date() -> None:
    assert labelled_date(["2023年12月12日，松原市委召开全会"]) == ""
    assert labelled_date(["发布时间：2024年12月27日 来源：青禾县人民政府网站"]) == "2024-12-27"


@pytest.mark.parametrize(
    ("title", "periods", "date", "year"),
    [
        ("青禾县委2024年工作报告", ["2023", "2025"], "2025-01-08", 2024),  # the title first
        ("松原:扛起责任 勇当先锋", ["", "2023", "2024"], "2023-12-14", 2023),  # then the first dated section
        ("政府工作报告", [""], "2024-12-20", 2024),  # a December report covers its own year
        ("政府工作报告", [], "2025-01-20", 2024),  # a spring report, the year before
        ("政府工作报告", [], "", None),
    ],
)
def test_covered_year(title: str, periods: list[str], date: str, year: int | None) -> None:
    assert covered_year(title, periods, date) == year

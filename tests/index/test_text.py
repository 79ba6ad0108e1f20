"""Chinese text helpers: search tokens, figures, and the years a question names."""

from __future__ import annotations

import pytest

from index.text import NUMBER, STOPWORDS, named_years, numbers, tokens


def test_tokens_keep_topic_words_and_drop_question_words_and_punctuation() -> None:
    found = tokens("请问松原的GDP增长了多少？")
    assert {"松原", "gdp", "增长"} <= set(found)
    assert not {"请问", "的", "了", "多少", "？"} & set(found)
    assert all(t == t.lower() and t.strip() for t in found)


def test_tokens_use_search_mode_so_compounds_also_yield_their_parts() -> None:
    found = set(tokens("高标准农田"))
    assert "高标准农田" in found or {"高标准", "农田"} <= found
    assert "农田" in found or "高标准农田" in found


def test_tokens_of_nothing_but_stopwords_and_punctuation() -> None:
    assert tokens("请问，什么？！") == []
    assert tokens("") == []
    assert "什么" in STOPWORDS


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("2024年松原的粮食产量目标是多少？", {2024}),
        ("2023 年完成了多少国土绿化？", {2023}),
        ("今年松原粮食产量大概能到多少？", {2023}),
        ("明年要开工多少个新能源项目？", {2024}),
        ("去年的旅游收入是多少？", {2022}),
        ("这一年松原在生态上做了什么？", {2023}),  # the year the report reviews
        ("2023年和明年各有什么目标？", {2023, 2024}),
        ("松原的通航产业有什么进展？", set()),
        ("开复工5000万元以上项目297个", set()),  # a figure, not a year
    ],
)
def test_named_years(question: str, years: set[int]) -> None:
    assert named_years(question, report_year=2023) == years


def test_relative_years_follow_the_report_year() -> None:
    assert named_years("今年和明年", report_year=2030) == {2030, 2031}


def test_numbers_with_units() -> None:
    text = "前三季度全市GDP增长5.8%，投资260亿元，新增城镇就业1.74万人，共 12 条举措，千分比3‰"
    assert numbers(text) == ["5.8%", "260亿", "1.74万", "12", "3‰"]
    assert NUMBER.search("没有数字") is None

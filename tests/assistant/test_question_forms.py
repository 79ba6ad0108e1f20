"""Question forms decided from the wording alone, and the report period a broad question is about."""

from __future__ import annotations

import pytest

from assistant.question_forms import asked_periods, question_form

PERIODS = {"2023", "2024"}


@pytest.mark.parametrize(
    "question",
    [
        "松原这一年生态环境方面怎么样？",
        "去年在招商引资方面取得了哪些成绩？",
        "松原明年在农业上有什么打算？",
        "这次全会主要讲了什么？",
        "松原是怎么抓招商引资的？",
        "2024年松原如何推进新型工业化？",
        "说说青禾县乡村振兴这一年的情况",
        "民生方面做了哪些工作？",  # "哪些工作" names a broad noun: an overview, not a list
    ],
)
def test_broad_questions_are_overviews(question: str) -> None:
    assert question_form(question) == "overview"


@pytest.mark.parametrize(
    "question",
    [
        "2024年新能源产业要做好哪几篇文章？",
        "建设幸福宜居城市包括哪几方面？",
        "查干湖保护开发有哪些举措？",
        "青禾县办好民生实事分别是哪几项？",
        "县里明年要办的民生实事包括什么？",
        "推进新型工业化要提升哪四个方面的能力？",
    ],
)
def test_questions_counting_parts_of_the_work_are_lists(question: str) -> None:
    assert question_form(question) == "list"


@pytest.mark.parametrize(
    "question",
    [
        "松原机场旅客吞吐量增长了多少？",
        "市里建成了几个社区食堂？",
        "松原有哪四大装备制造基地？",  # named things stated in one sentence: a fact
        "哪些企业入驻了“五张芯片”科创中心？",
        "查干湖水质保持在几类？",
        "苑丽颖在亚运会上获得了什么奖牌",
    ],
)
def test_figures_and_names_are_facts(question: str) -> None:
    assert question_form(question) == "fact"


@pytest.mark.parametrize(
    "question",
    [
        "青禾县有没有新建5G基站？",
        "乾安县是否获得了平安县区称号？",
        "粮食产量是不是突破了160亿斤？",
        "查干湖创建5A级景区了吗？",
    ],
)
def test_yes_no_questions(question: str) -> None:
    assert question_form(question) == "yesno"


def test_a_named_year_decides_the_period() -> None:
    assert asked_periods("2024年生态方面有什么成绩？", {2024}, PERIODS) == {"2024"}
    assert asked_periods("2023年有什么打算？", {2023}, PERIODS) == {"2023"}  # the year said wins over the wording


def test_plans_are_the_later_period_and_results_the_earlier() -> None:
    assert asked_periods("松原生态方面有什么打算？", set(), PERIODS) == {"2024"}
    assert asked_periods("松原下一步准备怎么抓项目？", set(), PERIODS) == {"2024"}
    assert asked_periods("松原这一年文化方面取得了哪些成绩？", set(), PERIODS) == {"2023"}
    assert asked_periods("项目建设有什么进展？", set(), PERIODS) == {"2023"}


def test_a_question_that_does_not_say_has_no_period() -> None:
    assert asked_periods("查干湖保护包含什么内容？", set(), PERIODS) == frozenset()
    assert asked_periods("2019年游客多少？", {2019}, PERIODS) == frozenset()  # no period of the report
    assert asked_periods("有什么打算？", set(), set()) == frozenset()  # a report without dated parts


def test_arrangements_are_plans_too() -> None:
    assert asked_periods("松原在民生方面有什么安排？", set(), PERIODS) == {"2024"}


def test_what_is_going_to_be_done_is_an_overview() -> None:
    assert question_form("松原明年在农业上准备做些什么？") == "overview"

"""Follow-up questions made standalone without an LLM: the earlier subject and time carried over."""

from __future__ import annotations

import pytest

from assistant.followup import carry_over, is_elliptical, standalone_question
from core.types import Message


@pytest.mark.parametrize(
    "question", ["长岭那边呢？", "那旅游收入呢？", "它的目标是什么？", "还有吗", "其中新能源占多少？"]
)
def test_elliptical_questions(question: str) -> None:
    assert is_elliptical(question)


@pytest.mark.parametrize("question", ["2024年松原的粮食产量目标是多少？", "查干湖景区今年接待了多少游客？"])
def test_complete_questions_are_not_elliptical(question: str) -> None:
    assert not is_elliptical(question)


def test_the_subject_is_carried_into_an_elliptical_question() -> None:
    standalone = carry_over("长岭那边呢？", "松原的通航产业有什么进展？", 2023)
    assert standalone.startswith("长岭那边呢？")
    assert "通航" in standalone and "产业" in standalone
    assert "进展" not in standalone.split("？", 1)[1]  # a stopword adds nothing


def test_the_time_is_carried_into_a_question_without_one() -> None:
    standalone = carry_over("要改造多少户棚户区和危房？", "2024年要建设多少个城市基础设施项目？", 2023)
    assert "2024年" in standalone
    assert "城市基础设施" not in standalone  # not elliptical: only the time is carried


def test_a_question_that_names_its_own_time_keeps_it() -> None:
    standalone = carry_over("今年完成了多少？", "2024年粮食产量目标是多少？", 2023)
    assert "2024" not in standalone


def test_a_complete_question_is_unchanged() -> None:
    question = "查干湖景区接待了多少游客？"
    assert carry_over(question, "松原的通航产业有什么进展？", 2023) == question


def test_no_history_means_the_question_stands_alone() -> None:
    assert standalone_question("长岭那边呢？", [], 2023) == "长岭那边呢？"


def test_only_the_users_earlier_questions_count() -> None:
    history = [
        Message("user", "松原的通航产业有什么进展？"),
        Message("assistant", "加快发展通用航空产业,长岭航空飞行营地顺利开航[1]。查干湖2024年旅游"),
    ]
    standalone = standalone_question("长岭那边呢？", history, 2023)
    assert "通航" in standalone
    assert "查干湖" not in standalone and "2024" not in standalone


def test_a_subject_carries_through_several_turns() -> None:
    history = [Message("user", "2024年新能源产业有什么目标？"), Message("user", "那氢能呢？")]
    standalone = standalone_question("具体投资多少？", history, 2023)
    assert "2024年" in standalone
    assert "氢能" in standalone and "新能源" in standalone


def test_a_follow_up_naming_another_year_does_not_inherit_the_old_one() -> None:
    from assistant.followup import standalone_question
    from core.types import Message
    from index.text import named_years

    history = [Message("user", "今年新增规上工业企业多少户？"), Message("assistant", "……")]
    standalone = standalone_question("明年的目标呢？", history, 2023)
    assert "规上" in standalone
    assert named_years(standalone, 2023) == {2024}

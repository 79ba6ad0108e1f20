"""Typed questions ("多少钱", "是谁", "多长时间") need a sentence of that type to be answered."""

from __future__ import annotations

import pytest

from assistant.answer_types import TYPES, expected_type
from core.types import Message


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("松原市的邮政编码是多少？", "contact"),
        ("市长是谁？", "person"),
        ("到长春的车票多少钱？", "money"),
        ("坐车去长春要多长时间？", "duration"),
        ("查干湖冬捕什么时候开始？", "date"),
        ("2024年粮食产量目标是多少？", "quantity"),
        ("新增了几所学校？", "quantity"),
        ("新能源产业有什么进展？", None),
    ],
)
def test_question_types(question: str, kind: str | None) -> None:
    found = expected_type(question)
    assert (found.name if found else None) == kind


@pytest.mark.parametrize(
    ("kind", "sentence", "fits"),
    [
        ("money", "发放消费券3200万元、撬动消费5亿元。", True),
        ("money", "农业综合机械化率达97%。", False),
        ("duration", "全程约需2个小时。", True),
        ("duration", "新改建农村公路961公里。", False),
        ("date", "12月12日,松原市委召开七届七次全体会议。", True),
        ("date", "推进黑土地保护利用23.2万亩。", False),
        ("person", "培养输送的运动员苑丽颖在杭州亚运会上斩获金牌。", True),
        ("contact", "咨询电话0438-12345678。", True),
        ("contact", "建成社区食堂31个。", False),
        ("quantity", "建成社区食堂31个。", True),
        ("quantity", "其中产业类项目占比57.2%。", True),
        ("quantity", "12月12日,松原市委召开七届七次全体会议。", False),
        ("quantity", "纵深推进“1145”发展战略。", False),
    ],
)
def test_sentences_fit_their_type(kind: str, sentence: str, fits: bool) -> None:
    answer_type = next(t for t in TYPES if t.name == kind)
    assert answer_type.fits(sentence) is fits


@pytest.mark.slow
def test_a_typed_question_the_report_cannot_answer_is_refused(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.answer([Message("user", "松原市委书记叫什么名字？")])
    assert answer.refused and not answer.citations


@pytest.mark.slow
def test_a_typed_question_the_report_answers_quotes_a_sentence_of_that_type(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.answer([Message("user", "哪位运动员在杭州亚运会上获得了金牌？")])
    assert not answer.refused
    assert "苑丽颖" in answer.text

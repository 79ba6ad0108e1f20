"""Typed questions ("多少钱", "是谁", "多长时间") need a sentence of that type to be answered."""

from __future__ import annotations

import pytest

from assistant.answer_types import TYPES, asked_unit, expected_type, states_unit
from core.types import Message


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("松原市的邮政编码是多少？", "contact"),
        ("市委书记住在哪里？", "personal"),  # a private address, which a work report never gives
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
        ("person", "市委书记张明主持召开会议。", True),
        ("person", "群众安全感满意度达到98.2%。", False),  # jieba tags 安全感 a name; no role beside it
        ("duration", "企业开办时间压缩至0.5个工作日。", True),
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


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("查干湖景区接待了多少人次游客？", "人次"),
        ("粮食产量能达到多少万吨？", "吨"),
        ("新建农村公路多少公里？", "公里"),
        ("消费券发了多少万元？", "元"),
        ("新增多少家企业？", ""),  # counters of things are left out: reports count one thing with several
        ("GDP增长了多少？", ""),
    ],
)
def test_the_unit_a_question_measures_in(question: str, unit: str) -> None:
    assert asked_unit(question) == unit


def test_a_rate_does_not_state_a_count() -> None:
    assert states_unit("1—11月,查干湖景区累计接待游客460万人次", "人次")
    assert not states_unit("松原机场运输航班增长91.4%,旅客吞吐量增长144%", "人次")
    assert states_unit("统筹实施总投资80.7亿元的49个城市基础设施项目", "元")
    assert states_unit("新改建农村公路961公里、居全省第2位", "公里")
    assert states_unit("培养“松原名师”160余人", "人")

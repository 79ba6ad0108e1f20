"""What kind of answer a question asks for, and whether a sentence can be that answer.

Classic question-answering typing: "多少钱" wants an amount in 元, "是谁" a person, "多长时间" a
duration. When the question has such a type and none of the report's best sentences is of it, the
report does not hold the answer, however similar its words are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class AnswerType:
    name: str  # for operators' logs
    asks: re.Pattern[str]
    fits: Callable[[str], bool]


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda sentence: bool(compiled.search(sentence))


# A report names a person with a role beside the name ("运动员苑丽颖", "张三同志"). jieba alone tags
# too much as a name ("安全感", a place like "青禾"), so a name counts only next to such a word.
_ROLE = re.compile(
    r"同志|书记|市长|县长|区长|省长|州长|旗长|主任|局长|部长|主席|委员|代表|运动员|选手|冠军|院士|教授|专家|医生"
    r"|教师|老师|校长|厂长|董事长|总经理|负责人|劳模|模范|楷模|英雄|烈士|作家|演员|队长|村民|农民|先生|女士"
)
ROLE_WINDOW = 4  # characters between a role and the name it goes with


@lru_cache(maxsize=4096)
def _names_a_person(sentence: str) -> bool:
    import jieba.posseg

    at = 0
    for word, flag in jieba.posseg.cut(sentence):
        near = sentence[max(0, at - ROLE_WINDOW) : at] + "|" + sentence[at + len(word) : at + len(word) + ROLE_WINDOW]
        if flag == "nr" and 2 <= len(word) <= 4 and _ROLE.search(near):
            return True
        at += len(word)
    return False


TYPES = (
    AnswerType(
        "contact",
        re.compile(r"邮政编码|邮编|电话|热线号码|网址|网站|邮箱|地址在哪|办公地址"),
        _pattern(r"\d{5,}|https?://|www\.|@|[路街道]\d+号|热线"),
    ),
    AnswerType(  # a person's private details, which a work report does not give
        "personal",
        re.compile(
            r"住在哪|住址|家住|住哪|哪年出生|出生[年日地]|什么时候出生|生日|老家|籍贯|家乡在|年龄|几岁|多大年纪|婚姻"
        ),
        _pattern(r"生于|出生于|\d{4}年生|籍贯|\d+岁|住在"),
    ),
    AnswerType(
        "person",
        re.compile(r"是谁|叫什么名字|姓名|哪位|谁是|谁担任|谁负责"),
        _names_a_person,
    ),
    AnswerType(
        "money",
        re.compile(r"多少钱|价格|价钱|票价|房价|工资|薪资|收费|费用是多少|多少[万亿千百]*元|总额|金额"),
        _pattern(r"\d[\d.]*\s*(?:万|亿)?元"),
    ),
    AnswerType(
        "duration",
        re.compile(r"多长时间|多久|几个小时|几小时|几分钟|要多少天|用时"),
        _pattern(r"\d[\d.]*\s*(?:个)?(?:小时|分钟|天|周|个月|工作日)"),
    ),
    AnswerType(
        "date",
        re.compile(r"什么时候|何时|哪天|哪一天|几月几[日号]|具体日期|开始时间"),
        _pattern(r"\d+\s*月\s*\d+\s*[日号]|\d{4}\s*年\s*\d+\s*月|[上下]旬|月底|年底|年初|季度"),
    ),
    AnswerType(
        "quantity",
        re.compile(r"多少|几[个项家户所条次座名人万亿千百成倍]|几大|比例|占比|百分之|增长了?几"),
        _pattern(
            r"\d[\d.]*\s*(?:%|‰|个百分点|倍|成|万|亿|千|百|余|多|个|项|户|家|所|条|次|人|元|亩|公里|米|吨|斤"
            r"|件|场|名|座|期|套|台|千瓦|GW|批|类|大|处|宗|份|辆|架)"
        ),
    ),
)


def expected_type(question: str) -> AnswerType | None:
    return next((t for t in TYPES if t.asks.search(question)), None)


# "多少人次", "多少万吨": the unit the question measures in. A growth rate does not answer it ("旅客吞吐量
# 是多少人次" where the report gives "增长144%"), nor does a figure in another unit. Counters of things
# (个, 户, 家, 所…) are left out: reports count one thing with several ("多少家企业": "20户").
_UNITS = "人次|元|吨|斤|亩|公里|千米|米|千瓦|人"
_ASKED_UNIT = re.compile(rf"多少(?:个)?[万亿千百]*({_UNITS})")


def asked_unit(question: str) -> str:
    """The unit a question asks a figure in ("多少人次" → 人次), or ""."""
    match = _ASKED_UNIT.search(question)
    return match.group(1) if match else ""


def states_unit(sentence: str, unit: str) -> bool:
    """The sentence gives a number in ``unit`` ("460万人次" for 人次; "80.7亿元" for 亿元 and 元)."""
    return bool(re.search(rf"\d[\d.]*\s*(?:余|多)?[万亿千百]*{re.escape(unit)}", sentence))

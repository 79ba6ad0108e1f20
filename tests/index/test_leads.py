"""A paragraph's lead sentence, its key-figure clause and its 一是/二是 items."""

from __future__ import annotations

import pytest

from index.leads import enumeration, figure_clause, lead_phrase, lead_sentence


def test_the_lead_sentence_is_the_first_sentence_without_its_number() -> None:
    assert lead_sentence("（四）营商环境持续优化。深入推进改革。") == "营商环境持续优化。"
    assert lead_sentence("新建幼儿园3所，启动县中医院迁建工程") == "新建幼儿园3所，启动县中医院迁建工程"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("要抓建管、提品质。改造老旧小区33个。", "要抓建管、提品质"),
        (
            "12月12日,松原市委召开七届七次全体会议,深入总结即将过去的2023年的工作,全面部署下一年重点工作。",
            "松原市委召开七届七次全体会议",
        ),
        (
            "加强要素保障，全年争取中央和省预算内投资、专项债券资金不低于18亿元，新增建设用地指标2200亩。",
            "加强要素保障",
        ),
    ],
)
def test_a_lead_phrase_is_short(text: str, phrase: str) -> None:
    assert lead_phrase(text) == phrase


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        # past the lead, the first headline figure; a date or a year is not a figure
        (
            "千方百计稳定经济运行。在连续3年高基数情况下,前三季度全市GDP增长5.8%,固定资产投资增长3.9%。",
            "前三季度全市GDP增长5.8%",
        ),
        # a small count before the amount is context
        (
            "精准施策推动产业升级。中车、正泰等6户头部企业扩能上产,贡献规上工业产值48.2亿元。",
            "贡献规上工业产值48.2亿元",
        ),
        # no headline figure: the first count
        ("及时跟进理论学习。坚持常委领学,举办集中轮训27期。", "举办集中轮训27期"),
        # the lead holds the only figure; a long first sentence is facts, not a point
        ("城镇新增就业5000人以上；实施白鹭湖生态修复二期工程。", "城镇新增就业5000人以上"),
        ("主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长6.5%。", "地区生产总值增长6%左右"),
        ("保稳定、促和谐。强化“大安全”理念,到2024年底确保社会大局安全稳定。", ""),
    ],
)
def test_the_key_figure_clause(text: str, clause: str) -> None:
    assert figure_clause(text) == clause


def test_an_enumeration_inside_a_paragraph() -> None:
    text = "重点抓好三件事：一是稳岗扩就业，新增就业5000人；二是修复湿地；三是治理农村污水。"
    assert enumeration(text) == ["稳岗扩就业", "修复湿地", "治理农村污水"]
    assert enumeration("一是只有一项。") == []

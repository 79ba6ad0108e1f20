"""What a sentence states, read closely: a level or only a change, for a whole year or part of it, for a
place or only in comparison with it.

A near miss often shares every word with a sentence that still does not answer it: "固定资产投资完成了
多少亿元" against "固定资产投资增长9.6%" (only the change), "2023年全年GDP增长多少" against "前三季度
全市GDP增长5.8%" (part of the year), "全省脱贫人口人均纯收入是多少" against "…16442元，高于全省平均
水平" (the province only as a yardstick), "2020年村均集体收入" against "较2020年翻一番".
"""

from __future__ import annotations

import re

# -- a level, or only a change ------------------------------------------------------------------

# "增长了多少", "提高几个百分点", "有什么变化": the question asks a change, not a level.
_ASKS_CHANGE = re.compile(r"增长|增速|增幅|涨幅|下降|降幅|提高|提升|降低|减少|增加|上升|变化|同比|环比|翻")
_ASKS_FIGURE = re.compile(r"多少|几")
_FIGURE = re.compile(r"\d[\d.]*\s*(%|‰|个百分点|倍)?")
# A figure right after one of these words is a change: "增长9.6%", "提高0.5个百分点", "同比增长6.8%".
_CHANGE_BEFORE = re.compile(r"(?:增长|增速|增幅|提高|提升|下降|降低|减少|增加|上升|回落|高出)[^\d，,。；;]{0,3}$")
# Metrics that are themselves ratios: "达到90.2%" is their level, not a change.
_RATIO = re.compile(r"[率比重]$|比例|占比|指数")


def asks_level(question: str) -> bool:
    """The question asks what a figure is ("完成了多少亿元", "比例是百分之多少"), not how it changed."""
    return bool(_ASKS_FIGURE.search(question)) and not _ASKS_CHANGE.search(question)


def only_changes_of(context: str, metric: str) -> bool:
    """Every figure the sentence gives after the metric, in each clause that names it, is a change
    ("固定资产投资增长9.6%", "优良天数比例比2022年提高0.5个百分点"): asked for the level, the report
    does not have it."""
    figures = [
        (clause[clause.index(metric) :], found)
        for clause in re.split(r"[，,；;。]", context)
        if metric in clause and (found := list(_FIGURE.finditer(clause[clause.index(metric) :])))
    ]
    ratio = bool(_RATIO.search(metric))
    return bool(figures) and all(_is_change(text, m, ratio) for text, found in figures for m in found)


def _is_change(text: str, figure: re.Match[str], ratio: bool) -> bool:
    unit = figure.group(1)
    if unit in ("个百分点", "倍") or _CHANGE_BEFORE.search(text[: figure.start()]):
        return True
    if _is_year(text, figure):
        return True  # "比2022年": a base of comparison, no figure of the metric
    return bool(unit) and not ratio  # "投资9.6%" is a change; "比例90.2%" a level


def _is_year(text: str, figure: re.Match[str]) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", figure.group(0))) and text[figure.end() : figure.end() + 1] == "年"


# -- the whole year, or part of it --------------------------------------------------------------

_WHOLE_YEAR = re.compile(r"全年|全年度|一整年|年度")
_PART_OF_YEAR = re.compile(r"前三季度|上半年|下半年|[一二三四1-4]季度|前\d+个?月|\d+[-—至~]\d+月|1至\d+月")


def part_of_year_only(question: str, context: str) -> bool:
    """The question asks for the whole year; the sentence gives a figure for part of it."""
    return bool(_WHOLE_YEAR.search(question)) and bool(_PART_OF_YEAR.search(context)) and "全年" not in context


# -- a place, or only a yardstick ---------------------------------------------------------------

_YARDSTICK_BEFORE = re.compile(r"(?:高于|低于|超过|快于|慢于|领跑|领先|居|位居|位列|排名|列|在)$")
_YARDSTICK_AFTER = re.compile(r"^(?:唯一|首个|首批|首家|第|前列|平均|领先|先进|同类)")


def names_place(context: str, place: str) -> bool:
    """The sentence gives a figure for the place, not only compares with it ("高于全省平均水平",
    "居全省第2位", "全省唯一")."""
    return any(
        not _YARDSTICK_BEFORE.search(context[: m.start()]) and not _YARDSTICK_AFTER.match(context[m.end() :])
        for m in re.finditer(re.escape(place), context)
    )


# -- a year, or only a base of comparison -------------------------------------------------------

_BASE_YEAR = re.compile(r"(?:较|比|相比|同比|对比|与|和)((?:19|20)\d{2})年|((?:19|20)\d{2})年(?:以来|相比|比)")


def base_years(text: str) -> set[int]:
    """Years a text compares with, not reports for ("较2020年翻一番", "2012年以来")."""
    return {int(a or b) for a, b in _BASE_YEAR.findall(text)}

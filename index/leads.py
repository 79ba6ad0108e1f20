"""What a report paragraph says first: its lead sentence, its key-figure clause, its enumerated items.

These reports write each paragraph top-down: a short lead sentence states the point
("千方百计稳定经济运行。"), then the facts follow, the headline figure early among them.
"""

from __future__ import annotations

import re

from index.outline import LEAD_PHRASE_MAX, strip_numbering

_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]|[^。！？!?]+$")
# Clauses: the brief's ，；。 with their half-width forms (the seed report writes "," and ";"), the other
# sentence ends, and the colon, which introduces the figures in "主要预期目标是：地区生产总值增长6%左右".
_CLAUSE_SPLIT = re.compile(r"[，,；;。！？!?：:]")
# A figure is a number with a unit. Dates and periods are not figures: "2024年底", "12月12日", "前三季度".
_NOT_A_UNIT = "年月日号时季"
_FIGURE = re.compile(rf"\d+(?:\.\d+)?\s*(?:%|％|‰|[万亿千百]*(?![{_NOT_A_UNIT}])[\u4e00-\u9fffA-Za-z/])")
# Figures a report leads with: shares, growth, amounts in 万/亿 or in thousands; a small bare count
# ("6户头部企业") is more often context. See figure_clause.
_STRONG = re.compile(r"[%％‰倍]|个百分点|^\d{4}|\d\s*[万亿]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NAME_MIN = 4  # a clause with fewer Chinese characters ("12月12日") names no point
_ENUMERATION = re.compile(r"(?:^|[，,；;。：:])\s*([一二三四五六七八九十]+是)")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def lead_sentence(text: str) -> str:
    """The paragraph's first sentence, without a leading "（四）" number: it states the point."""
    found = sentences(strip_numbering(text))
    return found[0] if found else ""


def lead_phrase(text: str) -> str:
    """The point in a few words, for lists: the lead sentence, or its first clause when it runs long."""
    lead = lead_sentence(text).rstrip("。！？!?")
    if len(lead) <= LEAD_PHRASE_MAX:
        return lead
    return next((c for c in clauses(lead) if len(_CJK.findall(c)) >= _NAME_MIN), lead)


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c.strip()]


def figure_strength(clause: str) -> int:
    """2 for a clause with a headline figure, 1 for one with a plain count, 0 for none."""
    figures = [clause[m.start() : m.end() + 4] for m in _FIGURE.finditer(clause)]  # + "个百分点"
    if not figures:
        return 0
    return 2 if any(_STRONG.search(f) for f in figures) else 1


def figure_clause(text: str) -> str:
    """The clause holding the paragraph's main figure, or "" when it gives none.

    The rule: look past a short lead sentence (it states the point; a long first sentence is already
    the facts); take the first clause with a headline figure (a percentage, 个百分点, 倍, an amount
    in 万/亿 or of four digits), failing that the first clause with any figure (a number with a unit
    other than a date). Reports put the headline figure first ("前三季度全市GDP增长5.8%"); a small
    count before it ("中车、正泰等6户头部企业扩能上产") is usually context for the amount that follows.
    """
    body = strip_numbering(text)
    lead = lead_sentence(body)
    rest = body[len(lead) :] if len(lead) <= LEAD_PHRASE_MAX and len(lead) < len(body) else body
    scored = [(figure_strength(c), c) for c in clauses(rest)]
    best = max((strength for strength, _ in scored), default=0)
    return next((c for strength, c in scored if strength == best), "") if best else ""


def enumeration(text: str) -> list[str]:
    """The items of a "一是…；二是…" enumeration inside a paragraph, each as its first clause."""
    marks = list(_ENUMERATION.finditer(text))
    if len(marks) < 2:
        return []
    items = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        span = text[mark.end(1) : following.start(1) if following else len(text)]
        items.append(next(iter(clauses(span)), ""))
    return [item for item in items if item]

"""Starter questions derived from the report's own section headings, never written by hand."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain, zip_longest

from index.loader import Document

# Two heading shapes of Chinese work reports: "综合经济实力实现新提升" (a result) and
# "在发展现代化大农业上勇当先锋,…" (a field of work). Anything else short enough is asked about whole.
_RESULT = re.compile(r"^(?P<subject>[^,，、]{2,16}?)实现(?P<what>新[^,，、]{1,4})$")
_FIELD = re.compile(r"^在(?P<field>[^,，、]{2,16}?)上")
_PLAIN_MAX = 16


def question_for(heading: str, period: int, report_year: int) -> str | None:
    """A citizen's question about one section, in the tense its period calls for."""
    future = period > report_year
    if (match := _FIELD.match(heading)) is not None:
        ask = "有哪些目标" if future else "取得了哪些成绩"
        return f"{period}年在{match['field']}方面{ask}？"
    if not future and (match := _RESULT.match(heading)) is not None:
        return f"{period}年{match['subject']}有哪些{match['what']}？"
    if len(heading) <= _PLAIN_MAX:
        ask = "有哪些目标" if future else "做了哪些工作"
        return f"{period}年在{heading}方面{ask}？"
    return None


def _by_period(documents: Iterable[Document], report_year: int) -> list[list[str]]:
    """One list of questions per period, each in the report's order."""
    periods: dict[str, list[str]] = {}
    for doc in documents:
        for paragraph in doc.paragraphs:
            if not paragraph.period.isdigit() or len(paragraph.section) < 2:
                continue
            question = question_for(paragraph.section[-1], int(paragraph.period), report_year)
            questions = periods.setdefault(paragraph.period, [])
            if question and question not in questions:
                questions.append(question)
    return list(periods.values())


def suggest_questions(documents: Iterable[Document], report_year: int, limit: int = 6) -> list[str]:
    """Up to ``limit`` questions, alternating between periods so both look-back and plans show."""
    interleaved = chain.from_iterable(zip_longest(*_by_period(documents, report_year)))
    return [q for q in interleaved if q is not None][:limit]

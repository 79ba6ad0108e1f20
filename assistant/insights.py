"""What the console's 未回答的问题 and 反馈 pages read: queries over the shared database, no web.

Dates are ISO strings in UTC (as stored), so a day's range is a text range: ``created_at >= "2026-12-01"``
and ``< "2026-12-02"``. The console shows them as they are, UTC.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from assistant.feedback import FeedbackRow, FeedbackStore, Rating, UnansweredRow, feedback_table, unanswered_table
from assistant.question_groups import QuestionGroup, group_questions
from assistant.question_log import now_iso

GROUPED_ROWS = 5000  # the latest refusals grouped per page view: enough for months of a portal's gaps


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end``, both included; either open."""

    start: date | None = None
    end: date | None = None

    def where(self, column: sa.Column[Any]) -> list[sa.ColumnElement[bool]]:
        clauses = []
        if self.start:
            clauses.append(column >= self.start.isoformat())
        if self.end:
            clauses.append(column < (self.end + timedelta(days=1)).isoformat())
        return clauses


# -- 未回答的问题 ----------------------------------------------------------------------------------


def unanswered_groups(
    store: FeedbackStore, *, handled: bool = False, doc: str | None = None, period: Period = Period()
) -> list[QuestionGroup]:
    """The refused questions, near-duplicates grouped; ``handled``: the ones owners marked done instead."""
    table = unanswered_table
    query = sa.select(table).where(table.c.handled_at.is_not(None) if handled else table.c.handled_at.is_(None))
    query = query.where(*period.where(table.c.created_at))
    if doc is not None:
        query = query.where(table.c.doc == doc)
    query = query.order_by(table.c.id.desc()).limit(GROUPED_ROWS)
    rows = store.read(lambda db: [UnansweredRow(**r._asdict()) for r in db.execute(query)])
    return group_questions(rows)


def mark_handled(store: FeedbackStore, ids: list[int]) -> int:
    """Mark these refusals handled (a group is its rows); returns how many were open."""
    table = unanswered_table
    statement = table.update().where(table.c.id.in_(ids), table.c.handled_at.is_(None)).values(handled_at=now_iso())
    return int(store.read(lambda db: db.execute(statement).rowcount))


def reopen(store: FeedbackStore, ids: list[int]) -> int:
    table = unanswered_table
    statement = table.update().where(table.c.id.in_(ids)).values(handled_at=None)
    return int(store.read(lambda db: db.execute(statement).rowcount))


# -- 反馈 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackFilter:
    rating: Rating | None = None
    doc: str | None = None
    period: Period = Period()


def feedback_rows(
    store: FeedbackStore, chosen: FeedbackFilter = FeedbackFilter(), limit: int = 500
) -> list[FeedbackRow]:
    """Ratings, newest first, filtered by rating, report and days."""
    table = feedback_table
    query = sa.select(table).where(*chosen.period.where(table.c.created_at))
    if chosen.rating:
        query = query.where(table.c.rating == chosen.rating)
    if chosen.doc is not None:
        query = query.where(table.c.doc == chosen.doc)
    query = query.order_by(table.c.id.desc()).limit(limit)
    return store.read(lambda db: [FeedbackRow(**r._asdict()) for r in db.execute(query)])


def citations_of(row: FeedbackRow) -> list[dict[str, Any]]:
    """The rated answer's citations (n, doc, title, section, paragraph, quote); [] for old rows."""
    try:
        cited = json.loads(row.citations or "[]")
    except ValueError:
        return []
    return cited if isinstance(cited, list) else []


# -- refusal reasons, for people ------------------------------------------------------------------

# The judge's reasons are English with measured values (assistant/judge.py): owners read the kind.
_REASON_LABELS = (
    ("instruction override", "试图改变助手的指令"),
    ("a task other than", "不是关于报告的问题"),
    ("near miss", "报告有相近内容，但不是所问的"),
    ("which the report does not cover", "报告未涉及所问的年份"),
    ("asks for a", "报告中没有所问类型的信息"),
    ("weak evidence", "报告中找不到足够依据"),
    ("does not match the question", "最相关的句子与问题不符"),
    ("outline", "报告提纲中没有对应部分"),
    ("LLM found no answer", "大模型在段落中未找到答案"),
    ("no sentence to quote", "没有可引用的句子"),
)


def reason_label(reason: str) -> str:
    """The kind of refusal in Chinese ("weak evidence 0.812 (coverage 0.40)" → 报告中找不到足够依据)."""
    return next((label for key, label in _REASON_LABELS if key in reason), "其他原因" if reason else "—")


def group_reason(group: QuestionGroup) -> str:
    """The group's most frequent kind of refusal."""
    kinds: dict[str, int] = {}
    for reason, count in group.reasons.items():
        kinds[reason_label(reason)] = kinds.get(reason_label(reason), 0) + count
    return max(kinds, key=lambda k: kinds[k]) if kinds else "—"

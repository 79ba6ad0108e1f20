"""The console's 概览 as numbers: questions per day, refusal and satisfaction rates, latency p50/p95,
top questions and per report, over the last ``days`` days (UTC). assistant/insights_charts.py draws them.

Everything comes from the question log and the ratings; top questions only exist when question text
is kept (``logging.questions: true``): without it the log holds counts and refusal reasons only.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from assistant.feedback import FeedbackStore, feedback_table
from assistant.question_groups import group_questions
from assistant.question_log import questions_table

TOP = 10


@dataclass
class Day:
    day: str
    questions: int = 0
    refused: int = 0
    up: int = 0
    down: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def refusal_rate(self) -> float | None:
        return self.refused / self.questions if self.questions else None

    @property
    def satisfaction(self) -> float | None:
        return self.up / (self.up + self.down) if self.up + self.down else None

    @property
    def p50(self) -> float | None:
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float | None:
        return percentile(self.latencies, 95)


@dataclass(frozen=True)
class Report:
    doc: str  # "" for questions asked of the whole library
    questions: int
    refused: int


@dataclass(frozen=True)
class Overview:
    days: list[Day]
    reports: list[Report]
    top: list[tuple[str, int]]  # (question, times asked); empty without question text
    total: Day  # the whole period as one "day"


@dataclass(frozen=True)
class _Asked:  # a question log row as question_groups reads it
    id: int
    question: str
    reason: str
    created_at: str


def percentile(values: list[float], q: float) -> float | None:
    """Nearest rank (the value a request actually took), not interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def overview(store: FeedbackStore, *, days: int = 30, today: date | None = None, doc: str | None = None) -> Overview:
    today = today or datetime.now(UTC).date()
    start = today - timedelta(days=days - 1)
    every_day = [Day((start + timedelta(days=n)).isoformat()) for n in range(days)]  # empty days too
    by_day, total = {d.day: d for d in every_day}, Day("total")
    asked = _questions(store, start.isoformat(), doc)
    for row in asked:
        for bucket in (by_day.get(row.asked_at[:10]), total):
            if bucket is not None:
                bucket.questions += 1
                bucket.refused += bool(row.refused)
                bucket.latencies.append(row.latency_ms)
    for created_at, rating in _ratings(store, start.isoformat(), doc):
        for bucket in (by_day.get(created_at[:10]), total):
            if bucket is not None:
                setattr(bucket, rating, getattr(bucket, rating) + 1)
    return Overview(every_day, _per_report(asked), _top(asked), total)


def _per_report(asked: list[sa.Row[tuple[str, str, bool, float, str | None, int]]]) -> list[Report]:
    """Most asked first; doc "" is the questions asked of the whole library."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in asked:
        counts[row.doc].update(questions=1, refused=int(bool(row.refused)))
    ranked = sorted(counts.items(), key=lambda item: -item[1]["questions"])
    return [Report(doc, c["questions"], c["refused"]) for doc, c in ranked]


def _questions(
    store: FeedbackStore, since: str, doc: str | None
) -> list[sa.Row[tuple[str, str, bool, float, str | None, int]]]:
    t = questions_table
    query = (
        sa.select(t.c.asked_at, t.c.doc, t.c.refused, t.c.latency_ms, t.c.question, t.c.id)
        .where(t.c.asked_at >= since)
        .order_by(t.c.id)
    )
    if doc is not None:
        query = query.where(t.c.doc == doc)
    return store.read(lambda db: list(db.execute(query)))


def _ratings(store: FeedbackStore, since: str, doc: str | None) -> list[tuple[str, str]]:
    t = feedback_table
    query = sa.select(t.c.created_at, t.c.rating).where(t.c.created_at >= since)
    if doc is not None:
        query = query.where(t.c.doc == doc)
    return store.read(lambda db: [(r.created_at, r.rating) for r in db.execute(query)])


def _top(asked: list[sa.Row[tuple[str, str, bool, float, str | None, int]]]) -> list[tuple[str, int]]:
    """The most asked questions, near-duplicates counted together (the same grouping as 未回答的问题)."""
    texts = [_Asked(r.id, r.question, "", r.asked_at) for r in asked[-5000:] if r.question]
    return [(g.question, g.count) for g in group_questions(texts)[:TOP]]

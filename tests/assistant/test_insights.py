"""The console's data: unanswered questions grouped, marked handled, feedback filtered, CSV for Excel,
the overview's figures and charts; on a real SQLite database."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from assistant.feedback import FeedbackStore, UnansweredRow
from assistant.insights import FeedbackFilter, Period, feedback_rows, mark_handled, reopen, unanswered_groups
from assistant.insights_charts import charts
from assistant.insights_csv import feedback_csv, safe_cell, unanswered_csv
from assistant.overview import overview, percentile
from assistant.question_groups import group_questions, shingles, similarity
from assistant.question_log import QuestionLog


def _row(i: int, question: str, day: str = "2026-12-01", reason: str = "weak") -> UnansweredRow:
    return UnansweredRow(id=i, question=question, reason=reason, created_at=f"{day}T08:00:0{i % 10}+00:00")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("松原的邮编是多少？", "松原的邮编是多少"),
        ("松原的邮编是多少？", "松原市的邮编是多少?"),
        ("２０２４年松原的邮编是多少", "2024年松原的邮编是多少"),
        ("鬆原的郵編是多少？", "松原的邮编是多少？"),
        ("市长叫什么名字", "市长叫什么名字呀？"),
    ],
)
def test_rewordings_are_near_duplicates(a: str, b: str) -> None:
    assert similarity(shingles(a), shingles(b)) >= 0.6


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("松原的邮编是多少", "松原的GDP是多少"),
        ("市长叫什么名字", "松原的邮编是多少"),
        ("查干湖水质怎么样", "查干湖冬捕什么时候"),
    ],
)
def test_other_questions_are_not(a: str, b: str) -> None:
    assert similarity(shingles(a), shingles(b)) <= 0.4


def test_groups_count_and_date_their_questions() -> None:
    rows = [
        _row(1, "松原的邮编是多少？", "2026-12-01"),
        _row(2, "松原的GDP是多少？", "2026-12-01", "near miss"),
        _row(3, "松原市的邮编是多少", "2026-12-02", "no such type"),
        _row(4, "松原的邮编是多少？", "2026-12-03"),
    ]
    first, second = group_questions(rows)
    assert (first.question, first.count, sorted(first.ids)) == ("松原的邮编是多少？", 3, [1, 3, 4])
    assert first.variants == ["松原市的邮编是多少"]
    assert (first.reason, first.first_seen[:10], first.last_seen[:10]) == ("weak", "2026-12-01", "2026-12-03")
    assert (second.question, second.count, second.reason) == ("松原的GDP是多少？", 1, "near miss")


def test_grouping_a_few_thousand_questions_is_quick() -> None:
    import time

    rows = [_row(i, f"第{i % 300}个问题：松原{i % 7}区的事情怎么样") for i in range(3000)]
    started = time.perf_counter()
    group_questions(rows)
    assert time.perf_counter() - started < 5


def _store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "f.sqlite3")


def test_marking_a_group_handled_moves_it_and_new_askings_reopen_the_gap(tmp_path: Path) -> None:
    store = _store(tmp_path)
    for question in ("松原的邮编是多少？", "松原市的邮编是多少", "市长是谁"):
        store.log_unanswered(question, "weak", "d1")
    [postcode, mayor] = unanswered_groups(store)
    assert postcode.count == 2 and mayor.count == 1
    assert mark_handled(store, postcode.ids) == 2
    assert [g.question for g in unanswered_groups(store)] == ["市长是谁"]
    assert [g.count for g in unanswered_groups(store, handled=True)] == [2]
    store.log_unanswered("松原的邮编是多少？", "weak", "d1")
    assert sorted(g.count for g in unanswered_groups(store)) == [1, 1]
    assert unanswered_groups(store, doc="other") == []
    assert reopen(store, postcode.ids) == 2


def test_feedback_filters_by_rating_report_and_days(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.add_feedback("a", "up", question="q1", doc="d1")
    store.add_feedback("b", "down", question="q2", doc="d2")
    assert [r.message_id for r in feedback_rows(store)] == ["b", "a"]
    assert [r.message_id for r in feedback_rows(store, FeedbackFilter(rating="down"))] == ["b"]
    assert [r.message_id for r in feedback_rows(store, FeedbackFilter(doc="d1"))] == ["a"]
    today = date.today()
    assert len(feedback_rows(store, FeedbackFilter(period=Period(today, today)))) == 2
    assert feedback_rows(store, FeedbackFilter(period=Period(end=date(2020, 1, 1)))) == []


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_files_open_with_the_csv_module_and_have_the_bom(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.log_unanswered('=HYPERLINK("http://x")，邮编？', "weak")
    store.add_feedback(
        "m",
        "down",
        "答错了",
        question="GDP？",
        answer="增长6%[1]",
        citations='[{"n": 1, "section": "一、经济", "quote": "增长6%。"}]',
        doc="d1",
    )
    header, row = _read_csv(unanswered_csv(unanswered_groups(store)))
    assert header[:3] == ["问题", "次数", "拒答原因"] and row[0].startswith("'=") and row[1] == "1"
    header, row = _read_csv(feedback_csv(feedback_rows(store)))
    assert header == ["时间", "评价", "报告", "问题", "回答", "引用", "留言"]
    assert row[1:] == ["👎 没用", "d1", "GDP？", "增长6%[1]", "[1] 一、经济：增长6%。", "答错了"]
    assert safe_cell("-1") == "'-1" and safe_cell("正常") == "正常"


def _log(store: FeedbackStore, rows: list[tuple[str, str, bool, float, str | None]]) -> None:
    questions = QuestionLog(store.engine)
    for asked_at, doc, refused, latency, question in rows:
        questions.record(
            asked_at=asked_at, doc=doc, form="fact", refused=refused, reason="", latency_ms=latency, question=question
        )
    questions.close()


def test_the_overview_counts_rates_latency_and_reports(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _log(
        store,
        [
            ("2026-12-01T08:00:00.000+00:00", "d1", False, 10.0, "GDP增长多少？"),
            ("2026-12-01T09:00:00.000+00:00", "d1", True, 30.0, "GDP增长多少"),
            ("2026-12-02T09:00:00.000+00:00", "d2", False, 20.0, "市长是谁"),
            ("2026-11-01T09:00:00.000+00:00", "d2", False, 20.0, "太早了"),
        ],
    )
    data = overview(store, days=3, today=date(2026, 12, 3))
    assert [(d.day, d.questions, d.refused) for d in data.days] == [
        ("2026-12-01", 2, 1),
        ("2026-12-02", 1, 0),
        ("2026-12-03", 0, 0),
    ]
    assert (data.days[0].refusal_rate, data.days[0].p50, data.days[0].p95) == (0.5, 10.0, 30.0)
    assert data.days[2].refusal_rate is None  # a gap in the chart, not a zero
    assert (data.total.questions, data.total.refused) == (3, 1)
    assert [(r.doc, r.questions, r.refused) for r in data.reports] == [("d1", 2, 1), ("d2", 1, 0)]
    assert data.top == [("GDP增长多少？", 2), ("市长是谁", 1)]
    assert overview(store, days=3, today=date(2026, 12, 3), doc="d2").total.questions == 1


def test_the_overview_has_no_top_questions_without_text(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _log(store, [("2026-12-01T08:00:00.000+00:00", "", False, 10.0, None)])
    data = overview(store, days=1, today=date(2026, 12, 1))
    assert data.top == [] and data.total.questions == 1


def test_satisfaction_comes_from_the_ratings(tmp_path: Path) -> None:
    store = _store(tmp_path)
    for rating in ("up", "up", "up", "down"):
        store.add_feedback("m", rating)  # type: ignore[arg-type]
    assert overview(store, days=1).total.satisfaction == 0.75


def test_percentiles_are_values_that_occurred() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile([], 50)) == (50.0, 95.0, None)


def test_the_charts_are_plotly_figures_with_chinese_titles(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _log(store, [("2026-12-01T08:00:00.000+00:00", "d1", True, 10.0, "问题")])
    figures = charts(overview(store, days=2, today=date(2026, 12, 2)), {"d1": "松原报告"}, with_top=True)
    assert set(figures) == {"per_day", "rates", "latency", "reports", "top"}
    assert figures["per_day"]["layout"]["title"]["text"] == "每日提问数"
    assert figures["per_day"]["data"][1]["y"] == [1, 0]
    assert figures["reports"]["data"][0]["y"] == ["松原报告"]  # horizontal: titles are long sentences
    long = charts(
        overview(store, days=2, today=date(2026, 12, 2)),
        {"d1": "松原:扛起责任 勇当先锋 努力走出高质量发展可持续振兴新路"},
        with_top=False,
    )
    bar = long["reports"]["data"][0]
    assert bar["y"] == ["松原:扛起责任 勇当先锋 …"] and bar["customdata"] == [
        "松原:扛起责任 勇当先锋 努力走出高质量发展可持续振兴新路"
    ]
    assert "top" not in charts(overview(store, days=1), {}, with_top=False)

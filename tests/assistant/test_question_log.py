"""The question log and what the service records: off the answer's path, nothing lost on close,
question text only with logging.questions, personal numbers masked, ratings stored with what was rated."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from assistant.feedback import FeedbackStore
from assistant.question_log import BATCH, QuestionLog, questions_table
from assistant.recording import Recorder
from core.types import Answer, Citation, Message

LEGACY_SCHEMA = """
CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL);
CREATE TABLE unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
INSERT INTO feedback (message_id, rating, comment, created_at)
    VALUES ('old', 'down', '旧', '2024-01-01T00:00:00+00:00');
INSERT INTO unanswered (question, reason, created_at) VALUES ('旧问题', 'weak', '2024-01-01T00:00:00+00:00');
"""
CITED = Citation(
    n=1,
    doc="d1",
    section="一、经济",
    period="2023",
    text="全年GDP增长6%。",
    start=0,
    end=9,
    score=0.9,
    paragraph=3,
    quote="全年GDP增长6%。",
    title="报告",
)
ANSWERED = Answer("增长6%[1]", citations=[CITED])
REFUSED = Answer("报告中没有相关内容。", refused=True, reason="weak evidence")
PERSONAL = "我的身份证号110101199003071234，电话13812345678，松原的邮编是多少？"


def _rows(store: FeedbackStore) -> list[sa.Row]:  # type: ignore[type-arg]
    return store.read(lambda db: list(db.execute(sa.select(questions_table).order_by(questions_table.c.id))))


def test_rows_are_written_off_the_path_and_all_on_close(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    questions = QuestionLog(store.engine, flush_seconds=60)  # the writer would not run during the test
    started = time.perf_counter()
    for i in range(500):
        questions.record(doc="", form="fact", refused=i % 2 == 0, reason="", latency_ms=float(i), question=None)
    assert (time.perf_counter() - started) / 500 < 0.001  # no commit per answer
    assert _rows(store) == []
    questions.close()
    assert len(_rows(store)) == 500
    questions.record(doc="", form="fact", refused=False, reason="", latency_ms=1.0, question=None)
    assert len(_rows(store)) == 501  # after close (at exit) a row is written at once, not dropped


def test_the_writer_thread_flushes_in_the_background(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    questions = QuestionLog(store.engine, flush_seconds=0.05)
    questions.record(doc="", form="fact", refused=False, reason="", latency_ms=3.0, question=None)
    deadline = time.monotonic() + 5
    while not _rows(store) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(_rows(store)) == 1
    questions.close()


def test_a_burst_is_written_before_the_tick_and_a_backlog_is_bounded(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    questions = QuestionLog(store.engine, flush_seconds=60)
    for _ in range(BATCH):
        questions.record(doc="", form="fact", refused=False, reason="", latency_ms=1.0, question=None)
    deadline = time.monotonic() + 10
    while len(_rows(store)) < BATCH and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_rows(store)) == BATCH
    questions.close()
    bounded = QuestionLog(store.engine, flush_seconds=60, max_pending=3)
    bounded._thread = threading.current_thread()  # as if the writer were stuck on a dead database
    for n in range(5):
        bounded.record(doc="", form="fact", refused=False, reason="", latency_ms=float(n), question=None)
    assert bounded.flush() == 3  # the newest three; the dropped two are logged, the server lives on
    assert [r.latency_ms for r in _rows(store)][-3:] == [2.0, 3.0, 4.0]


def _recorder(store: FeedbackStore, keep: bool) -> Recorder:
    return Recorder(lambda: store, keep_questions=keep)


def test_without_logging_questions_no_text_is_kept_but_counts_and_reasons_are(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    recorder = _recorder(store, keep=False)
    recorder.answered([Message("user", "松原GDP增长多少？")], None, ANSWERED, 12.3, "m1")
    recorder.answered([Message("user", PERSONAL)], "d1", REFUSED, 45.6, "m2")
    recorder.close()
    rows = _rows(store)
    assert [(r.refused, r.reason, r.latency_ms, r.doc, r.question) for r in rows] == [
        (False, "", 12.3, "d1", None),  # named no report: counted for the one it cites
        (True, "weak evidence", 45.6, "d1", None),
    ]
    with sqlite3.connect(tmp_path / "f.sqlite3") as db:
        assert "1381234" not in str(db.execute("SELECT * FROM questions").fetchall())


def test_kept_questions_and_the_unanswered_log_are_masked(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    recorder = _recorder(store, keep=True)
    recorder.answered([Message("user", PERSONAL)], "d1", REFUSED, 5.0, "m1")
    recorder.close()
    [logged] = _rows(store)
    [gap] = store.unanswered()
    for text in (logged.question, gap.question):
        assert "110101199003071234" not in text and "13812345678" not in text
        assert "[身份证号]" in text and "[电话号码]" in text and "邮编" in text
    assert (gap.reason, gap.doc) == ("weak evidence", "d1")


def test_a_rating_is_stored_with_the_question_answer_and_citations(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    recorder = _recorder(store, keep=False)
    recorder.answered([Message("user", "GDP增长多少？电话13812345678")], "d1", ANSWERED, 5.0, "m1")
    recorder.rate("m1", "down", "不准")
    [row] = store.feedback()
    assert (row.rating, row.comment, row.doc, row.answer) == ("down", "不准", "d1", "增长6%[1]")
    assert row.question == "GDP增长多少？电话[电话号码]"
    assert json.loads(row.citations) == [
        {"n": 1, "doc": "d1", "title": "报告", "section": "一、经济", "paragraph": 3, "quote": "全年GDP增长6%。"}
    ]


def test_a_question_that_named_no_report_is_counted_for_the_report_that_answered(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    recorder = _recorder(store, keep=False)
    recorder.answered([Message("user", "GDP增长多少？")], None, ANSWERED, 5.0, "m1")
    recorder.answered([Message("user", "房价多少？")], None, REFUSED, 5.0, "m2")
    recorder.rate("m1", "up")
    recorder.close()
    assert [r.doc for r in _rows(store)] == ["d1", ""]  # the cited report; a refusal cites none
    assert [r.doc for r in store.feedback()] == ["d1"]


def test_a_rating_another_process_answered_takes_what_the_log_has(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    other = _recorder(store, keep=True)
    other.answered([Message("user", "GDP增长多少？")], "d1", ANSWERED, 5.0, "m9")
    other.close()
    _recorder(store, keep=True).rate("m9", "up")
    _recorder(store, keep=True).rate("unknown", "up")  # still stored, with nothing to show
    assert [(r.message_id, r.question, r.doc) for r in store.feedback()] == [
        ("unknown", "", ""),
        ("m9", "GDP增长多少？", "d1"),
    ]


def test_an_older_database_gains_the_new_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(LEGACY_SCHEMA)
    store = FeedbackStore(path)
    [old] = store.feedback()
    assert (old.message_id, old.rating, old.comment, old.question, old.citations) == ("old", "down", "旧", "", "[]")
    [gap] = store.unanswered()
    assert (gap.question, gap.doc, gap.handled_at) == ("旧问题", "", None)
    store.add_feedback("new", "up", question="问", answer="答", citations="[]", doc="d1")
    assert store.feedback()[0].question == "问"
    FeedbackStore(path)  # opening again finds nothing to add


def test_the_service_records_through_its_edges(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    hash_assistant.answer([Message("user", "松原的邮政编码是多少？")], message_id="m1")
    hash_assistant.close()
    [row] = _rows(hash_assistant.feedback)
    assert row.message_id == "m1" and row.latency_ms > 0 and row.question is None  # the default: no text

"""The feedback database: durable, ordered, safe under concurrent writers."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.feedback import FILENAME, FeedbackStore


def test_rows_survive_reopening(tmp_path: Path) -> None:
    store = FeedbackStore.for_state_dir(tmp_path / "var")
    store.add_feedback("m1", "up")
    store.add_feedback("m2", "down", "数字不对")
    store.log_unanswered("松原的邮编是多少？", "refused")
    reopened = FeedbackStore(tmp_path / "var" / FILENAME)
    assert [(r.message_id, r.rating, r.comment) for r in reopened.feedback()] == [
        ("m2", "down", "数字不对"),
        ("m1", "up", ""),
    ]
    [row] = reopened.unanswered()
    assert (row.question, row.reason) == ("松原的邮编是多少？", "refused")
    assert row.created_at.endswith("+00:00")


def test_database_is_in_wal_mode(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_rating_is_up_or_down(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(ValueError):
        store.add_feedback("m1", "meh")  # type: ignore[arg-type]
    assert store.feedback() == []


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")

    def write(i: int) -> None:
        store.add_feedback(f"m{i}", "up" if i % 2 else "down")
        store.log_unanswered(f"问题{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(200)))
    assert len(store.feedback(limit=1000)) == 200
    assert {r.question for r in store.unanswered(limit=1000)} == {f"问题{i}" for i in range(200)}


def test_limit_keeps_the_newest(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    for i in range(5):
        store.log_unanswered(f"问题{i}")
    assert [r.question for r in store.unanswered(limit=2)] == ["问题4", "问题3"]

"""The feedback database: durable, ordered, safe under concurrent writers in threads and processes."""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from assistant.feedback import FILENAME, FeedbackStore, sqlite_url
from core.errors import ConfigError, StoreUnavailable
from core.settings import Settings

# The schema the stores wrote before SQLAlchemy: their files must keep working.
LEGACY_SCHEMA = """
CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL);
CREATE INDEX feedback_message ON feedback (message_id);
CREATE TABLE unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
INSERT INTO feedback (message_id, rating, comment, created_at) VALUES ('old', 'up', '', '2024-01-01T00:00:00+00:00');
"""


def test_rows_survive_reopening(tmp_path: Path) -> None:
    store = FeedbackStore.for_state_dir(tmp_path / "var")
    store.add_feedback("m1", "up")
    store.add_feedback("m2", "down", "数字不对")
    store.log_unanswered("松原的邮编是多少？", "refused")
    store.close()
    reopened = FeedbackStore(tmp_path / "var" / FILENAME)
    assert [(r.message_id, r.rating, r.comment) for r in reopened.feedback()] == [
        ("m2", "down", "数字不对"),
        ("m1", "up", ""),
    ]
    [row] = reopened.unanswered()
    assert (row.question, row.reason) == ("松原的邮编是多少？", "refused")
    assert row.created_at.endswith("+00:00")


def test_sqlite_is_durable_wal_with_full_sync(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with sqlite3.connect(tmp_path / "f.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_the_url_comes_from_settings_and_defaults_to_state_dir(hash_settings: Settings, tmp_path: Path) -> None:
    assert hash_settings.database.url == ""
    default = FeedbackStore.from_settings(hash_settings)
    assert default.url == sqlite_url(hash_settings.state_dir / FILENAME)
    shared = tmp_path / "shared" / "db.sqlite3"
    database = hash_settings.database.model_copy(update={"url": sqlite_url(shared)})
    settings = hash_settings.model_copy(update={"database": database})
    FeedbackStore.from_settings(settings).add_feedback("m1", "up")
    assert [r.message_id for r in FeedbackStore(shared).feedback()] == ["m1"]
    assert default.feedback() == []


def test_files_written_before_sqlalchemy_open_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    with sqlite3.connect(path) as db:
        db.executescript(LEGACY_SCHEMA)
    store = FeedbackStore(path)
    store.add_feedback("new", "down", "旧库可用")
    assert [(r.message_id, r.comment) for r in store.feedback()] == [("new", "旧库可用"), ("old", "")]


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


WRITER = """
import sys
from assistant.feedback import FeedbackStore
store = FeedbackStore(sys.argv[1])
for i in range(int(sys.argv[3])):
    store.add_feedback(f"{sys.argv[2]}-{i}", "up")
"""


def test_server_processes_share_one_database(tmp_path: Path) -> None:
    """Several server processes, one URL: every acknowledged row from each of them is there once."""
    url = sqlite_url(tmp_path / "shared.sqlite3")
    FeedbackStore(url)  # created once, as the first server to start would
    writers = [
        subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), url, f"p{n}", "40"]) for n in range(4)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    ids = [r.message_id for r in FeedbackStore(url).feedback(limit=1000)]
    assert sorted(ids) == sorted(f"p{n}-{i}" for n in range(4) for i in range(40))


def test_limit_keeps_the_newest(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    for i in range(5):
        store.log_unanswered(f"问题{i}")
    assert [r.question for r in store.unanswered(limit=2)] == ["问题4", "问题3"]


@pytest.mark.skipif(importlib.util.find_spec("psycopg") is not None, reason="psycopg is installed")
def test_a_missing_driver_names_the_package_to_install() -> None:
    with pytest.raises(ConfigError) as caught:
        FeedbackStore("postgresql+psycopg://assistant:s3cret@db.internal/assistant")
    assert "pip install psycopg[binary]" in str(caught.value)
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://host/db"])
def test_a_bad_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match=r"database\.url"):
        FeedbackStore(url)


def test_an_unusable_database_is_store_unavailable(tmp_path: Path, monkeypatch: Any) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    (tmp_path / "f.sqlite3").unlink()
    (tmp_path / "f.sqlite3").mkdir()  # the file is gone and a folder stands in its place
    store.engine.dispose()  # no pooled connection keeps the old file open
    with pytest.raises(StoreUnavailable) as caught:
        store.add_feedback("m1", "up")
    assert caught.value.code == "store_unavailable" and caught.value.http_status == 503

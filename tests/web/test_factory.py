"""The app factory behind `assistant serve` and its workers, and the refusal of unsafe worker counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from assistant.cli import main
from assistant.web import factory
from core.errors import ConfigError
from index.embedding.factory import LazyEmbedder

TESTS = Path(__file__).resolve().parents[1]


def test_several_workers_on_a_persistent_store_are_refused(hash_settings: Any) -> None:
    with pytest.raises(ConfigError, match="chroma server") as caught:
        factory.check_workers(hash_settings, 2)
    assert "store.mode: http" in str(caught.value)
    factory.check_workers(hash_settings, 1)
    http = hash_settings.model_copy(update={"store": hash_settings.store.model_copy(update={"mode": "http"})})
    factory.check_workers(http, 4)
    with pytest.raises(ConfigError):
        factory.check_workers(http, 0)


def test_the_cli_refuses_before_loading_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = os.pathsep.join(str(p) for p in [TESTS / "settings-test.yaml", TESTS / "settings-hash.yaml"])
    monkeypatch.setenv("ASSISTANT_CONFIG", config)
    monkeypatch.setenv("ASSISTANT_TEST_STATE", str(tmp_path))
    assert main(["serve", "--workers", "2"]) == 78
    err = capsys.readouterr().err
    assert "错误：" in err and "needs a chroma server" in err and "Traceback" not in err
    assert not (tmp_path / "chroma").exists()  # nothing was opened


def test_an_up_to_date_index_is_checked_without_the_model(hash_assistant: Any, hash_settings: Any) -> None:
    embedder = LazyEmbedder(hash_settings.embedding)
    from assistant.service import ensure_index

    report = ensure_index(hash_settings, embedder)
    assert not report.changed and report.embedded == 0 and embedder._model is None
    assert embedder.embed_queries(["松原"]).shape == (1, 256)  # loads when a text needs it


def test_the_factory_builds_the_app_from_the_environment(
    hash_assistant: Any, hash_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = os.pathsep.join(str(p) for p in [TESTS / "settings-test.yaml", TESTS / "settings-hash.yaml"])
    monkeypatch.setenv("ASSISTANT_CONFIG", config)  # the hash_settings overlays, with the same state folder
    app = factory.create_app_from_env()
    with TestClient(app) as client:
        assert client.get("/healthz").json()["chunks"] == len(hash_assistant.retriever)
        body = {"messages": [{"role": "user", "content": "查干湖的水质怎么样？"}]}
        first, again = client.post("/api/chat", json=body).json(), client.post("/api/chat", json=body).json()
        assert first["answer"] == again["answer"] and first["id"] != again["id"]


def test_the_page_and_the_api_share_one_feedback_store(
    hash_assistant: Any, hash_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.feedback import FeedbackStore

    opened: list[FeedbackStore] = []
    original = FeedbackStore.from_settings.__func__  # type: ignore[attr-defined]

    def counting(cls: type[FeedbackStore], settings: Any) -> FeedbackStore:
        opened.append(original(cls, settings))
        return opened[-1]

    monkeypatch.setattr(FeedbackStore, "from_settings", classmethod(counting))
    factory.build_app(hash_settings, hash_assistant, ui=True)
    # The API's routes and the page's handlers both write to ``assistant.feedback``: one store per process.
    assert hash_assistant.feedback is hash_assistant.feedback
    assert len(opened) == 1


def test_the_light_modules_of_the_web_edge_load_no_web_framework() -> None:
    code = (
        "import sys, assistant.web, assistant.web.validation, assistant.suggestions; "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=TESTS.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

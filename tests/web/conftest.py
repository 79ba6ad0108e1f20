"""Live servers for the web tests: real uvicorn, real sockets, real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fakes.openai_server import FakeOpenAI, running
from pydantic import SecretStr
from web_support import API_KEY, hash_settings_in, serving, with_sections

from assistant.service import Assistant


@pytest.fixture(scope="session")
def real_url(real_settings: Any, assistant: Any) -> Iterator[str]:
    """The app around the real assistant (real model, real chromadb, the real report)."""
    with serving(real_settings, assistant) as url:
        yield url


@pytest.fixture(scope="session")
def keyed_url(real_settings: Any, assistant: Any) -> Iterator[str]:
    """The same real app with ``server.api_keys`` set: /v1/* and /api/search need ``API_KEY``."""
    with serving(with_sections(real_settings, server={"api_keys": [SecretStr(API_KEY)]}), assistant) as url:
        yield url


@pytest.fixture()
def serve(hash_settings: Any, hash_assistant: Any) -> Iterator[Callable[..., str]]:
    """Start an app with the hash assistant; ``serve(server={...}, logging={...}, assistant=...)`` varies it."""
    with ExitStack() as stack:

        def start(*, assistant: Any = None, ui: bool = False, **sections: dict[str, Any]) -> str:
            settings = with_sections(hash_settings, **sections)
            return stack.enter_context(serving(settings, assistant or hash_assistant, ui=ui))

        yield start


@pytest.fixture()
def fake() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible endpoint on loopback; a test sets its replies."""
    with running() as server:
        yield server


@pytest.fixture()
def serve_llm(
    serve: Callable[..., str], hash_settings: Any, hash_assistant: Any, fake: FakeOpenAI
) -> Callable[..., str]:
    """Start an app whose answers come from ``fake``: ``serve_llm(openai={...}, answer={...})`` varies the
    endpoint's settings and the answer settings (the assistant's and the server's alike)."""

    def start(*, openai: dict[str, Any] | None = None, answer: dict[str, Any] | None = None) -> str:
        endpoint = hash_settings.answer.openai.model_copy(update={"base_url": fake.base_url, **(openai or {})})
        settings = with_sections(
            hash_settings,
            answer={"provider": "openai", "openai": endpoint, **(answer or {})},
            retrieval={"refusal_threshold": 0.0, "agreement_threshold": 0.0},  # hash similarities mean nothing
        )
        return serve(assistant=Assistant(settings, hash_assistant.embedder), **({"answer": answer} if answer else {}))

    return start


@pytest.fixture(scope="module")
def hash_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server around the hash assistant for a whole module of many small requests."""
    from assistant.service import Assistant

    settings = hash_settings_in(tmp_path_factory.mktemp("hash-server"))
    with serving(settings, Assistant.from_settings(settings)) as url:
        yield url

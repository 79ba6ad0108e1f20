"""Live servers for the web tests: real uvicorn, real sockets, real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from web_support import serving


@pytest.fixture(scope="session")
def real_url(real_settings: Any, assistant: Any) -> Iterator[str]:
    """The app around the real assistant (real model, real chromadb, the real report)."""
    with serving(real_settings, assistant) as url:
        yield url


@pytest.fixture()
def serve(hash_settings: Any, hash_assistant: Any) -> Iterator[Callable[..., str]]:
    """Start an app with the hash assistant; ``serve(server={...}, assistant=...)`` varies it."""
    with ExitStack() as stack:

        def start(*, server: dict[str, Any] | None = None, assistant: Any = None, ui: bool = False) -> str:
            settings = hash_settings
            if server:
                settings = settings.model_copy(update={"server": settings.server.model_copy(update=server)})
            return stack.enter_context(serving(settings, assistant or hash_assistant, ui=ui))

        yield start

"""store.mode: http — the same indexing and search against a real chroma server on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists() and not shutil.which("chroma"):
        pytest.fail("the chroma CLI ships with chromadb and should be in the venv")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _over_http(settings: Settings, port: int) -> Settings:
    return settings.model_copy(update={"store": settings.store.model_copy(update={"mode": "http", "port": port})})


def test_index_and_search_through_a_chroma_server(chroma_server: int, hash_settings: Settings) -> None:
    from assistant.service import Assistant
    from index.embeddings import make_embedder
    from index.library import sync_corpus

    settings = _over_http(hash_settings, chroma_server)
    embedder = make_embedder(settings.embedding)

    first = sync_corpus(settings, embedder)
    again = sync_corpus(settings, embedder)

    assert first.added and first.embedded == first.chunks > 0
    assert not again.changed and again.embedded == 0
    assert not settings.store.path.exists()  # nothing went to the local folder
    passages = Assistant(settings, embedder).search("前三季度全市GDP增长", k=3)
    assert any("5.8%" in p.text for p in passages)


def test_an_unreachable_chroma_server_is_an_assistant_error(hash_settings: Settings) -> None:
    from assistant.errors import AssistantError
    from index.embeddings import make_embedder
    from index.library import sync_corpus

    settings = _over_http(hash_settings, _free_port())
    with pytest.raises(AssistantError, match="chroma store"):
        sync_corpus(settings, make_embedder(settings.embedding))

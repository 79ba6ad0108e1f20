"""store.mode: http — the library on a real chroma server on loopback, shared by several clients."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from chroma_support import ChromaServer, free_port, over_http
from settings_support import with_changes

from core.errors import AssistantError, StoreUnavailable
from core.settings import Settings
from index.embedding.factory import make_embedder
from index.library import add_files, remove_documents, sync_corpus

COUNTY = """青禾县2024年工作报告（虚构文本，仅供测试）

2024年工作回顾

全县地区生产总值增长6.2%，新建高标准农田12万亩，青禾县粮食总产量达到31亿斤。
"""


@pytest.fixture()
def http_settings(chroma_port: int, hash_settings: Settings) -> Settings:
    return over_http(hash_settings, chroma_port, f"t-{uuid.uuid4().hex[:12]}")


def test_index_and_search_through_a_chroma_server(http_settings: Settings) -> None:
    from assistant.service import Assistant

    embedder = make_embedder(http_settings.embedding)
    first = sync_corpus(http_settings, embedder)
    again = sync_corpus(http_settings, embedder)

    assert first.added and first.embedded == first.chunks > 0
    assert not again.changed and again.embedded == 0
    assert not http_settings.store.path.exists()  # nothing went to the local folder
    passages = Assistant(http_settings, embedder).search("前三季度全市GDP增长", k=3)
    assert any("5.8%" in p.text for p in passages)


def test_a_report_added_elsewhere_reaches_a_running_assistant(tmp_path: Path, http_settings: Settings) -> None:
    """Two clients of one chroma server, as two machines would be: the keyword index follows the store."""
    from assistant.service import Assistant

    embedder = make_embedder(http_settings.embedding)
    sync_corpus(http_settings, embedder)
    settings = with_changes(http_settings, store={"refresh_seconds": 0.0})
    running = Assistant(settings, embedder)
    assert running.stats().documents == 1

    county = tmp_path / "qinghe.txt"
    county.write_text(COUNTY, encoding="utf-8")
    add_files(http_settings, make_embedder(http_settings.embedding), [county])  # "another machine"
    hits = running.search("青禾县粮食总产量", k=3)
    assert running.stats().documents == 2 and hits[0].doc == "qinghe"

    remove_documents(http_settings, embedder, ["qinghe"])
    assert all(p.doc != "qinghe" for p in running.search("青禾县粮食总产量", k=5))
    assert running.stats().documents == 1


def test_a_stopped_chroma_server_is_503_until_it_returns(tmp_path: Path, hash_settings: Settings) -> None:
    from assistant.service import Assistant

    server = ChromaServer(tmp_path / "chroma").start()
    try:
        settings = over_http(hash_settings, server.port, "outage")
        embedder = make_embedder(settings.embedding)
        sync_corpus(settings, embedder)
        assistant = Assistant(settings, embedder)
        assert assistant.search("前三季度全市GDP增长", k=1)

        server.stop()
        with pytest.raises(StoreUnavailable) as failure:
            assistant.search("前三季度全市GDP增长", k=1)
        assert failure.value.http_status == 503 and "检索服务暂时不可用" in failure.value.user_message

        server.start()
        assert assistant.search("前三季度全市GDP增长", k=1)  # the same client recovers by itself
    finally:
        server.stop()


def test_an_unreachable_chroma_server_is_an_assistant_error(hash_settings: Settings) -> None:
    settings = over_http(hash_settings, free_port(), "nobody")
    with pytest.raises(AssistantError, match="chroma store"):
        sync_corpus(settings, make_embedder(settings.embedding))

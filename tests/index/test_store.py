"""Indexing into a real chromadb in a temporary folder: idempotent, incremental, safe on bad input.

The hash embedder keeps these fast; one test re-checks idempotence with the real model's index.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import CorpusError, IndexNotBuilt
from assistant.settings import Settings
from index.chunking import Chunk, chunk_document
from index.embeddings import HashEmbedder, TextEmbedder, make_embedder
from index.loader import load_documents
from index.store import IndexReport, build_index, open_store, stored_chunks

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"


class CountingEmbedder(HashEmbedder):
    """The hash embedder, remembering every text it was asked to embed."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.seen: list[str] = []

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        self.seen.extend(texts)
        return super().encode(texts, threads=threads, show_progress=show_progress)


def _with_corpus(settings: Settings, *paths: Path) -> Settings:
    return settings.model_copy(update={"corpus": settings.corpus.model_copy(update={"paths": list(paths)})})


def _copy_report(tmp_path: Path) -> Path:
    copy = tmp_path / "corpus" / REPORT.name
    copy.parent.mkdir()
    shutil.copy(REPORT, copy)
    return copy


def _chunks(settings: Settings) -> dict[str, Chunk]:
    return {c.chunk_id: c for d in load_documents(settings.corpus.paths) for c in chunk_document(d, settings.chunking)}


def _stored(settings: Settings, embedder: TextEmbedder) -> dict[str, dict]:  # type: ignore[type-arg]
    return stored_chunks(open_store(settings.store, embedder, create=False))


@pytest.fixture()
def embedder(hash_settings: Settings) -> CountingEmbedder:
    return CountingEmbedder(hash_settings.embedding)


def test_first_build_then_rebuild_is_a_no_op(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    first = build_index(hash_settings, embedder)
    expected = _chunks(hash_settings)
    assert first == IndexReport(added=len(expected), updated=0, removed=0, unchanged=0)
    ids = set(_stored(hash_settings, embedder))
    assert ids == set(expected)

    embedder.seen.clear()
    second = build_index(hash_settings, embedder)
    assert second == IndexReport(added=0, updated=0, removed=0, unchanged=len(expected))
    assert embedder.seen == []  # nothing re-embedded
    assert set(_stored(hash_settings, embedder)) == ids
    assert second.summary() == f"{len(expected)} chunks: 0 added, 0 moved, 0 removed, {len(expected)} unchanged"


def test_stored_chunks_carry_text_and_metadata(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    build_index(hash_settings, embedder)
    stored = _stored(hash_settings, embedder)
    source = REPORT.read_text(encoding="utf-8")
    for cid, chunk in _chunks(hash_settings).items():
        row = stored[cid]
        assert row["text"] == chunk.text == source[row["start"] : row["end"]]
        assert {k: row[k] for k in chunk.metadata()} == chunk.metadata()


def test_chunks_are_embedded_with_heading_and_topic(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    build_index(hash_settings, embedder)
    chunks = _chunks(hash_settings).values()
    prompt = hash_settings.embedding.passage_prompt
    assert sorted(embedder.seen) == sorted(prompt + c.search_text for c in chunks)


def test_an_edited_paragraph_replaces_exactly_its_chunks(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    report = _copy_report(tmp_path)
    settings = _with_corpus(hash_settings, report)
    build_index(settings, embedder)
    before = _chunks(settings)

    # one character longer: the edited chunks change; everything after them moves by one
    report.write_text(report.read_text(encoding="utf-8").replace("GDP增长5.8%", "GDP增长5.85%"), encoding="utf-8")
    after = _chunks(settings)
    changed = set(after) - set(before)
    moved = {cid for cid in set(after) & set(before) if after[cid].start != before[cid].start}
    assert changed and moved

    embedder.seen.clear()
    result = build_index(settings, embedder)
    assert result.added == result.removed == len(changed) == len(set(before) - set(after))
    assert result.updated == len(moved)
    assert result.unchanged == len(after) - len(changed) - len(moved)
    assert len(embedder.seen) == len(changed)  # moved chunks keep their vectors

    stored = _stored(settings, embedder)
    assert set(stored) == set(after)
    assert any("5.85%" in row["text"] for row in stored.values())
    assert not any("GDP增长5.8%," in row["text"] for row in stored.values())
    for cid in moved:
        assert (stored[cid]["start"], stored[cid]["end"]) == (after[cid].start, after[cid].end)


def test_a_same_length_edit_moves_nothing(tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder) -> None:
    report = _copy_report(tmp_path)
    settings = _with_corpus(hash_settings, report)
    build_index(settings, embedder)
    report.write_text(report.read_text(encoding="utf-8").replace("GDP增长5.8%", "GDP增长6.1%"), encoding="utf-8")
    result = build_index(settings, embedder)
    assert result.added == result.removed >= 1
    assert result.updated == 0
    assert result.total == len(_chunks(settings))


def test_an_inserted_paragraph_moves_the_others_without_re_embedding(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    report = _copy_report(tmp_path)
    settings = _with_corpus(hash_settings, report)
    build_index(settings, embedder)
    before = _chunks(settings)
    inserted = "加快建设现代粮食仓储体系，全年新建和改造粮库十座，新增仓容五十万吨，确保颗粒归仓。"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("夯实粮食生产基础。", f"{inserted}\n\n夯实粮食生产基础。", 1), encoding="utf-8")

    embedder.seen.clear()
    result = build_index(settings, embedder)
    after = _chunks(settings)
    new = set(after) - set(before)
    assert result.added == len(new) == 1 and result.removed == 0
    assert embedder.seen == [settings.embedding.passage_prompt + after[next(iter(new))].search_text]
    later = [cid for cid in before if after[cid].paragraph != before[cid].paragraph]
    assert later and result.updated == len(later)
    stored = _stored(settings, embedder)
    for cid in later:
        assert stored[cid]["paragraph"] == before[cid].paragraph + 1
        assert stored[cid]["start"] == after[cid].start


def test_a_removed_report_section_removes_its_chunks(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    report = _copy_report(tmp_path)
    settings = _with_corpus(hash_settings, report)
    build_index(settings, embedder)
    text = report.read_text(encoding="utf-8")
    report.write_text(text[: text.index("2024目标和举措")], encoding="utf-8")
    result = build_index(settings, embedder)
    assert result.added == 0 and result.removed > 0
    assert all(row["period"] != "2024" for row in _stored(settings, embedder).values())


def test_the_collection_uses_cosine_and_only_our_embedder(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    build_index(hash_settings, embedder)
    store = open_store(hash_settings.store, embedder, create=False)
    collection = store._collection
    assert collection.configuration_json["hnsw"]["space"] == "cosine"
    assert collection._embedding_function is None  # chromadb's default model would download weights
    assert collection.metadata["embedding_model"] == embedder.name
    assert collection.name == hash_settings.store.collection


def test_chromadb_telemetry_is_off(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    build_index(hash_settings, embedder)
    store = open_store(hash_settings.store, embedder, create=False)
    assert store._client.get_settings().anonymized_telemetry is False


def test_a_broken_report_leaves_the_index_intact(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    report = _copy_report(tmp_path)
    settings = _with_corpus(hash_settings, report)
    build_index(settings, embedder)
    before = _stored(settings, embedder)

    report.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError):
        build_index(settings, embedder)
    report.write_bytes("标题\n\n全市经济运行稳中有进，各项指标好于预期。\n".encode("gbk"))
    with pytest.raises(CorpusError):
        build_index(settings, embedder)
    report.unlink()
    with pytest.raises(CorpusError):
        build_index(settings, embedder)
    assert _stored(settings, embedder) == before


def test_a_broken_report_fails_before_the_store_is_created(tmp_path: Path, hash_settings: Settings) -> None:
    settings = _with_corpus(hash_settings, tmp_path / "missing.txt")
    with pytest.raises(CorpusError):
        build_index(settings, HashEmbedder(settings.embedding))
    assert not settings.store.path.exists()


def test_opening_a_missing_index_says_how_to_build_it(hash_settings: Settings) -> None:
    with pytest.raises(IndexNotBuilt, match="assistant index"):
        open_store(hash_settings.store, HashEmbedder(hash_settings.embedding), create=False)


def test_a_different_embedding_model_rebuilds_the_collection(
    hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    build_index(hash_settings, embedder)
    other = make_embedder(hash_settings.embedding.model_copy(update={"model": "another-hash"}))
    assert other.name != embedder.name
    result = build_index(hash_settings, other)
    total = len(_chunks(hash_settings))
    assert result == IndexReport(added=total, updated=0, removed=0, unchanged=0)
    assert open_store(hash_settings.store, other, create=False)._collection.metadata["embedding_model"] == other.name


@pytest.mark.slow
def test_the_real_model_index_is_up_to_date(assistant, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """The session's real index (e5, real chromadb): building again embeds nothing."""
    result = build_index(real_settings, assistant.embedder)
    assert result.added == result.updated == result.removed == 0
    assert result.unchanged == assistant.stats().chunks == len(_chunks(real_settings))
    collection = open_store(real_settings.store, assistant.embedder, create=False)._collection
    assert collection.metadata["embedding_model"] == assistant.embedder.name
    assert collection.configuration_json["hnsw"]["space"] == "cosine"

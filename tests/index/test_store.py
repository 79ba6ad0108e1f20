"""The library in a real chromadb in a temporary folder: generations, reuse of vectors, safe changes.

The hash embedder keeps these fast; one test re-checks idempotence with the real model's index.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from settings_support import with_changes
from store_support import collections_named

from core.errors import AssistantError, CorpusError, IndexNotBuilt
from core.settings import Settings
from index.chunking import Chunk, chunk_document
from index.embedding.base import TextEmbedder
from index.embedding.factory import make_embedder
from index.embedding.hash_embedder import HashEmbedder
from index.library import add_files, list_documents, rebuild, remove_documents, sync_corpus
from index.loader import load_documents
from index.store import Library, Snapshot

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
COUNTY = """青禾县2024年政府工作报告（测试用虚构文本）

2024年工作回顾

全县地区生产总值增长6.2%，规模以上工业增加值增长8.1%。

新建高标准农田12万亩，粮食总产量达到31亿斤。

2025年主要目标

地区生产总值增长6%左右，新建高标准农田10万亩。
"""


class CountingEmbedder(HashEmbedder):
    """The hash embedder, remembering every text it was asked to embed."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.seen: list[str] = []
        self.fail_after: int | None = None  # simulate a crash after this many texts

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        if self.fail_after is not None and len(self.seen) + len(texts) > self.fail_after:
            raise KeyboardInterrupt("killed while embedding")
        self.seen.extend(texts)
        return super().encode(texts, threads=threads, show_progress=show_progress)


def _with_corpus(settings: Settings, *paths: Path) -> Settings:
    return with_changes(settings, corpus={"paths": list(paths)})


def _copy_report(tmp_path: Path) -> Path:
    copy = tmp_path / "corpus" / REPORT.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(REPORT, copy)
    return copy


def _county(tmp_path: Path) -> Path:
    path = tmp_path / "qinghe-2024.txt"
    path.write_text(COUNTY, encoding="utf-8")
    return path


def _chunks(settings: Settings, *paths: Path) -> dict[str, Chunk]:
    docs = load_documents(list(paths) or settings.corpus.paths)
    return {c.chunk_id: c for d in docs for c in chunk_document(d, settings.chunking)}


def _live(settings: Settings, embedder: TextEmbedder) -> Snapshot:
    return Library(settings.store, embedder).read()


@pytest.fixture()
def embedder(hash_settings: Settings) -> CountingEmbedder:
    return CountingEmbedder(hash_settings.embedding)


def test_first_sync_then_again_is_a_no_op(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    first = sync_corpus(hash_settings, embedder)
    expected = _chunks(hash_settings)
    assert first.added == [REPORT.stem] and first.embedded == first.chunks == len(expected)
    live = _live(hash_settings, embedder)
    assert set(live.chunks) == set(expected) and live.generation == first.generation

    embedder.seen.clear()
    second = sync_corpus(hash_settings, embedder)
    assert not second.changed and second.unchanged == [REPORT.stem]
    assert embedder.seen == []  # nothing re-embedded
    assert _live(hash_settings, embedder).generation == first.generation  # and nothing rewritten
    assert second.summary() == (
        f"1 document(s), {len(expected)} chunks: 0 added, 0 updated, 0 removed, 1 unchanged; 0 chunks embedded"
    )


def test_stored_chunks_point_into_the_stored_report_text(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    sync_corpus(hash_settings, embedder)
    live = _live(hash_settings, embedder)
    doc = live.documents[REPORT.stem]
    assert doc.text == REPORT.read_text(encoding="utf-8")
    assert doc.chunks == len(live.chunks) and doc.origin == "corpus" and doc.sha
    for cid, chunk in _chunks(hash_settings).items():
        row = live.chunks[cid]
        assert row["text"] == chunk.text == doc.text[row["start"] : row["end"]]
        assert {k: row[k] for k in chunk.metadata()} == chunk.metadata()


def test_chunks_are_embedded_with_heading_and_topic(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    sync_corpus(hash_settings, embedder)
    prompt = hash_settings.embedding.passage_prompt
    assert sorted(embedder.seen) == sorted(prompt + c.search_text for c in _chunks(hash_settings).values())


def test_an_edited_report_re_embeds_only_its_changed_chunks(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    report = _copy_report(tmp_path)
    settings = _with_corpus(hash_settings, report)
    first = sync_corpus(settings, embedder)
    before = _chunks(settings)
    report.write_text(report.read_text(encoding="utf-8").replace("GDP增长5.8%", "GDP增长5.85%"), encoding="utf-8")
    after = _chunks(settings)
    changed = set(after) - set(before)
    assert changed

    embedder.seen.clear()
    result = sync_corpus(settings, embedder)
    assert result.updated == [report.stem] and result.embedded == len(changed) == len(embedder.seen)
    assert result.generation != first.generation
    live = _live(settings, embedder)
    assert set(live.chunks) == set(after)
    assert any("5.85%" in row["text"] for row in live.chunks.values())
    moved = [cid for cid in set(after) & set(before) if after[cid].start != before[cid].start]
    assert moved and all(live.chunks[cid]["start"] == after[cid].start for cid in moved)
    # the vectors of unchanged chunks were copied, not recomputed
    same = next(iter(set(after) & set(before)))
    stored = live.vectors.get(ids=[same], include=["embeddings"])["embeddings"]
    assert stored is not None
    expected = embedder.embed_passages([after[same].search_text])[0]
    assert np.allclose(stored[0], expected, atol=1e-6)


def test_reports_are_added_and_removed_without_touching_the_others(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    sync_corpus(hash_settings, embedder)
    county = _county(tmp_path)
    embedder.seen.clear()
    added = add_files(hash_settings, embedder, [county])
    assert added.added == [county.stem] and added.unchanged == [REPORT.stem]
    assert len(embedder.seen) == len(_chunks(hash_settings, county))  # only the new report was embedded
    listed = {d.doc_id: d for d in list_documents(hash_settings, embedder)}
    assert set(listed) == {REPORT.stem, county.stem} and listed[county.stem].origin == "added"
    assert listed[county.stem].title.startswith("青禾县")

    # the config's sync keeps reports added by hand
    assert not sync_corpus(hash_settings, embedder).changed

    embedder.seen.clear()
    removed = remove_documents(hash_settings, embedder, [county.stem])
    assert removed.removed == [county.stem] and embedder.seen == []
    live = _live(hash_settings, embedder)
    assert set(live.documents) == {REPORT.stem}
    assert {row["doc"] for row in live.chunks.values()} == {REPORT.stem}
    with pytest.raises(AssistantError, match="no such document"):
        remove_documents(hash_settings, embedder, ["nonexistent"])


def test_a_report_dropped_from_the_config_leaves_the_library(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    county = _county(tmp_path)
    report = _copy_report(tmp_path)
    sync_corpus(_with_corpus(hash_settings, report, county), embedder)
    result = sync_corpus(_with_corpus(hash_settings, report), embedder)
    assert result.removed == [county.stem] and result.unchanged == [report.stem]


def test_a_crash_while_indexing_leaves_the_previous_index_live(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    sync_corpus(hash_settings, embedder)
    before = _live(hash_settings, embedder)
    embedder.fail_after = len(embedder.seen) + 1
    with pytest.raises(KeyboardInterrupt):
        add_files(hash_settings, embedder, [_county(tmp_path)])
    after = _live(hash_settings, embedder)
    assert after.generation == before.generation and set(after.chunks) == set(before.chunks)
    library = Library(hash_settings.store, embedder)
    crashed = set(library.db.collection_names()) - collections_named(library, before.generation)
    assert crashed  # the half-written segment is there …

    embedder.fail_after = None
    add_files(hash_settings, embedder, [_county(tmp_path)])
    names = set(library.db.collection_names())
    live = library.generation()
    assert names == collections_named(library, live, before.generation)  # the live generation and the one before …
    assert not names & crashed  # … and nothing of the crashed one


def test_rebuild_re_embeds_everything_into_a_new_generation(
    hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    first = sync_corpus(hash_settings, embedder)
    embedder.seen.clear()
    again = rebuild(hash_settings, embedder)
    assert again.generation != first.generation and again.embedded == first.chunks == len(embedder.seen)
    assert set(_live(hash_settings, embedder).chunks) == set(_chunks(hash_settings))


# Looking for an embedding function, chromadb warns about its own config format; nothing of ours.
@pytest.mark.filterwarnings("ignore:legacy embedding function config:DeprecationWarning")
def test_the_collections_use_cosine_and_only_our_embedder(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    sync_corpus(hash_settings, embedder)
    library = Library(hash_settings.store, embedder)
    (collection,) = library.read().vectors.collections  # one change, one segment
    assert collection.configuration_json["hnsw"]["space"] == "cosine"
    with pytest.raises(ValueError, match="embedding function"):  # chromadb's default model would download weights
        collection.query(query_texts=["查干湖"], n_results=1)
    assert collection.metadata["embedding_model"] == embedder.name
    assert library.head()["embedding_model"] == embedder.name
    assert library.client.get_settings().anonymized_telemetry is False


def test_a_broken_report_leaves_the_index_intact(
    tmp_path: Path, hash_settings: Settings, embedder: CountingEmbedder
) -> None:
    report = _copy_report(tmp_path)
    settings = _with_corpus(hash_settings, report)
    sync_corpus(settings, embedder)
    before = _live(settings, embedder)

    report.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError):
        sync_corpus(settings, embedder)
    report.write_bytes("标题\n\n全市经济运行稳中有进，各项指标好于预期。\n".encode("gbk"))
    with pytest.raises(CorpusError):
        sync_corpus(settings, embedder)
    report.unlink()
    with pytest.raises(CorpusError):
        sync_corpus(settings, embedder)
    after = _live(settings, embedder)
    assert after.generation == before.generation and after.chunks == before.chunks


def test_a_broken_report_fails_before_the_store_is_created(tmp_path: Path, hash_settings: Settings) -> None:
    settings = _with_corpus(hash_settings, tmp_path / "missing.txt")
    with pytest.raises(CorpusError):
        sync_corpus(settings, HashEmbedder(settings.embedding))
    assert not settings.store.path.exists()


def test_reading_a_missing_index_says_how_to_build_it(hash_settings: Settings) -> None:
    with pytest.raises(IndexNotBuilt, match="assistant index"):
        Library(hash_settings.store, HashEmbedder(hash_settings.embedding)).read()


def test_a_different_embedding_model_re_embeds_everything(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    sync_corpus(hash_settings, embedder)
    other = make_embedder(hash_settings.embedding.model_copy(update={"model": "another-hash"}))
    assert other.name != embedder.name
    result = sync_corpus(hash_settings, other)
    assert result.embedded == result.chunks == len(_chunks(hash_settings))
    assert Library(hash_settings.store, other).head()["embedding_model"] == other.name


def test_an_index_from_before_generations_is_replaced(hash_settings: Settings, embedder: CountingEmbedder) -> None:
    library = Library(hash_settings.store, embedder)
    legacy = library.client.create_collection(hash_settings.store.collection, metadata={"embedding_model": "old"})
    legacy.add(ids=["x"], embeddings=[[1.0, 0.0]], documents=["旧的索引"])
    result = sync_corpus(hash_settings, embedder)
    assert result.added == [REPORT.stem]
    assert library.client.get_collection(hash_settings.store.collection).count() == 0
    assert set(_live(hash_settings, embedder).chunks) == set(_chunks(hash_settings))


@pytest.mark.slow
def test_the_real_model_index_is_up_to_date(assistant, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """The session's real index (e5, real chromadb): syncing again embeds nothing."""
    result = sync_corpus(real_settings, assistant.embedder)
    assert not result.changed and result.embedded == 0
    assert result.chunks == assistant.stats().chunks == len(_chunks(real_settings))
    library = Library(real_settings.store, assistant.embedder)
    assert library.head()["embedding_model"] == assistant.embedder.name
    assert all(c.configuration_json["hnsw"]["space"] == "cosine" for c in library.read().vectors.collections)

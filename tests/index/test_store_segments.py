"""A change costs its own size: adding a report writes a segment with its chunks only, removing one
writes only a manifest; too many segments fold together; an index from before segments opens and is
copied into segments by the next change."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from index.library import add_files, remove_documents, sync_corpus
from index.store import Library, compaction
from index.store.reading import read_layout

SEED = "songyuan-2023-plenary-report"
COUNTY = (
    "{name}2024年工作报告（虚构）\n\n全县地区生产总值增长6.{n}%，新建高标准农田1{n}万亩。\n\n"
    "{name}的粮食总产量达到3{n}亿斤。\n"
)


def _report(folder: Path, n: int) -> Path:
    path = folder / f"county-{n}.txt"
    path.write_text(COUNTY.format(name=f"第{n}县", n=n), encoding="utf-8")
    return path


def _segment_sizes(library: Library) -> dict[str, int]:
    layout = read_layout(library.db, library.generation())
    return {seg: library.db.collection(library.db.segment(seg)[1]).count() for seg in set(layout.placed.values())}


def test_adding_a_report_writes_only_its_own_chunks(library: Library, hash_settings: Settings, tmp_path: Path) -> None:
    before = _segment_sizes(library)
    result = add_files(hash_settings, library.embedder, [_report(tmp_path, 1)])
    after = _segment_sizes(library)
    assert set(before) < set(after)  # the library's segment is kept as it is, not copied
    (new,) = set(after) - set(before)
    assert (
        after[new]
        == result.chunks - sum(before.values())
        == len([c for c in library.read().chunks.values() if c["doc"] == "county-1"])
    )


def test_removing_a_report_writes_only_a_manifest(library: Library, hash_settings: Settings, tmp_path: Path) -> None:
    add_files(hash_settings, library.embedder, [_report(tmp_path, 1)])
    before = _segment_sizes(library)
    remove_documents(hash_settings, library.embedder, ["county-1"])
    after = _segment_sizes(library)
    assert set(after) < set(before)  # no segment written; the report's own segment is no longer named
    snapshot = library.read()
    assert {row["doc"] for row in snapshot.chunks.values()} == set(snapshot.documents) == {SEED}


def test_a_removed_report_in_a_shared_segment_is_never_found(
    library: Library, hash_settings: Settings, tmp_path: Path
) -> None:
    add_files(hash_settings, library.embedder, [_report(tmp_path, 1), _report(tmp_path, 2)])  # one segment, both
    remove_documents(hash_settings, library.embedder, ["county-1"])
    snapshot = library.read()
    assert "county-1" not in snapshot.documents and "county-2" in snapshot.documents
    assert all(row["doc"] != "county-1" for row in snapshot.chunks.values())
    vector = library.embedder.embed_queries(["第1县的粮食总产量"])[0].tolist()
    found = snapshot.vectors.query([vector], n_results=len(snapshot.chunks) + 10)["ids"][0]
    assert set(found) == set(snapshot.chunks)  # every live chunk, and none of the removed report


def test_too_many_segments_fold_the_smallest_together(
    library: Library, hash_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compaction, "MAX_SEGMENTS", 3)
    for n in range(1, 6):
        add_files(hash_settings, library.embedder, [_report(tmp_path, n)])
        assert len(_segment_sizes(library)) <= 3
    snapshot = library.read()
    assert set(snapshot.documents) == {SEED, *(f"county-{n}" for n in range(1, 6))}
    assert {row["doc"] for row in snapshot.chunks.values()} == set(snapshot.documents)


def _to_layout_2(library: Library) -> str:
    """Rewrite the live generation as an index from before segments: ``-g{gen}-docs`` with the texts,
    ``-g{gen}-chunks`` with the chunks, the head at layout 2."""
    db, snapshot = library.db, library.read()
    generation = "abc123"
    docs = db.create(db.manifest(generation), {"embedding_model": library.embedder.name})
    for doc in snapshot.documents.values():
        docs.add(ids=[doc.doc_id], embeddings=[[1.0]], documents=[doc.text], metadatas=[doc.metadata()])
    chunks = db.create(f"{db.generation_prefix}{generation}-chunks", {"embedding_model": library.embedder.name})
    rows = snapshot.vectors.get(ids=sorted(snapshot.chunks), include=["documents", "metadatas", "embeddings"])
    metadatas = [{k: v for k, v in m.items() if k != "tokens"} for m in rows["metadatas"]]
    chunks.add(ids=rows["ids"], embeddings=rows["embeddings"], documents=rows["documents"], metadatas=metadatas)
    head = db.client.get_collection(db.head_name)
    head.modify(metadata={**(head.metadata or {}), "generation": generation, "layout": 2})
    return generation


def test_an_index_from_before_segments_opens_then_is_copied_once(library: Library, hash_settings: Settings) -> None:
    expected = library.read()
    generation = _to_layout_2(library)
    legacy = library.read()
    assert legacy.generation == generation and set(legacy.chunks) == set(expected.chunks)
    assert legacy.documents == expected.documents

    sync_corpus(hash_settings, library.embedder)
    migrated = library.generation()
    assert migrated != generation and not read_layout(library.db, migrated).legacy
    assert set(library.read().chunks) == set(expected.chunks)
    sync_corpus(hash_settings, library.embedder)
    assert library.generation() == migrated  # once


def test_collecting_garbage_leaves_other_collections_alone(
    library: Library, hash_settings: Settings, tmp_path: Path
) -> None:
    other = library.db.create(f"{library.db.head_name}-staging-docs", {"owner": "another app"})  # named alike
    add_files(hash_settings, library.embedder, [_report(tmp_path, 1)])
    remove_documents(hash_settings, library.embedder, ["county-1"])
    assert other.name in library.db.collection_names()


def test_record_collections_are_persisted_as_written(library: Library) -> None:
    """chromadb replays a collection's unpersisted writes on every open: reports and manifests are
    written once and persisted at once (the docs of 2,000 reports took 8 s of each restart)."""
    layout = read_layout(library.db, library.generation())
    [segment] = set(layout.placed.values())
    docs, chunks = (library.db.collection(name) for name in library.db.segment(segment))
    manifest = library.db.collection(library.db.manifest(library.generation()))
    for collection in (docs, manifest):
        assert collection.configuration_json["hnsw"]["sync_threshold"] == 2
    assert chunks.configuration_json["hnsw"]["sync_threshold"] == 1000  # vectors: chromadb's batching

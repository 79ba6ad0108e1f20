"""A corpus larger than chromadb's batch limit is written and read batch by batch (here with a limit of 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import chromadb.api.client
import numpy as np
import pytest
from settings_support import with_changes

from core.settings import Settings
from index.chunking import chunk_document
from index.embedding.hash_embedder import HashEmbedder
from index.library import sync_corpus
from index.loader import load_documents
from index.store import Library

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
LIMIT = 7


class BatchRecorder(HashEmbedder):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.batches: list[int] = []

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        self.batches.append(len(texts))
        return super().encode(texts, threads=threads, show_progress=show_progress)


def test_more_chunks_than_one_batch_are_all_stored_then_removed(
    hash_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chromadb.api.client.Client, "get_max_batch_size", lambda self: LIMIT)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / REPORT.name)
    settings = with_changes(hash_settings, corpus={"paths": [corpus]})
    embedder = BatchRecorder(settings.embedding)
    report = sync_corpus(settings, embedder)
    expected = {c.chunk_id for c in chunk_document(load_documents([corpus])[0], settings.chunking)}
    assert report.embedded == report.chunks == len(expected) > 3 * LIMIT
    assert max(embedder.batches) <= LIMIT and sum(embedder.batches) == len(expected)
    assert set(Library(settings.store, embedder).read().chunks) == expected

    other = "另一份报告\n\n只有一段正文，说的是2023年的别的事情，和前面那份报告没有一句相同的话。\n"
    (corpus / REPORT.name).write_text(other, encoding="utf-8")
    report = sync_corpus(settings, embedder)
    assert report.updated == [REPORT.stem] and report.chunks == 1
    assert len(Library(settings.store, embedder).read().chunks) == 1

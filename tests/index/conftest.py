"""Shared by the index tests: a library in a real chromadb folder, built from the seed report."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from index.embedding.hash_embedder import HashEmbedder
from index.library import add_files, sync_corpus
from index.store import Library, compaction


@pytest.fixture()
def library(hash_settings: Settings) -> Library:
    """The seed report's library, embedded by the hash embedder (exact and fast: the store is tested)."""
    embedder = HashEmbedder(hash_settings.embedding)
    sync_corpus(hash_settings, embedder)
    return Library(hash_settings.store, embedder)


COUNTY = "第{n}县2024年工作报告（虚构）\n\n一、经济运行\n\n全县地区生产总值增长6.{n}%。新建高标准农田1{n}万亩。\n"


@pytest.fixture()
def folded(library: Library, hash_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """The seed report and three small county reports (county-1…3) added one by one, with at most two
    segments: every change folds segments together and copies the reports in them."""
    monkeypatch.setattr(compaction, "MAX_SEGMENTS", 2)
    for n in range(1, 4):
        path = tmp_path / f"county-{n}.txt"
        path.write_text(COUNTY.format(n=n), encoding="utf-8")
        add_files(hash_settings, library.embedder, [path])
    return library

"""What `assistant index …` does to the library: sync with config.yaml, add, remove, rebuild, list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.settings import Settings
from index.embedding.base import TextEmbedder
from index.loader import load_corpus, load_documents
from index.store import Incoming, IndexReport, Library, StoredDocument

Progress = Callable[[str], None]


def _load(settings: Settings, paths: list[Path]) -> list[Incoming]:
    """Reports with config.yaml's per-report corrections (title, year, source) applied; a report
    whose file names no year counts as corpus.report_year's."""
    corpus = settings.corpus
    return [Incoming(doc) for doc in load_documents(paths, corpus.documents, fallback_year=corpus.report_year)]


def sync_corpus(settings: Settings, embedder: TextEmbedder, progress: Progress | None = None) -> IndexReport:
    """Bring the library in line with ``corpus.paths``: new and changed reports are (re)indexed,
    reports the config no longer lists are removed; reports added by hand stay. Cheap when
    nothing changed. Files are read before the store is touched, so a bad file changes nothing."""
    incoming = [Incoming(doc) for doc in load_corpus(settings.corpus)]
    return Library(settings.store, embedder).apply(
        incoming, chunking=settings.chunking, prune_origin="corpus", progress=progress
    )


def add_files(
    settings: Settings, embedder: TextEmbedder, files: list[Path], progress: Progress | None = None
) -> IndexReport:
    """Add reports (or replace those with the same id) without touching the others."""
    incoming = [Incoming(item.document, origin="added") for item in _load(settings, files)]
    return Library(settings.store, embedder).apply(incoming, chunking=settings.chunking, progress=progress)


def remove_documents(
    settings: Settings, embedder: TextEmbedder, doc_ids: list[str], progress: Progress | None = None
) -> IndexReport:
    return Library(settings.store, embedder).apply([], doc_ids, chunking=settings.chunking, progress=progress)


def rebuild(settings: Settings, embedder: TextEmbedder, progress: Progress | None = None) -> IndexReport:
    """Chunk and embed every report again (after a model or chunking change), from the text the
    library keeps, in a new generation; the live one answers until the swap."""
    return Library(settings.store, embedder).apply([], chunking=settings.chunking, reembed=True, progress=progress)


def list_documents(settings: Settings, embedder: TextEmbedder) -> list[StoredDocument]:
    return Library(settings.store, embedder).documents()

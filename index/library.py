"""What `assistant index …` does to the library: sync with config.yaml, add, remove, rebuild, list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.settings import Settings
from index.embeddings import TextEmbedder
from index.loader import load_documents
from index.store import Incoming, IndexReport, Library, StoredDocument

Progress = Callable[[str], None]


def _load(settings: Settings, paths: list[Path]) -> list[Incoming]:
    return [Incoming(doc) for doc in load_documents(paths, **_overrides(settings))]


def _overrides(settings: Settings) -> dict[str, object]:
    """Per-document title/year/source from config.yaml, where the loader takes them."""
    documents = getattr(settings.corpus, "documents", None)
    return {"overrides": documents} if documents is not None else {}


def sync_corpus(settings: Settings, embedder: TextEmbedder, progress: Progress | None = None) -> IndexReport:
    """Bring the library in line with ``corpus.paths``: new and changed reports are (re)indexed,
    reports the config no longer lists are removed; reports added by hand stay. Cheap when
    nothing changed. Files are read before the store is touched, so a bad file changes nothing."""
    incoming = _load(settings, settings.corpus.paths)
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

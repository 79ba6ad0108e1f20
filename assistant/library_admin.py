"""Changing the library, as the operators' edges ask for it (`assistant index …`, before serving).

The embedding model is loaded only when a change needs new vectors (LazyEmbedder): listing the
reports, or a sync with nothing new, starts in a second.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from core.settings import Settings
from index import library
from index.embedding.factory import LazyEmbedder
from index.embedding.model_files import prepare_model
from index.store import IndexReport, StoredDocument

Progress = Callable[[str], None]
Change = Literal["sync", "add", "remove", "rebuild"]


def change_library(
    settings: Settings,
    change: Change,
    *,
    files: list[Path] | None = None,
    doc_ids: list[str] | None = None,
    progress: Progress | None = None,
) -> IndexReport:
    """``sync`` with config.yaml's corpus, ``add`` report files, ``remove`` reports by id, or ``rebuild``."""
    embedder = LazyEmbedder(settings.embedding, progress)
    match change:
        case "sync":
            return library.sync_corpus(settings, embedder, progress)
        case "add":
            return library.add_files(settings, embedder, files or [], progress)
        case "remove":
            return library.remove_documents(settings, embedder, doc_ids or [], progress)
        case "rebuild":
            return library.rebuild(settings, embedder, progress)


def list_reports(settings: Settings) -> list[StoredDocument]:
    return library.list_documents(settings, LazyEmbedder(settings.embedding))


def prepare_to_serve(settings: Settings, progress: Progress | None = None) -> None:
    """Before several workers start: the index up to date and the model on disk, done once here rather
    than raced by every worker."""
    change_library(settings, "sync", progress=progress)
    prepare_model(settings.embedding, progress)

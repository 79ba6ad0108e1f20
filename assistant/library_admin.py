"""Changing the library, as the operators' edges ask for it (`assistant index …`, before serving).

The embedding model is loaded only when a change needs new vectors (LazyEmbedder): listing the
reports, or a sync with nothing new, starts in a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from core.errors import CorpusError
from core.settings import Settings
from index import library
from index.chunking import chunk_document
from index.embedding.base import TextEmbedder
from index.embedding.factory import LazyEmbedder
from index.embedding.model_files import prepare_model
from index.loader import load_documents
from index.outline_tree import OutlineNode, build_outline
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
    embedder: TextEmbedder | None = None,
) -> IndexReport:
    """``sync`` with config.yaml's corpus, ``add`` report files, ``remove`` reports by id, or ``rebuild``.
    ``embedder``: a model already loaded (the server's), instead of loading one when vectors are needed."""
    embedder = embedder or LazyEmbedder(settings.embedding, progress)
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


@dataclass(frozen=True)
class PreviewChunk:
    section: str
    paragraph: int
    text: str


@dataclass(frozen=True)
class PreviewHeading:
    level: int  # 1 for the top sections
    title: str  # with its number: "（一）经济运行稳中向好"
    paragraphs: int  # directly under it


@dataclass(frozen=True)
class ReportPreview:
    """How a report file would go into the library: its facts, outline and chunks, before it does."""

    doc_id: str
    title: str
    year: int
    date: str
    source_line: str
    format: str
    paragraphs: int
    outline: list[PreviewHeading] = field(default_factory=list)
    chunks: list[PreviewChunk] = field(default_factory=list)


def preview_report(settings: Settings, path: Path) -> ReportPreview:
    """Read and split ``path`` exactly as ``change_library(settings, "add", files=[path])`` would,
    without touching the library. A file with nothing to index raises CorpusError."""
    corpus = settings.corpus
    doc = load_documents([path], corpus.documents, fallback_year=corpus.report_year)[0]
    chunks = chunk_document(doc, settings.chunking)
    if not chunks:
        raise CorpusError(f"{path.name}: no paragraphs to index", user_message="报告中没有可检索的正文段落。")
    headings = [PreviewHeading(n.level, n.number + n.title, len(n.points)) for n in _walk(build_outline(doc))]
    return ReportPreview(
        doc_id=doc.doc_id,
        title=doc.title,
        year=doc.year,
        date=doc.date,
        source_line=doc.source_line,
        format=doc.format,
        paragraphs=len(doc.paragraphs),
        outline=headings,
        chunks=[PreviewChunk(c.section_path, c.paragraph, c.text) for c in chunks],
    )


def _walk(root: OutlineNode) -> list[OutlineNode]:
    return [node for node in root.walk() if node.level > 0]

"""The library's records: a report as stored, one on its way in, what a change did, a generation as read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from index.loader import Document

if TYPE_CHECKING:
    from index.store.segments import Segments


@dataclass(frozen=True)
class StoredDocument:
    """A report as the library keeps it: the text every chunk's offsets point into, and its facts."""

    doc_id: str
    title: str
    text: str
    year: int = 0
    date: str = ""
    source_line: str = ""
    format: str = "txt"
    origin: str = "corpus"  # from config.yaml's corpus.paths, or "added" by `assistant index add`
    sha: str = ""  # of the text and the facts: a change in either re-indexes the report
    chunks: int = 0
    added_at: str = ""

    def metadata(self) -> dict[str, str | int]:
        return {
            "title": self.title,
            "year": self.year,
            "date": self.date,
            "source_line": self.source_line,
            "format": self.format,
            "origin": self.origin,
            "sha": self.sha,
            "chunks": self.chunks,
            "added_at": self.added_at,
        }

    @classmethod
    def from_record(cls, doc_id: str, text: str, meta: dict[str, Any]) -> StoredDocument:
        return cls(doc_id=doc_id, text=text, **{k: meta[k] for k in cls.__dataclass_fields__ if k in meta})


@dataclass(frozen=True)
class Incoming:
    """A parsed report on its way into the library."""

    document: Document
    origin: str = "corpus"

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    def stored(self, chunks: int) -> StoredDocument:
        doc = self.document
        facts = {
            "title": doc.title,
            "year": doc.year,
            "date": doc.date,
            "source_line": doc.source_line,
            "format": doc.format or "txt",
        }
        return StoredDocument(
            doc_id=doc.doc_id,
            text=doc.source,
            origin=self.origin,
            sha=fingerprint(doc.source, facts),
            chunks=chunks,
            added_at=datetime.now(UTC).isoformat(timespec="seconds"),
            **facts,  # type: ignore[arg-type]
        )


def fingerprint(text: str, facts: dict[str, Any]) -> str:
    key = text + "\x1f" + "\x1f".join(f"{k}={facts[k]}" for k in sorted(facts))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class IndexReport:
    added: list[str] = field(default_factory=list)  # document ids
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    chunks: int = 0  # in the live generation afterwards
    embedded: int = 0  # chunks embedded by this change; the rest reused their vectors
    generation: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        docs = len(self.added) + len(self.updated) + len(self.unchanged)
        return (
            f"{docs} document(s), {self.chunks} chunks: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged; {self.embedded} chunks embedded"
        )


@dataclass(frozen=True)
class Snapshot:
    """One generation, as read: its documents, its chunks' text and metadata, and its vectors."""

    generation: str
    documents: dict[str, StoredDocument]
    chunks: dict[str, dict[str, Any]]  # id → {text, **metadata}
    vectors: Segments  # the generation's chunks collections (cosine space, no embedding function)

    def nearest(self, vector: list[float], n: int, where: dict[str, Any] | None = None) -> dict[str, float]:
        """The ``n`` chunks nearest ``vector`` (``where`` filters on chunk metadata): id → cosine distance.

        Ids and distances only: the caller holds the passages in memory, and fetching their text and
        metadata too costs 3x."""
        found: Any = self.vectors.query(
            query_embeddings=[vector],  # type: ignore[arg-type]  # chromadb types a list of one vector narrowly
            n_results=n,
            where=where,  # type: ignore[arg-type]
            include=["distances"],  # type: ignore[list-item]
        )
        return dict(zip(found["ids"][0], found["distances"][0], strict=True))

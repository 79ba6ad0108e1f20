"""What the next generation holds: which reports are kept as they are, which are (re)written or removed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from core.errors import UnknownDocument
from core.settings import ChunkingSettings
from index.chunking import Chunk, chunk_document
from index.store.records import Incoming, IndexReport, StoredDocument


class Plan:
    """Reports kept as they are (where they are), and reports (re)written."""

    def __init__(self) -> None:
        self.kept: dict[str, StoredDocument] = {}
        self.stored: list[StoredDocument] = []
        self.new_chunks: list[Chunk] = []
        self.added: list[str] = []
        self.updated: list[str] = []
        self.removed: list[str] = []
        self.rechunked: set[str] = set()
        self.embedded = 0

    def keep(self, doc: StoredDocument) -> None:
        self.kept[doc.doc_id] = doc

    def write(self, doc: StoredDocument, chunks: list[Chunk]) -> None:
        self.stored.append(doc)
        self.new_chunks.extend(chunks)

    def rechunk(self, doc: StoredDocument, chunking: ChunkingSettings) -> None:
        """Re-embedding: chunk a kept report again from its stored text."""
        from index.loader import document_from_stored

        del self.kept[doc.doc_id]
        document = document_from_stored(doc)
        chunks = chunk_document(document, chunking)
        self.rechunked.add(doc.doc_id)
        self.write(doc, chunks)

    @property
    def chunk_count(self) -> int:
        return sum(doc.chunks for doc in self.kept.values()) + len(self.new_chunks)

    def changes(self, reembed: bool) -> bool:
        return bool(self.added or self.updated or self.removed or reembed)

    def report(self, generation: str) -> IndexReport:
        return IndexReport(
            added=sorted(self.added),
            updated=sorted(self.updated),
            removed=sorted(self.removed),
            unchanged=sorted(set(self.kept) | self.rechunked),
            chunks=self.chunk_count,
            embedded=self.embedded,
            generation=generation,
        )


def plan_change(
    old_docs: dict[str, StoredDocument],
    incoming: Iterable[Incoming],
    remove: Iterable[str],
    *,
    chunking: ChunkingSettings,
    reembed: bool,
    prune_origin: str | None,
) -> Plan:
    """The live generation's reports ``old_docs`` with ``incoming`` added or replaced and ``remove`` taken
    out (and, with ``prune_origin``, every report of that origin not in ``incoming``)."""
    wanted = {item.doc_id: item for item in incoming}
    gone = _gone(old_docs, wanted, set(remove), prune_origin)
    plan = Plan()
    for doc_id, doc in old_docs.items():
        if doc_id in gone:
            plan.removed.append(doc_id)
        elif doc_id not in wanted:
            plan.keep(doc)
    for doc_id, item in wanted.items():
        _take(plan, item, old_docs.get(doc_id), chunking=chunking, reembed=reembed)
    if reembed:
        for doc in list(plan.kept.values()):
            plan.rechunk(doc, chunking)
    return plan


def _gone(
    old_docs: dict[str, StoredDocument], wanted: dict[str, Incoming], remove: set[str], prune_origin: str | None
) -> set[str]:
    unknown = remove - set(old_docs)
    if unknown:
        raise UnknownDocument(f"no such document(s) in the index: {', '.join(sorted(unknown))}")
    if prune_origin:
        remove |= {d for d, doc in old_docs.items() if doc.origin == prune_origin and d not in wanted}
    return remove


def _take(
    plan: Plan,
    item: Incoming,
    before: StoredDocument | None,
    *,
    chunking: ChunkingSettings,
    reembed: bool,
) -> None:
    """An incoming report: kept as it is when nothing changed, else written (added or updated). Chunked
    only then: a restart's check of 2,000 unchanged reports spent 5 s chunking them."""
    stored = item.stored(0)
    if before is not None and before.sha == stored.sha and not reembed:
        plan.keep(before)
        return
    chunks = chunk_document(item.document, chunking)
    stored = replace(stored, chunks=len(chunks))
    if before is not None and before.origin != item.origin and item.origin == "corpus":
        stored = replace(stored, origin=before.origin)  # `index add` outranks the config's listing
    (plan.updated if before is not None else plan.added).append(item.doc_id)
    plan.write(stored, chunks)

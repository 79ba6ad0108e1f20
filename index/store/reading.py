"""Reading one generation: its manifest (which segment holds each live report), its documents, its
chunks' text and metadata, and its vectors."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from index.outline_units import OUTLINE_SUFFIX
from index.store import packs
from index.store.client import Database, batches
from index.store.packs import CHUNKS_SUFFIX
from index.store.records import Snapshot, StoredDocument
from index.store.segments import Part, Segments
from index.store.tokens import TOKENS_KEY, is_current


@dataclass(frozen=True)
class Layout:
    """Where a generation's reports are: live report → its segment."""

    generation: str
    placed: dict[str, str]
    legacy: bool = False  # written before segments: one segment, ``g{generation}``

    def by_segment(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for doc_id, segment in sorted(self.placed.items()):
            grouped[segment].append(doc_id)
        return dict(grouped)


def read_layout(db: Database, generation: str) -> Layout:
    """Raises chromadb's not-found error when the generation is gone (a writer collected it)."""
    manifest = db.collection(db.manifest(generation))
    rows = db.call("read the manifest", lambda: manifest.get(include=["metadatas"]))
    placed: dict[str, str] = {}
    legacy = False
    for doc_id, meta in zip(rows["ids"], rows["metadatas"], strict=True):
        segment = (meta or {}).get("segment")
        legacy = legacy or segment is None  # a layout-2 record: the report itself, in its generation
        placed[doc_id] = str(segment) if segment is not None else f"g{generation}"
    return Layout(generation, placed, legacy)


def read_generation(db: Database, generation: str) -> Snapshot:
    """The whole generation, for searching. Raises chromadb's not-found error when it is gone."""
    layout = read_layout(db, generation)
    documents = read_documents(db, layout)
    parts: list[Part] = []
    chunks: dict[str, dict[str, Any]] = {}
    for segment, live in layout.by_segment().items():
        docs_name, chunks_name = db.segment(segment)
        collection, docs = db.collection(chunks_name), db.collection(docs_name)
        held = _ids(db, docs)
        parts.append(Part(segment, collection, frozenset(held) - frozenset(live)))
        packed = _packed_chunks(db, docs, live)
        chunks |= packed
        unpacked = set(live) - {row["doc"] for row in packed.values()}
        if unpacked:  # reports written before packs: their chunks from the chunks collection
            current = is_current(collection.metadata)  # tokens another tokenizer made are made again
            for cid, row in _chunks(db, collection).items():
                if row.get("doc") in unpacked:
                    if not current:
                        row.pop(TOKENS_KEY, None)
                    chunks[cid] = row
    return Snapshot(generation, documents, chunks, Segments(parts))


def _packed_chunks(db: Database, docs: Any, live: list[str]) -> dict[str, dict[str, Any]]:
    """The chunks of the reports that have a readable pack (``packs``)."""
    out: dict[str, dict[str, Any]] = {}
    for doc_id, body in _side_records(db, docs, live, CHUNKS_SUFFIX).items():
        out |= packs.unpack(doc_id, body) or {}
    return out


def _side_records(db: Database, docs: Any, live: list[str], suffix: str) -> dict[str, str]:
    """The records kept beside these reports (``suffix``: their chunks, their outline), report → record,
    read a hundred at a time (a record is a whole report's worth: ~100 kB)."""
    out: dict[str, str] = {}
    for batch in batches([d + suffix for d in live], 100):
        rows: Any = _get(db, docs, batch, ["documents"])
        out |= {rid.removesuffix(suffix): body or "" for rid, body in zip(rows["ids"], rows["documents"], strict=True)}
    return out


def read_documents(db: Database, layout: Layout, *, text: bool = True) -> dict[str, StoredDocument]:
    """The live reports, each from its segment; ``text=False``: their facts only (planning a change)."""
    include = ["documents", "metadatas"] if text else ["metadatas"]
    out: dict[str, StoredDocument] = {}
    for segment, live in layout.by_segment().items():
        docs = db.collection(db.segment(segment)[0])
        for batch in batches(live, db.write_batch()):
            rows: Any = _get(db, docs, batch, include)
            texts = rows["documents"] if text else [""] * len(rows["ids"])
            for did, body, meta in zip(rows["ids"], texts, rows["metadatas"], strict=True):
                out[did] = StoredDocument.from_record(did, body or "", dict(meta or {}))
    return out


def read_outline_tokens(db: Database, layout: Layout) -> dict[str, str]:
    """Each live report's outline tokens as stored (``index.outline_units``); reports written before
    they were kept have none."""
    out: dict[str, str] = {}
    for segment, live in layout.by_segment().items():
        out |= _side_records(db, db.collection(db.segment(segment)[0]), live, OUTLINE_SUFFIX)
    return out


def _ids(db: Database, collection: Any) -> list[str]:
    """The reports a segment holds (not the records beside them)."""
    ids = db.call("read a segment", lambda: collection.get(include=[])["ids"])
    return [i for i in ids if not packs.is_side_record(i)]


def _chunks(db: Database, collection: Any) -> dict[str, dict[str, Any]]:
    return dict(db.call("read the chunks", lambda: read_chunks(db, collection)))


def _get(db: Database, collection: Any, ids: list[str], include: list[str]) -> Any:
    return db.call("read the documents", lambda: collection.get(ids=ids, include=include))


def read_chunks(db: Database, collection: Any) -> dict[str, dict[str, Any]]:
    """Every chunk in the collection: id → {text, metadata}."""
    # By batches of ids: one read of every document fails past ~30k chunks (SQLite's variable limit).
    ids = collection.get(include=[])["ids"]
    step = db.client.get_max_batch_size()
    chunks: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), step):
        data = collection.get(ids=ids[start : start + step], include=["documents", "metadatas"])
        for cid, text, meta in zip(data["ids"], data["documents"], data["metadatas"], strict=True):
            chunks[cid] = {"text": text, **(meta or {})}
    return chunks

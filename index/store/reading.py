"""Reading one generation: its documents, its chunks' text and metadata, and its vectors."""

from __future__ import annotations

from typing import Any

from index.store.client import Database
from index.store.records import Snapshot, StoredDocument


def read_generation(db: Database, generation: str) -> Snapshot:
    """Raises chromadb's not-found error when the generation is gone (a writer collected it)."""
    documents = read_documents(db, generation)
    vectors = db.collection(db.names(generation)[1])
    chunks = db.call("read the chunks", lambda: read_chunks(db, vectors))
    return Snapshot(generation, documents, chunks, vectors)


def read_documents(db: Database, generation: str) -> dict[str, StoredDocument]:
    docs = db.collection(db.names(generation)[0])
    records = db.call("read the documents", lambda: docs.get(include=["documents", "metadatas"]))
    return {
        did: StoredDocument.from_record(did, text or "", dict(meta or {}))
        for did, text, meta in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
    }


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

"""Writing a generation beside the live one, swapping the head to it, and collecting old generations."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core.errors import AssistantError
from index.chunking import Chunk
from index.embedding.base import TextEmbedder
from index.store.client import GEN_KEY, Database, batches
from index.store.plan import Plan
from index.store.records import Snapshot, StoredDocument
from index.store.tokens import TOKENIZER_KEY, TOKENS_KEY, is_current, joined, tokenizer, with_tokens

Progress = Callable[[str], None]
_PLACEHOLDER = [1.0]  # the docs collection is never searched by vector


def write_generation(
    db: Database, embedder: TextEmbedder, plan: Plan, old: Snapshot | None, *, reembed: bool, say: Progress
) -> str:
    """A new generation's collections, filled from the plan; not live until ``swap``."""
    generation = format(time.time_ns() // 1000, "x")
    docs_name, chunks_name = db.names(generation)
    meta = {"embedding_model": embedder.name}
    docs = db.create(docs_name, meta)
    chunks = db.create(chunks_name, {**meta, TOKENIZER_KEY: tokenizer()})
    if old is not None:
        _copy_kept(db, old, chunks, plan.kept_ids(reembed))
    reusable = _vectors_of(db, old, [c.chunk_id for c in plan.new_chunks]) if old is not None and not reembed else {}
    plan.embedded = _write_new_chunks(db, embedder, chunks, plan, reusable, say)
    _write_documents(docs, plan.all_docs())
    return generation


def _copy_kept(db: Database, old: Snapshot, chunks: Any, ids: list[str]) -> None:
    """Copy what the live generation already holds, vectors included (and the keyword tokens, made
    now for chunks of an index that has none or another tokenizer's)."""
    current = is_current(old.vectors.metadata)
    for batch in batches(ids, db.write_batch()):
        rows: Any = old.vectors.get(ids=batch, include=["documents", "metadatas", "embeddings"])
        metadatas = [
            with_tokens(dict(meta or {}), text, current)
            for text, meta in zip(rows["documents"], rows["metadatas"], strict=True)
        ]
        chunks.add(ids=rows["ids"], embeddings=rows["embeddings"], documents=rows["documents"], metadatas=metadatas)


def _vectors_of(db: Database, old: Snapshot, ids: list[str]) -> dict[str, list[float]]:
    """The vectors the live generation has for these chunk ids (a moved chunk keeps its content hash)."""
    known = [i for i in ids if i in old.chunks]
    found: dict[str, list[float]] = {}
    for batch in batches(known, db.write_batch()):
        rows: Any = old.vectors.get(ids=batch, include=["embeddings"])
        found.update({cid: list(map(float, v)) for cid, v in zip(rows["ids"], rows["embeddings"], strict=True)})
    return found


def _write_new_chunks(
    db: Database, embedder: TextEmbedder, chunks: Any, plan: Plan, reusable: dict[str, list[float]], say: Progress
) -> int:
    """Add the plan's new chunks, embedding those without a reusable vector; returns how many were embedded."""
    fresh = plan.new_chunks
    to_embed = [c for c in fresh if c.chunk_id not in reusable]
    say(f"{len(plan.stored)} document(s) to write; {len(to_embed)} chunks to embed, {len(reusable)} reused")
    for batch in batches(fresh, db.write_batch()):
        embedded = _embed([c for c in batch if c.chunk_id not in reusable], embedder, len(to_embed) > 200)
        chunks.add(
            ids=[c.chunk_id for c in batch],
            embeddings=[reusable.get(c.chunk_id) or embedded[c.chunk_id] for c in batch],
            documents=[c.text for c in batch],
            metadatas=[{**c.metadata(), TOKENS_KEY: joined(c.search_text)} for c in batch],
        )
    return len(to_embed)


def _embed(new: list[Chunk], embedder: TextEmbedder, show_progress: bool) -> dict[str, list[float]]:
    """Embed the chunk with its heading and topic; the stored text stays the plain text, for citing."""
    if not new:
        return {}
    vectors = embedder.embed_passages([c.search_text for c in new], show_progress=show_progress)
    return {c.chunk_id: list(map(float, v)) for c, v in zip(new, vectors, strict=True)}


def _write_documents(docs: Any, documents: list[StoredDocument]) -> None:
    records = sorted(documents, key=lambda d: d.doc_id)
    if records:
        docs.add(
            ids=[d.doc_id for d in records],
            embeddings=[_PLACEHOLDER for _ in records],
            documents=[d.text for d in records],
            metadatas=[d.metadata() for d in records],
        )


def swap(db: Database, previous: str, generation: str, embedding_model: str) -> None:
    """Point the head at the new generation, unless another writer moved it meanwhile."""
    head = db.client.get_or_create_collection(db.head_name, embedding_function=None)
    current = str((head.metadata or {}).get(GEN_KEY, ""))
    if current != previous:
        drop(db, generation)
        raise AssistantError(
            f"the index changed while this change was written (generation {previous or '-'} → {current}); "
            "run the command again"
        )
    if (head.metadata or {}).get("layout") is None and head.count():
        # An index from before generations: its chunks sit in the head collection itself.
        db.client.delete_collection(db.head_name)
        head = db.client.create_collection(db.head_name, embedding_function=None)
    head.modify(
        metadata={
            GEN_KEY: generation,
            "previous": previous,
            "embedding_model": embedding_model,
            "layout": 2,
            "changed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )


def collect_garbage(db: Database, keep: set[str]) -> None:
    """Drop generations other than ``keep`` (the live one and the one before, which readers
    that started before the swap may still be using) and half-written ones from crashes."""
    prefix = db.generation_prefix
    for name in db.collection_names():
        if name.startswith(prefix) and name[len(prefix) :].rsplit("-", 1)[0] not in keep:
            db.delete(name)


def drop(db: Database, generation: str) -> None:
    for name in db.names(generation):
        db.delete(name)

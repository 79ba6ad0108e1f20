"""Writing a generation beside the live one, swapping the head to it, and collecting old generations."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core.errors import AssistantError
from index.chunking import Chunk
from index.embedding.base import TextEmbedder
from index.store import packs
from index.store.client import GEN_KEY, Database, batches, is_missing
from index.store.compaction import copy_reports, reusable_vectors, to_move
from index.store.plan import Plan
from index.store.reading import Layout, read_layout
from index.store.records import StoredDocument
from index.store.tokens import TOKENIZER_KEY, TOKENS_KEY, joined, tokenizer

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


def write_generation(
    db: Database, embedder: TextEmbedder, plan: Plan, old: Layout | None, *, reembed: bool, say: Progress
) -> str:
    """A new generation: its manifest, and a new segment with the reports this change writes (and any
    kept ones that ``compaction`` moves); the other kept reports stay in their segments. Not live
    until ``swap``."""
    generation = format(time.time_ns() // 1000, "x")
    segment = f"s{generation}"
    moved = to_move(db, plan.kept, old)
    meta = {"embedding_model": embedder.name}
    if plan.stored or moved:
        docs_name, chunks_name = db.segment(segment)
        docs = db.create(docs_name, meta, records=True)
        chunks = db.create(chunks_name, {**meta, TOKENIZER_KEY: tokenizer()})
        copy_reports(db, moved, docs, chunks)
        ids = [c.chunk_id for c in plan.new_chunks]
        reusable = {} if reembed else reusable_vectors(db, old, plan.updated, ids)
        tokens = {c.chunk_id: joined(c.search_text) for c in plan.new_chunks}
        plan.embedded = _write_new_chunks(db, embedder, chunks, plan, reusable, tokens, say)
        _write_documents(docs, plan.stored, plan.new_chunks, tokens)
    placed = {d: old.placed[d] for d in plan.kept if d not in moved} if old is not None else {}
    placed |= {d: segment for d in [*moved, *(doc.doc_id for doc in plan.stored)]}
    _write_manifest(db.create(db.manifest(generation), meta, records=True), placed)
    return generation


def _write_new_chunks(
    db: Database,
    embedder: TextEmbedder,
    chunks: Any,
    plan: Plan,
    reusable: dict[str, list[float]],
    tokens: dict[str, str],
    say: Progress,
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
            metadatas=[{**c.metadata(), TOKENS_KEY: tokens[c.chunk_id]} for c in batch],
        )
    return len(to_embed)


def _embed(new: list[Chunk], embedder: TextEmbedder, show_progress: bool) -> dict[str, list[float]]:
    """Embed the chunk with its heading and topic; the stored text stays the plain text, for citing."""
    if not new:
        return {}
    vectors = embedder.embed_passages([c.search_text for c in new], show_progress=show_progress)
    return {c.chunk_id: list(map(float, v)) for c, v in zip(new, vectors, strict=True)}


def _write_manifest(manifest: Any, placed: dict[str, str]) -> None:
    """One small record per live report: the segment that holds it."""
    ids = sorted(placed)
    for batch in batches(ids, 1000):
        manifest.add(
            ids=batch, embeddings=[packs.PLACEHOLDER for _ in batch], metadatas=[{"segment": placed[d]} for d in batch]
        )


def _write_documents(docs: Any, documents: list[StoredDocument], chunks: list[Chunk], tokens: dict[str, str]) -> None:
    """Each report's text and facts, and beside it its chunks (``packs``) and its outline's tokens
    (``index.outline_units``)."""
    records = sorted(documents, key=lambda d: d.doc_id)
    by_doc: dict[str, list[tuple[str, dict[str, Any]]]] = {d.doc_id: [] for d in records}
    for chunk in chunks:
        by_doc[chunk.doc_id].append(packs.row_of(chunk, tokens[chunk.chunk_id]))
    packs.add_packs(docs, by_doc)
    if records:
        docs.add(
            ids=[d.doc_id for d in records],
            embeddings=[packs.PLACEHOLDER for _ in records],
            documents=[d.text for d in records],
            metadatas=[d.metadata() for d in records],
        )
        packs.add_outlines(docs, records)


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
            "layout": 3,
            "changed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )


def collect_garbage(db: Database, keep: set[str]) -> None:
    """Drop generations other than ``keep`` (the live one and the one before, which readers that
    started before the swap may still be using), the segments none of them names, and what a crash
    half-wrote."""
    named: set[str] = set()
    for generation in keep:
        try:
            named |= set(read_layout(db, generation).placed.values())
        except Exception as exc:
            if not is_missing(exc):
                raise  # never collect what an unreadable manifest may name
            log.debug("generation %s already collected: %s", generation, exc)
    ours = re.compile(rf"{re.escape(db.head_name)}-([gs][0-9a-f]+)-(?:docs|chunks)")  # not "report-staging"
    for name in db.collection_names():
        match = ours.fullmatch(name)
        if match is None:
            continue
        part = match.group(1)  # "g{generation}" (a manifest, or a layout-2 generation) or "s{segment}"
        if part not in named and not (part.startswith("g") and part[1:] in keep):
            db.delete(name)


def drop(db: Database, generation: str) -> None:
    db.delete(db.manifest(generation))
    for name in db.segment(f"s{generation}"):
        db.delete(name)

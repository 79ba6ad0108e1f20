"""Which kept reports a change copies into its new segment, and the copying.

A change writes only its own reports, so most kept reports stay where they are. A kept report is
copied (its vectors with it, never re-embedded) only when its segment must go:

- an index from before segments, or a segment whose keyword tokens another tokenizer made: once;
- a segment that is mostly reports the library no longer lists (removed or replaced): its live
  reports are copied and the dead rows go with the old segment;
- more than ``MAX_SEGMENTS`` segments: the smallest are folded in, so a search asks a few
  collections. Small segments fold often and big ones rarely, so a change costs about its own size.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from index.outline_units import OUTLINE_SUFFIX
from index.store import packs
from index.store.client import Database, batches
from index.store.reading import Layout
from index.store.records import StoredDocument
from index.store.tokens import is_current, with_tokens

MAX_SEGMENTS = 8


def to_move(db: Database, kept: dict[str, StoredDocument], old: Layout | None) -> dict[str, str]:
    """The kept reports to copy into the new segment: report → the segment it is in now."""
    if old is None:
        return {}
    if old.legacy:
        return {doc_id: old.placed[doc_id] for doc_id in kept}
    by_segment: dict[str, list[str]] = defaultdict(list)
    for doc_id in kept:
        by_segment[old.placed[doc_id]].append(doc_id)
    live = {seg: sum(kept[d].chunks for d in docs) for seg, docs in by_segment.items()}
    going = {seg for seg in by_segment if _must_go(db, seg, live[seg])}
    staying = sorted((n, seg) for seg, n in live.items() if seg not in going)
    while len(staying) + 1 > MAX_SEGMENTS:  # the new segment counts too
        going.add(staying.pop(0)[1])
    return {doc_id: seg for seg in going for doc_id in by_segment[seg]}


def _must_go(db: Database, segment: str, live_chunks: int) -> bool:
    chunks = db.collection(db.segment(segment)[1])
    return not is_current(chunks.metadata) or 2 * live_chunks < db.call("count a segment", chunks.count)


def copy_reports(db: Database, moved: dict[str, str], docs: Any, chunks: Any) -> None:
    """Copy the moved reports, texts and chunks with their vectors, into the new segment's collections."""
    by_segment: dict[str, list[str]] = defaultdict(list)
    for doc_id, seg in moved.items():
        by_segment[seg].append(doc_id)
    for seg, doc_ids in by_segment.items():
        old_docs, old_chunks = (db.collection(name) for name in db.segment(seg))
        _copy_documents(old_docs, docs, sorted(doc_ids))
        packs.add_packs(docs, _copy_chunks(db, old_chunks, chunks, sorted(doc_ids)))


def _copy_documents(old_docs: Any, docs: Any, doc_ids: list[str]) -> None:
    """The reports and their outline records; a report written before outlines were kept gets one."""
    reports: list[StoredDocument] = []
    copied: set[str] = set()
    # a hundred records at a time: a report's text or outline is ~100 kB
    for batch in batches([r for d in doc_ids for r in (d, d + OUTLINE_SUFFIX)], 100):
        rows: Any = old_docs.get(ids=batch, include=["documents", "metadatas"])
        embeddings = [packs.PLACEHOLDER for _ in rows["ids"]]
        docs.add(ids=rows["ids"], embeddings=embeddings, documents=rows["documents"], metadatas=rows["metadatas"])
        copied |= set(rows["ids"])
        reports += [
            StoredDocument.from_record(rid, text or "", dict(meta or {}))
            for rid, text, meta in zip(rows["ids"], rows["documents"], rows["metadatas"], strict=True)
            if not packs.is_side_record(rid)
        ]
    packs.add_outlines(docs, [r for r in reports if r.doc_id + OUTLINE_SUFFIX not in copied])


def _copy_chunks(
    db: Database, old_chunks: Any, chunks: Any, doc_ids: list[str]
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """The reports' chunks with their vectors (their tokens made again if another tokenizer made them);
    returns them by report, for their packs."""
    current = is_current(old_chunks.metadata)
    by_doc: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    ids = old_chunks.get(where={"doc": {"$in": doc_ids}}, include=[])["ids"]
    for batch in batches(ids, db.write_batch()):
        rows: Any = old_chunks.get(ids=batch, include=["documents", "metadatas", "embeddings"])
        metadatas = [
            with_tokens(dict(meta or {}), text, current)
            for text, meta in zip(rows["documents"], rows["metadatas"], strict=True)
        ]
        chunks.add(ids=rows["ids"], embeddings=rows["embeddings"], documents=rows["documents"], metadatas=metadatas)
        for cid, text, meta in zip(rows["ids"], rows["documents"], metadatas, strict=True):
            by_doc[meta["doc"]].append((cid, {"text": text, **meta}))
    return by_doc


def reusable_vectors(db: Database, old: Layout | None, updated: list[str], ids: list[str]) -> dict[str, list[float]]:
    """The vectors the updated reports' old versions have for these chunk ids (an unchanged chunk keeps
    its content hash, which includes its report's id)."""
    if old is None or not ids:
        return {}
    found: dict[str, list[float]] = {}
    for seg in sorted({old.placed[d] for d in updated if d in old.placed}):
        chunks = db.collection(db.segment(seg)[1])
        for batch in batches(ids, db.write_batch()):
            rows: Any = chunks.get(ids=batch, include=["embeddings"])
            found.update({cid: list(map(float, v)) for cid, v in zip(rows["ids"], rows["embeddings"], strict=True)})
    return found

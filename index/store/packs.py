"""Each report's chunks as one record beside it ("<report>#chunks"): what opening the library reads.

chromadb's ``get`` costs ~0.2 ms per record with its metadata (11 s for 100k chunks, most of a
restart), and ~0.2 ms per record whatever its size: so each report's chunks (text, place in the
report, keyword tokens) are also written as one JSON record, and opening reads 2,000 records, not
100,000. The chunks collections stay what vector search asks. A report written before packs were
kept has none: its chunks are read from its segment's chunks collection, as before.
"""

from __future__ import annotations

import json
from typing import Any

from index.chunking import Chunk
from index.loader import document_from_stored
from index.outline_units import OUTLINE_SUFFIX, packed_tokens
from index.store.client import batches
from index.store.records import StoredDocument
from index.store.tokens import TOKENS_KEY
from index.text import tokenizer

CHUNKS_SUFFIX = "#chunks"
PLACEHOLDER = [1.0]  # the vector of a record: the docs collections are never searched by vector
_FIELDS = ("text", "title", "section", "period", "paragraph", "start", "end", "lead", TOKENS_KEY)


def pack(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """One report's chunks as its pack record: (chunk id, its text and metadata with its tokens)."""
    packed = [[cid, *(row[key] for key in _FIELDS)] for cid, row in rows]
    return json.dumps({"tokenizer": tokenizer(), "chunks": packed}, ensure_ascii=False)


def row_of(chunk: Chunk, tokens: str) -> tuple[str, dict[str, Any]]:
    """A new chunk as the chunks collection stores it."""
    return chunk.chunk_id, {"text": chunk.text, **chunk.metadata(), TOKENS_KEY: tokens}


def unpack(doc_id: str, packed: str) -> dict[str, dict[str, Any]] | None:
    """The report's chunks as the chunks collection gives them (id → text and metadata); tokens
    another tokenizer made are left out (made again when read). None when the record is unreadable."""
    try:
        record = json.loads(packed)
        current = record["tokenizer"] == tokenizer()
        out = {}
        for cid, *values in record["chunks"]:
            row = dict(zip(_FIELDS, values, strict=True))
            if not current:
                del row[TOKENS_KEY]
            out[cid] = {**row, "doc": doc_id}
        return out
    except (ValueError, KeyError, TypeError):
        return None


def is_side_record(record_id: str) -> bool:
    """A record kept beside a report in its segment's docs collection (its chunks, its outline), not a report."""
    return record_id.endswith((CHUNKS_SUFFIX, OUTLINE_SUFFIX))


def add_packs(docs: Any, rows_by_doc: dict[str, list[tuple[str, dict[str, Any]]]]) -> None:
    """Write each report's pack into its segment's docs collection, a hundred reports at a time."""
    for batch in batches(sorted(rows_by_doc), 100):  # a pack is a whole report's chunks: ~100 kB
        docs.add(
            ids=[d + CHUNKS_SUFFIX for d in batch],
            embeddings=[PLACEHOLDER for _ in batch],
            documents=[pack(rows_by_doc[d]) for d in batch],
            metadatas=[{"chunks_of": d} for d in batch],
        )


def add_outlines(docs: Any, reports: list[StoredDocument]) -> None:
    """Write each report's outline tokens (``index.outline_units``) beside it."""
    for batch in batches(sorted(reports, key=lambda d: d.doc_id), 100):
        docs.add(
            ids=[d.doc_id + OUTLINE_SUFFIX for d in batch],
            embeddings=[PLACEHOLDER for _ in batch],
            documents=[packed_tokens(document_from_stored(d)) for d in batch],
            metadatas=[{"outline_of": d.doc_id} for d in batch],
        )

"""The library of reports in one chroma database, changed one generation at a time.

Every change (add, remove, re-index, rebuild) writes a new generation beside the live one: a new
segment with the reports it writes (reusing the vectors of chunks it already has: content-hash ids
make that exact) and a manifest naming the segment of every live report; kept reports stay in the
segments they are in, so a change costs its own size. Only then does the head point at it. So a
reader never sees a half-built index, a crash midway leaves the previous generation live, and other
processes and machines pick the change up by reading the head — segments are never written to
once live, so no process serves a stale cached vector segment. The layout is in ``client``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from core.errors import IndexNotBuilt, StoreUnavailable
from core.settings import ChunkingSettings, StoreSettings
from index.embedding.base import TextEmbedder
from index.store import writing
from index.store.client import GEN_KEY, Database, is_missing, where
from index.store.plan import plan_change
from index.store.reading import Layout, read_documents, read_generation, read_layout, read_outline_tokens
from index.store.records import Incoming, IndexReport, Snapshot, StoredDocument
from index.store.tokens import is_current

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


class Library:
    """The reports in one chroma database, and the generations that hold them."""

    def __init__(self, settings: StoreSettings, embedder: TextEmbedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.db = Database(settings)
        self.client = self.db.client

    @property
    def head_name(self) -> str:
        return self.db.head_name

    # -- reading ---------------------------------------------------------------------------------

    def head(self) -> dict[str, Any]:
        """The head's metadata ({} when the library was never built)."""

        def read() -> dict[str, Any]:
            try:
                return dict(self.client.get_collection(self.head_name).metadata or {})
            except Exception as exc:
                if is_missing(exc):
                    return {}
                raise

        return dict(self.db.call("read the head", read))

    def generation(self) -> str:
        """The live generation, '' when there is none."""
        return str(self.head().get(GEN_KEY, ""))

    def read(self, attempts: int = 3) -> Snapshot:
        """The live generation. Retried when a writer swaps generations while we read."""
        for attempt in range(attempts):
            generation = self.generation()
            if not generation:
                raise IndexNotBuilt(
                    f"no index in collection {self.head_name!r} at {where(self.settings)}: run `assistant index`"
                )
            try:
                return read_generation(self.db, generation)
            except StoreUnavailable:
                raise
            except Exception as exc:
                if not is_missing(exc) or attempt == attempts - 1:
                    raise StoreUnavailable(f"generation {generation} vanished while reading: {exc}") from exc
                log.info("generation %s was replaced while reading; reading the new one", generation)
        raise AssertionError("unreachable")

    def outline_tokens(self, generation: str) -> dict[str, str]:
        """The generation's reports' outline tokens as stored; none when the generation is gone."""
        try:
            return read_outline_tokens(self.db, read_layout(self.db, generation))
        except Exception as exc:
            if not is_missing(exc):
                raise
            return {}

    def documents(self) -> list[StoredDocument]:
        generation = self.generation()
        if not generation:
            return []
        layout = read_layout(self.db, generation)
        return sorted(read_documents(self.db, layout).values(), key=lambda d: d.doc_id)  # no chunks needed

    # -- writing ---------------------------------------------------------------------------------

    def apply(
        self,
        incoming: Iterable[Incoming],
        remove: Iterable[str] = (),
        *,
        chunking: ChunkingSettings,
        reembed: bool = False,
        prune_origin: str | None = None,
        progress: Progress | None = None,
    ) -> IndexReport:
        """Write a new generation: the live one with ``incoming`` added or replaced and ``remove``
        taken out (and, with ``prune_origin``, every report of that origin not in ``incoming``).
        Does nothing when nothing changes."""
        say = progress or (lambda _msg: None)
        head = self.head()
        previous = str(head.get(GEN_KEY, ""))
        reembed = reembed or (bool(previous) and self._model_changed(head, say))
        # The reports' facts only: neither a restart's sync nor a change reads the library's chunks.
        old = read_layout(self.db, previous) if previous else None
        old_docs = read_documents(self.db, old, text=reembed) if old is not None else {}
        plan = plan_change(old_docs, incoming, remove, chunking=chunking, reembed=reembed, prune_origin=prune_origin)
        if not plan.changes(reembed) and not self._outdated(old, say):
            return _unchanged(old_docs, previous)
        generation = writing.write_generation(self.db, self.embedder, plan, old, reembed=reembed, say=say)
        writing.swap(self.db, previous, generation, self.embedder.name)
        self.collect_garbage(keep={generation, previous})
        return plan.report(generation)

    def _model_changed(self, head: dict[str, Any], say: Progress) -> bool:
        """An index built with another model: every chunk must be embedded again."""
        changed = head.get("embedding_model") not in (None, self.embedder.name)
        if changed:
            say(f"embedding model changed ({head.get('embedding_model')} → {self.embedder.name}): re-embedding")
        return changed

    def _outdated(self, old: Layout | None, say: Progress) -> bool:
        """An index from before segments, or one whose chunks keep no keyword tokens (or another
        tokenizer's): copied once, so that opening it no longer runs jieba over every chunk."""
        if old is None or not old.placed:
            return False
        segments = [self.db.collection(self.db.segment(seg)[1]) for seg in sorted(set(old.placed.values()))]
        outdated = old.legacy or not all(is_current(chunks.metadata) for chunks in segments)
        if outdated:
            say("the index predates segments or keeps no keyword tokens: copying it once into the current layout")
        return outdated

    def collect_garbage(self, keep: set[str]) -> None:
        """Drop generations other than ``keep`` (the live one and the one before) and half-written ones."""
        writing.collect_garbage(self.db, keep)


def _unchanged(old_docs: dict[str, StoredDocument], generation: str) -> IndexReport:
    if not generation:
        return IndexReport()
    chunks = sum(doc.chunks for doc in old_docs.values())
    return IndexReport(unchanged=sorted(old_docs), chunks=chunks, generation=generation)

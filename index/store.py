"""The chromadb store: a library of reports, changed one whole generation at a time.

One chroma database (embedded, or a chroma server) holds:

- ``{collection}``, the head: an empty collection whose metadata names the live generation;
- ``{collection}-g{gen}-docs``: one record per report, its full text and metadata;
- ``{collection}-g{gen}-chunks``: the chunks, embedded with our model.

Every change (add, remove, re-index, rebuild) writes a new generation beside the live one,
copying the vectors of chunks it already has (content-hash ids make that exact), and only then
points the head at it. So a reader never sees a half-built index, a crash midway leaves the
previous generation live, and other processes and machines pick the change up by reading the
head — they open the new collections fresh, so no process serves a stale cached vector segment.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.errors import AssistantError, IndexNotBuilt, StoreUnavailable, UnknownDocument
from core.settings import ChunkingSettings, StoreSettings
from index.chunking import Chunk, chunk_document
from index.embeddings import TextEmbedder
from index.loader import Document

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
ORIGINS = ("corpus", "added")  # from config.yaml's corpus.paths, or `assistant index add`
_BATCH = 1000
_GEN_KEY = "generation"


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
    origin: str = "corpus"
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
    """One generation, as read: its documents, its chunks' text and metadata, and a search handle."""

    generation: str
    documents: dict[str, StoredDocument]
    chunks: dict[str, dict[str, Any]]  # id → {text, **metadata}
    vectors: Any  # a LangChain Chroma over the generation's chunks


# -- the client ----------------------------------------------------------------------------------


def _where(settings: StoreSettings) -> str:
    return f"{settings.host}:{settings.port}" if settings.mode == "http" else str(settings.path)


def open_client(settings: StoreSettings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.mode == "http":
            return chromadb.HttpClient(host=settings.host, port=settings.port, settings=chroma_settings)
        settings.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many types; all mean the store is unusable
        raise StoreUnavailable(f"cannot open the chroma store at {_where(settings)}: {exc}") from exc


def _is_missing(exc: Exception) -> bool:
    return type(exc).__name__ in {"NotFoundError", "InvalidCollectionException"} or "does not exist" in str(exc)


class Library:
    """The reports in one chroma database, and the generations that hold them."""

    def __init__(self, settings: StoreSettings, embedder: TextEmbedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.client = open_client(settings)

    # -- names ------------------------------------------------------------------------------------

    @property
    def head_name(self) -> str:
        return self.settings.collection

    def _names(self, generation: str) -> tuple[str, str]:
        base = f"{self.settings.collection}-g{generation}"
        return f"{base}-docs", f"{base}-chunks"

    def _call(self, what: str, func: Callable[[], Any]) -> Any:
        """Run a chroma call; a refused connection or a dead server becomes StoreUnavailable."""
        try:
            return func()
        except AssistantError:
            raise
        except Exception as exc:
            if _is_missing(exc):
                raise
            raise StoreUnavailable(f"chroma store at {_where(self.settings)} failed to {what}: {exc}") from exc

    # -- reading ---------------------------------------------------------------------------------

    def head(self) -> dict[str, Any]:
        """The head's metadata ({} when the library was never built)."""

        def read() -> dict[str, Any]:
            try:
                return dict(self.client.get_collection(self.head_name).metadata or {})
            except Exception as exc:
                if _is_missing(exc):
                    return {}
                raise

        return dict(self._call("read the head", read))

    def generation(self) -> str:
        """The live generation, '' when there is none."""
        return str(self.head().get(_GEN_KEY, ""))

    def read(self, attempts: int = 3) -> Snapshot:
        """The live generation. Retried when a writer swaps generations while we read."""
        for attempt in range(attempts):
            generation = self.generation()
            if not generation:
                raise IndexNotBuilt(
                    f"no index in collection {self.head_name!r} at {_where(self.settings)}: run `assistant index`"
                )
            try:
                return self._read(generation)
            except StoreUnavailable:
                raise
            except Exception as exc:
                if not _is_missing(exc) or attempt == attempts - 1:
                    raise StoreUnavailable(f"generation {generation} vanished while reading: {exc}") from exc
                log.info("generation %s was replaced while reading; reading the new one", generation)
        raise AssertionError("unreachable")

    def _read(self, generation: str) -> Snapshot:
        documents = self._documents(generation)
        vectors = self._langchain(self._names(generation)[1])
        chunks = self._call("read the chunks", lambda: stored_chunks(vectors))
        return Snapshot(generation, documents, chunks, vectors)

    def _documents(self, generation: str) -> dict[str, StoredDocument]:
        docs = self.client.get_collection(self._names(generation)[0], embedding_function=None)
        records = self._call("read the documents", lambda: docs.get(include=["documents", "metadatas"]))
        return {
            did: StoredDocument.from_record(did, text or "", dict(meta or {}))
            for did, text, meta in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
        }

    def _langchain(self, name: str) -> Any:
        from langchain_chroma import Chroma

        # Fails if the generation is gone; LangChain's own existence check would attach chromadb's
        # default embedding function, which downloads a model if it is ever called.
        self.client.get_collection(name, embedding_function=None)
        return Chroma(collection_name=name, embedding_function=self.embedder, client=self.client)

    def chunk_collection(self, generation: str) -> Any:
        """The generation's chunks as a chromadb collection, for searching by vector through chromadb's
        own ``query`` (ids and distances only). No embedding function: chroma never embeds anything."""
        name = self._names(generation)[1]
        return self._call("open the chunks", lambda: self.client.get_collection(name, embedding_function=None))

    def documents(self) -> list[StoredDocument]:
        generation = self.generation()
        if not generation:
            return []
        return sorted(self._documents(generation).values(), key=lambda d: d.doc_id)  # no chunks needed

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
        previous = str(head.get(_GEN_KEY, ""))
        model_changed = bool(previous) and head.get("embedding_model") not in (None, self.embedder.name)
        if model_changed:
            say(f"embedding model changed ({head.get('embedding_model')} → {self.embedder.name}): re-embedding")
        reembed = reembed or model_changed
        old = self._read(previous) if previous else None
        old_docs = old.documents if old else {}

        wanted = {item.doc_id: item for item in incoming}
        gone = set(remove)
        unknown = gone - set(old_docs)
        if unknown:
            raise UnknownDocument(f"no such document(s) in the index: {', '.join(sorted(unknown))}")
        if prune_origin:
            gone |= {d for d, doc in old_docs.items() if doc.origin == prune_origin and d not in wanted}

        plan = _Plan()
        ids_by_doc = _ids_by_doc(old.chunks if old else {})
        for doc_id, doc in old_docs.items():
            if doc_id in gone:
                plan.removed.append(doc_id)
            elif doc_id not in wanted:
                plan.keep(doc, ids_by_doc.get(doc_id, []))
        for doc_id, item in wanted.items():
            chunks = chunk_document(item.document, chunking)
            stored = item.stored(len(chunks))
            before = old_docs.get(doc_id)
            if before is not None and before.sha == stored.sha and not reembed:
                plan.keep(before, ids_by_doc.get(doc_id, []))
                continue
            if before is not None and before.origin != item.origin and item.origin == "corpus":
                stored = _with_origin(stored, before.origin)  # `index add` outranks the config's listing
            (plan.updated if before is not None else plan.added).append(doc_id)
            plan.write(stored, chunks)
        if reembed:
            for doc in list(plan.kept.values()):
                plan.rechunk(doc, chunking)

        if not (plan.added or plan.updated or plan.removed or reembed):
            return IndexReport(unchanged=sorted(old_docs), chunks=len(old.chunks) if old else 0, generation=previous)
        generation = self._write(plan, old, reembed=reembed, say=say)
        self._swap(previous, generation)
        self.collect_garbage(keep={generation, previous})
        return IndexReport(
            added=sorted(plan.added),
            updated=sorted(plan.updated),
            removed=sorted(plan.removed),
            unchanged=sorted(set(plan.kept) | plan.rechunked),
            chunks=plan.chunk_count,
            embedded=plan.embedded,
            generation=generation,
        )

    def _write(self, plan: _Plan, old: Snapshot | None, *, reembed: bool, say: Progress) -> str:
        generation = format(time.time_ns() // 1000, "x")
        docs_name, chunks_name = self._names(generation)
        space = {"hnsw": {"space": "cosine"}}
        meta = {"embedding_model": self.embedder.name}
        docs = self._call(
            "create a collection",
            lambda: self.client.create_collection(
                docs_name, configuration=space, metadata=meta, embedding_function=None
            ),
        )
        chunks = self._call(
            "create a collection",
            lambda: self.client.create_collection(
                chunks_name, configuration=space, metadata=meta, embedding_function=None
            ),
        )
        step = min(_BATCH, self.client.get_max_batch_size())  # chromadb refuses larger writes
        # Copy what the live generation already holds, vectors included.
        if old is not None and plan.kept_ids(reembed):
            for batch in _batches(plan.kept_ids(reembed), step):
                rows = old.vectors._collection.get(ids=batch, include=["documents", "metadatas", "embeddings"])
                chunks.add(
                    ids=rows["ids"],
                    embeddings=rows["embeddings"],
                    documents=rows["documents"],
                    metadatas=rows["metadatas"],
                )
        fresh = plan.new_chunks
        reusable = self._vectors_of(old, [c.chunk_id for c in fresh]) if old is not None and not reembed else {}
        to_embed = [c for c in fresh if c.chunk_id not in reusable]
        say(f"{len(plan.stored)} document(s) to write; {len(to_embed)} chunks to embed, {len(reusable)} reused")
        for batch in _batches(fresh, step):
            # Embed the chunk with its heading and topic, but store the plain text for citing.
            new = [c for c in batch if c.chunk_id not in reusable]
            vectors: Any = (
                self.embedder.embed_passages([c.search_text for c in new], show_progress=len(to_embed) > 200)
                if new
                else []
            )
            embedded = {c.chunk_id: list(map(float, v)) for c, v in zip(new, vectors, strict=True)}
            chunks.add(
                ids=[c.chunk_id for c in batch],
                embeddings=[reusable.get(c.chunk_id) or embedded[c.chunk_id] for c in batch],
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],
            )
        plan.embedded = len(to_embed)
        placeholder = [1.0]  # the docs collection is never searched by vector
        records = sorted(plan.all_docs(), key=lambda d: d.doc_id)
        if records:
            docs.add(
                ids=[d.doc_id for d in records],
                embeddings=[placeholder for _ in records],
                documents=[d.text for d in records],
                metadatas=[d.metadata() for d in records],
            )
        return generation

    def _vectors_of(self, old: Snapshot, ids: list[str]) -> dict[str, list[float]]:
        known = [i for i in ids if i in old.chunks]
        found: dict[str, list[float]] = {}
        for batch in _batches(known, min(_BATCH, self.client.get_max_batch_size())):
            rows = old.vectors._collection.get(ids=batch, include=["embeddings"])
            found.update({cid: list(map(float, v)) for cid, v in zip(rows["ids"], rows["embeddings"], strict=True)})
        return found

    def _swap(self, previous: str, generation: str) -> None:
        """Point the head at the new generation, unless another writer moved it meanwhile."""
        head = self.client.get_or_create_collection(self.head_name, embedding_function=None)
        current = str((head.metadata or {}).get(_GEN_KEY, ""))
        if current != previous:
            self._drop(generation)
            raise AssistantError(
                f"the index changed while this change was written (generation {previous or '-'} → {current}); "
                "run the command again"
            )
        if (head.metadata or {}).get("layout") is None and head.count():
            # An index from before generations: its chunks sit in the head collection itself.
            self.client.delete_collection(self.head_name)
            head = self.client.create_collection(self.head_name, embedding_function=None)
        head.modify(
            metadata={
                _GEN_KEY: generation,
                "previous": previous,
                "embedding_model": self.embedder.name,
                "layout": 2,
                "changed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )

    def collect_garbage(self, keep: set[str]) -> None:
        """Drop generations other than ``keep`` (the live one and the one before, which readers
        that started before the swap may still be using) and half-written ones from crashes."""
        prefix = f"{self.settings.collection}-g"
        for collection in self.client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            if not name.startswith(prefix):
                continue
            generation = name[len(prefix) :].rsplit("-", 1)[0]
            if generation not in keep:
                self._delete(name)

    def _drop(self, generation: str) -> None:
        for name in self._names(generation):
            self._delete(name)

    def _delete(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception as exc:  # already gone: another writer collected it
            log.debug("could not delete %s: %s", name, exc)


def _with_origin(doc: StoredDocument, origin: str) -> StoredDocument:
    from dataclasses import replace

    return replace(doc, origin=origin)


class _Plan:
    """What the next generation holds: reports kept as they are, and reports (re)written."""

    def __init__(self) -> None:
        self.kept: dict[str, StoredDocument] = {}
        self.stored: list[StoredDocument] = []
        self.new_chunks: list[Chunk] = []
        self.added: list[str] = []
        self.updated: list[str] = []
        self.removed: list[str] = []
        self.rechunked: set[str] = set()
        self.embedded = 0
        self._kept_chunks: dict[str, list[str]] = {}

    def keep(self, doc: StoredDocument, chunk_ids: list[str]) -> None:
        self.kept[doc.doc_id] = doc
        self._kept_chunks[doc.doc_id] = chunk_ids

    def write(self, doc: StoredDocument, chunks: list[Chunk]) -> None:
        self.stored.append(doc)
        self.new_chunks.extend(chunks)

    def rechunk(self, doc: StoredDocument, chunking: ChunkingSettings) -> None:
        """Re-embedding: chunk a kept report again from its stored text."""
        from index.loader import document_from_stored

        del self.kept[doc.doc_id]
        del self._kept_chunks[doc.doc_id]
        document = document_from_stored(doc)
        chunks = chunk_document(document, chunking)
        self.rechunked.add(doc.doc_id)
        self.write(doc, chunks)

    def kept_ids(self, reembed: bool) -> list[str]:
        return [] if reembed else [cid for ids in self._kept_chunks.values() for cid in ids]

    def all_docs(self) -> list[StoredDocument]:
        return [*self.kept.values(), *self.stored]

    @property
    def chunk_count(self) -> int:
        return sum(map(len, self._kept_chunks.values())) + len(self.new_chunks)


def _ids_by_doc(chunks: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for cid, meta in chunks.items():
        grouped.setdefault(str(meta.get("doc", "")), []).append(cid)
    return grouped


def stored_chunks(store: Any) -> dict[str, dict[str, Any]]:
    """Every chunk in the collection: id → {text, metadata}."""
    # By batches of ids: one read of every document fails past ~30k chunks (SQLite's variable limit).
    ids = store._collection.get(include=[])["ids"]
    step = store._client.get_max_batch_size()
    chunks: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), step):
        data = store._collection.get(ids=ids[start : start + step], include=["documents", "metadatas"])
        for cid, text, meta in zip(data["ids"], data["documents"], data["metadatas"], strict=True):
            chunks[cid] = {"text": text, **(meta or {})}
    return chunks


def _batches(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

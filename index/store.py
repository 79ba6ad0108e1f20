"""The chromadb collection, through LangChain's Chroma integration, and (re)indexing into it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.errors import AssistantError, IndexNotBuilt
from assistant.settings import Settings, StoreSettings
from index.chunking import Chunk, chunk_document
from index.embeddings import TextEmbedder
from index.loader import load_documents

Progress = Callable[[str], None]


@dataclass(frozen=True)
class IndexReport:
    added: int
    updated: int  # same text, new place (offsets or paragraph number moved)
    removed: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"{self.total} chunks: {self.added} added, {self.updated} moved, "
            f"{self.removed} removed, {self.unchanged} unchanged"
        )


def _client(settings: StoreSettings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.mode == "http":
            return chromadb.HttpClient(host=settings.host, port=settings.port, settings=chroma_settings)
        settings.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many types; all mean the store is unusable
        where = f"{settings.host}:{settings.port}" if settings.mode == "http" else str(settings.path)
        raise AssistantError(f"cannot open the chroma store at {where}: {exc}") from exc


def open_store(settings: StoreSettings, embedder: TextEmbedder, *, create: bool) -> Any:
    """A LangChain ``Chroma`` over the collection, cosine space, with our embedder always explicit."""
    from langchain_chroma import Chroma

    client = _client(settings)
    if not create and settings.collection not in {c.name for c in client.list_collections()}:
        raise IndexNotBuilt(f"collection {settings.collection!r} does not exist: run `assistant index`")
    return Chroma(
        collection_name=settings.collection,
        embedding_function=embedder,
        client=client,
        collection_metadata={"embedding_model": embedder.name},
        collection_configuration={"hnsw": {"space": "cosine"}},
    )


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


def _model_changed(store: Any, embedder: TextEmbedder) -> bool:
    metadata = store._collection.metadata or {}
    return metadata.get("embedding_model") not in (None, embedder.name)


def build_index(settings: Settings, embedder: TextEmbedder, progress: Progress | None = None) -> IndexReport:
    """Load, chunk, embed and store the reports; only new or changed chunks are embedded."""
    say = progress or (lambda _msg: None)
    documents = load_documents(settings.corpus.paths)  # fails before the store is touched
    chunks = {c.chunk_id: c for doc in documents for c in chunk_document(doc, settings.chunking)}
    store = open_store(settings.store, embedder, create=True)
    if _model_changed(store, embedder):
        say("embedding model changed: rebuilding the collection")
        store.reset_collection()
    existing = stored_chunks(store)
    new = [c for cid, c in chunks.items() if cid not in existing]
    moved = [c for cid, c in chunks.items() if cid in existing and _moved(existing[cid], c)]
    gone = [cid for cid in existing if cid not in chunks]
    say(f"{len(documents)} document(s), {len(chunks)} chunks; embedding {len(new)} new")
    # chromadb refuses more than its max batch (5461) per call; batch by batch, an interrupted build keeps its work.
    step = store._client.get_max_batch_size()
    for batch in (new[i : i + step] for i in range(0, len(new), step)):
        vectors = embedder.embed_passages([c.search_text for c in batch], show_progress=progress is not None)
        # Embed the chunk with its heading and topic, but store the plain text for citing: LangChain's
        # add_texts would embed the stored text, so upsert on its collection with our vectors.
        store._collection.upsert(
            ids=[c.chunk_id for c in batch],
            embeddings=vectors.tolist(),
            documents=[c.text for c in batch],
            metadatas=[c.metadata() for c in batch],
        )
    for i in range(0, len(moved), step):
        batch = moved[i : i + step]
        store._collection.update(ids=[c.chunk_id for c in batch], metadatas=[c.metadata() for c in batch])
    for i in range(0, len(gone), step):
        store.delete(ids=gone[i : i + step])
    return IndexReport(len(new), len(moved), len(gone), len(chunks) - len(new) - len(moved))


def _moved(stored: dict[str, Any], chunk: Chunk) -> bool:
    return any(stored.get(key) != value for key, value in chunk.metadata().items())

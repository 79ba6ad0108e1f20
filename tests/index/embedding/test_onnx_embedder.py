"""The ONNX runtime reproduces the torch runtime's vectors; folders it cannot reproduce stay on torch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from index.chunking import chunk_document, split_sentences
from index.embedding.factory import make_embedder
from index.embedding.onnx_embedder import OnnxEmbedder
from index.embedding.onnx_export import NotExportable, pooling_of
from index.embedding.torch_embedder import SentenceTransformerEmbedder
from index.loader import load_documents

MODULES = [
    {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
]


@pytest.mark.slow
def test_onnx_vectors_equal_torch_vectors_on_the_report(assistant, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    fast = make_embedder(real_settings.embedding)
    slow = make_embedder(real_settings.embedding.model_copy(update={"runtime": "torch"}))
    assert isinstance(fast, OnnxEmbedder) and isinstance(slow, SentenceTransformerEmbedder)
    assert fast.name == slow.name  # one vector space: an index built by either serves both
    chunks = [c for d in load_documents(real_settings.corpus.paths) for c in chunk_document(d, real_settings.chunking)]
    sentences = [s.text for c in chunks[:12] for s in split_sentences(c.text)]
    for texts in ([c.search_text for c in chunks[:24]], sentences):
        a, b = fast.embed_passages(texts), slow.embed_passages(texts)
        assert a.shape == b.shape
        assert float(np.min(np.sum(a * b, axis=1))) >= 0.99999
    questions = ["2023年前三季度松原市GDP增长了多少？", "查干湖的水质怎么样？"]
    assert float(np.min(np.sum(fast.embed_queries(questions) * slow.embed_queries(questions), axis=1))) >= 0.99999


@pytest.mark.slow
def test_int8_weights_are_their_own_vector_space_close_to_float32(assistant, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Quantised once beside the export; an index built with one precision is re-embedded for the other."""
    exact = make_embedder(real_settings.embedding)
    small = make_embedder(real_settings.embedding.model_copy(update={"precision": "int8"}))
    assert isinstance(small, OnnxEmbedder) and small.name != exact.name and small.name.endswith("int8:passage: ")
    int8_file = Path(real_settings.embedding.model) / "onnx" / "model.int8.onnx"
    assert int8_file.stat().st_size < (int8_file.parent / "model.onnx").stat().st_size / 3
    chunks = [c for d in load_documents(real_settings.corpus.paths) for c in chunk_document(d, real_settings.chunking)]
    texts = [c.search_text for c in chunks[:24]]
    cosine = np.sum(small.embed_passages(texts) * exact.embed_passages(texts), axis=1)
    assert 0.98 < float(np.min(cosine)) < 0.99999  # close, and not the same vectors
    questions = ["2023年前三季度松原市GDP增长了多少？", "查干湖的水质怎么样？"]
    # dense alone: float32's nearest passage is among int8's three nearest (bench_quantization judges answers)
    near = np.argsort(-(small.embed_queries(questions) @ small.embed_passages(texts).T), axis=1)[:, :3]
    best = (exact.embed_queries(questions) @ exact.embed_passages(texts).T).argmax(axis=1)
    assert all(b in row for b, row in zip(best, near, strict=True))


@pytest.mark.slow
def test_a_batch_split_over_threads_keeps_its_order(assistant, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    fast = make_embedder(real_settings.embedding)
    texts = [f"passage: 第{n}段" + "松原市" * (n % 7) for n in range(40)]
    np.testing.assert_allclose(fast.encode(texts, threads=2), fast.encode(texts, threads=1), atol=1e-6)


def _folder(tmp_path: Path, pooling: dict[str, bool], tokenizer: bool = True) -> Path:
    (tmp_path / "1_Pooling").mkdir(parents=True)
    (tmp_path / "modules.json").write_text(json.dumps(MODULES))
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"word_embedding_dimension": 8, **pooling}))
    if tokenizer:
        (tmp_path / "tokenizer.json").write_text("{}")
    return tmp_path


def test_mean_and_cls_pooling_are_exportable(tmp_path: Path) -> None:
    assert pooling_of(_folder(tmp_path / "a", {"pooling_mode_mean_tokens": True})) == "mean"
    cls_only = {"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}
    assert pooling_of(_folder(tmp_path / "b", cls_only)) == "cls"


@pytest.mark.parametrize(
    ("pooling", "tokenizer"),
    [
        ({"pooling_mode_max_tokens": True}, True),
        ({"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": True}, True),
        ({"pooling_mode_mean_tokens": True}, False),
    ],
)
def test_other_folders_are_left_to_torch(tmp_path: Path, pooling: dict[str, bool], tokenizer: bool) -> None:
    with pytest.raises(NotExportable):
        pooling_of(_folder(tmp_path, pooling, tokenizer))

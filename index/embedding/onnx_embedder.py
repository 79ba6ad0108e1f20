"""A sentence-transformers folder run by ONNX Runtime: the same vectors as torch, about twice as fast on CPU.

One session with ``query_threads`` intra-op threads (1 by default): a question uses one core, as torch
pinned to 1 thread did, and a batch asked to use N threads is split into runs side by side (the session
is thread-safe and releases the GIL), so concurrent requests never oversubscribe the cores.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import EmbeddingSettings
from index.embedding.base import TextEmbedder
from index.embedding.onnx_export import onnx_model

_MAX_TOKENS_PER_RUN = 16 * 512  # padding waste stays small: texts are sorted by length first


class OnnxEmbedder(TextEmbedder):
    def __init__(self, settings: EmbeddingSettings, folder: Path, say: Any) -> None:
        super().__init__(settings)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = onnx_model(folder, settings.precision, say)
        config = _read_json(folder / "sentence_bert_config.json")
        self.lowercase = bool(config.get("do_lower_case", False))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=int(config.get("max_seq_length") or 512))
        pad = _read_json(folder / "special_tokens_map.json").get("pad_token", "<pad>")
        pad = pad["content"] if isinstance(pad, dict) else pad
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id(pad) or 0, pad_token=pad)
        options = ort.SessionOptions()
        # query_threads 2 makes a lone question ~30% faster but costs throughput under concurrency;
        # without spinning, ORT's extra thread yields to other work instead of starving it (bench_embedding).
        options.intra_op_num_threads = settings.query_threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._pool: ThreadPoolExecutor | None = None
        self._run(["."])  # the first run allocates the session's buffers: here, not in the first question

    @property
    def name(self) -> str:
        # The same vector space as the torch runtime (cosine >= 0.99999): an index built by either serves both.
        # int8 vectors are close to them but not the same: an index built with one is re-embedded for the other.
        model = self.settings.model.rstrip("/").rsplit("/", 1)[-1]
        precision = ":int8" if self.settings.precision == "int8" else ""
        return f"sentence_transformers:{model}{precision}:{self.settings.passage_prompt}"

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension()), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = list(_batches(order, texts, self.settings.batch_size))
        threads = max(1, threads // self.settings.query_threads)  # parallel runs, each with the session's threads
        if threads <= 1 or len(batches) == 1:
            results = [self._run([texts[i] for i in batch]) for batch in batches]
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="onnx")
            results = list(self._pool.map(lambda b: self._run([texts[i] for i in b]), batches))
        for batch, vectors in zip(batches, results, strict=True):
            out[batch] = vectors
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        if self.lowercase:
            texts = [t.lower() for t in texts]
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        return np.asarray(self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0], dtype=np.float32)

    def _dimension(self) -> int:
        return int(self.session.get_outputs()[0].shape[-1] or 0) or len(self._run(["."])[0])


def _batches(order: list[int], texts: list[str], size: int) -> list[list[int]]:
    """Runs of similar length, at most ``size`` texts and about 8k characters each."""
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < size and (len(out[-1]) + 1) * len(texts[i]) <= _MAX_TOKENS_PER_RUN:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}

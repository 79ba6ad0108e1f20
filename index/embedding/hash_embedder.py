"""The ``hash`` provider: deterministic bag-of-characters vectors, exact and fast, for logic tests."""

from __future__ import annotations

import hashlib

import numpy as np

from index.embedding.base import TextEmbedder


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

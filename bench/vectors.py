"""Passage vectors for the scale benchmark: real e5 vectors, kept on disk so a larger build reuses them.

``BenchEmbedder`` wraps the real embedder (same name, same vector space). For each text it takes,
in order: the vector cache (every e5 vector any earlier run computed, keyed by the prompted
text's hash); the real model, while the run's e5 budget lasts (each batch is saved to the cache at
once, so an interrupted 100k build resumes); past the budget, a stand-in.

A stand-in is the mean of the e5 vectors of up to three chunks under the same section heading (the
variants keep the report's headings), plus a little noise, normalised: it lies where e5 puts that
topic, so dense search does realistic work on it, but it is not the model's vector for that text.
The benchmark reports how many chunks of each size got stand-ins.
"""

from __future__ import annotations

import hashlib
import random
import time
from pathlib import Path

import numpy as np

from index.embedding.base import TextEmbedder

SHARD = 2048  # vectors per cache file


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _topic(prompted: str) -> str:
    """The section heading: the first word after the prompt of "passage: <heading> <topic> <text>"."""
    parts = prompted.split(" ", 2)
    return parts[1] if len(parts) > 2 else ""


class VectorCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.vectors: dict[str, np.ndarray] = {}
        for shard in sorted(folder.glob("*.npz")):
            data = np.load(shard)
            self.vectors.update(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def get(self, text: str) -> np.ndarray | None:
        return self.vectors.get(_key(text))

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        keys = [_key(t) for t in texts]
        self.vectors.update(zip(keys, vectors, strict=True))
        name = self.folder / f"{time.time_ns()}-{len(keys)}.npz"
        np.savez(name, keys=np.array(keys), vectors=vectors.astype(np.float32))


class BenchEmbedder(TextEmbedder):
    """The real embedder behind a vector cache and an e5 budget (None: no limit)."""

    def __init__(self, real: TextEmbedder, cache: VectorCache, budget: int | None, seed: int = 0) -> None:
        super().__init__(real.settings)
        self.real = real
        self.cache = cache
        self.budget = budget
        self.rng = random.Random(seed)
        self.embedded = 0  # by the model, this run
        self.embed_seconds = 0.0
        self.reused = 0
        self.stand_ins = 0
        self._by_topic: dict[str, list[np.ndarray]] = {}

    @property
    def name(self) -> str:
        return self.real.name

    def encode(self, texts: list[str], *, threads: int, show_progress: bool = False) -> np.ndarray:
        out: list[np.ndarray | None] = [self.cache.get(t) for t in texts]
        self.reused += sum(v is not None for v in out)
        missing = [i for i, v in enumerate(out) if v is None]
        allowed = missing if self.budget is None else missing[: max(0, self.budget - self.embedded)]
        for start in range(0, len(allowed), SHARD):
            rows = allowed[start : start + SHARD]
            started = time.perf_counter()
            vectors = self.real.encode([texts[i] for i in rows], threads=threads, show_progress=show_progress)
            self.embed_seconds += time.perf_counter() - started
            self.embedded += len(rows)
            self.cache.add([texts[i] for i in rows], vectors)
            for i, vector in zip(rows, vectors, strict=True):
                out[i] = vector
        for i, vector in enumerate(out):
            if vector is not None:
                self._by_topic.setdefault(_topic(texts[i]), []).append(vector)
        for i in (i for i, v in enumerate(out) if v is None):
            out[i] = self._stand_in(texts[i])
            self.stand_ins += 1
        return np.stack([v for v in out if v is not None]).astype(np.float32)

    def _stand_in(self, text: str) -> np.ndarray:
        pool = self._by_topic.get(_topic(text)) or [v for vs in self._by_topic.values() for v in vs[:3]]
        if not pool:
            raise RuntimeError("no e5 vectors to derive stand-ins from: raise --e5-budget")
        picked = self.rng.sample(pool, min(3, len(pool)))
        noise = np.random.default_rng(self.rng.getrandbits(32)).normal(0, 0.01, size=picked[0].shape)
        vector = np.mean(picked, axis=0) + noise
        return (vector / np.linalg.norm(vector)).astype(np.float32)

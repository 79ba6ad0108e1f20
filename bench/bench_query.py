"""Benchmark: start-up, index build, query latency and memory, and why torch threads are pinned.

Prints figures; asserts nothing (these machines are noisy: compare the ratios of one run).

    .venv/bin/python bench/bench_query.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "2023年前三季度松原市GDP增长了多少？",
    "明年粮食产量要稳定在多少？",
    "查干湖的生态保护做了哪些工作？",
    "新能源产业有什么进展？",
    "城镇新增就业目标是多少？",
]


def _burn(stop_at: float) -> None:
    """Keep one core busy, as a second request or any other process would."""
    x = 0
    while time.time() < stop_at:
        x += 1


def _timed(fn, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for i in range(rounds):
        started = time.perf_counter()
        fn(QUESTIONS[i % len(QUESTIONS)])
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from assistant.settings import load_settings
    from assistant.types import Message
    from index.embeddings import make_embedder

    state = Path(tempfile.mkdtemp(prefix="bench-"))
    base = load_settings()
    settings = base.model_copy(
        update={"store": base.store.model_copy(update={"path": state / "chroma"}), "state_dir": state}
    )

    started = time.perf_counter()
    embedder = make_embedder(settings.embedding)
    print(f"model load                 {time.perf_counter() - started:7.2f} s")

    from assistant.service import Assistant, ensure_index

    started = time.perf_counter()
    report = ensure_index(settings, embedder)
    print(f"index build ({report.total} chunks)    {time.perf_counter() - started:7.2f} s")
    started = time.perf_counter()
    ensure_index(settings, embedder)
    print(f"index re-check (no change) {time.perf_counter() - started:7.2f} s")

    assistant = Assistant(settings, embedder)
    assistant.ask(QUESTIONS[0])  # warm-up: jieba dictionary, first torch call

    def answer(q: str) -> None:
        assistant.answer([Message("user", q)])

    def embed(q: str) -> None:
        embedder.embed_queries([q])

    cores = os.cpu_count() or 2
    print(f"\ncores: {cores}; torch default threads: {torch.get_num_threads()}")
    for label, threads in (("pinned 1 thread", 1), (f"torch default ({cores})", cores)):
        embedder.settings = embedder.settings.model_copy(update={"query_threads": threads})
        print(f"\n[{label}]")
        print(f"  query embedding, idle      {_summary(_timed(embed, args.rounds))}")
        print(f"  full answer, idle          {_summary(_timed(answer, args.rounds))}")
        hog = multiprocessing.Process(target=_burn, args=(time.time() + 600,))
        hog.start()
        try:
            time.sleep(0.2)
            print(f"  query embedding, 1 core busy {_summary(_timed(embed, args.rounds))}")
            print(f"  full answer, 1 core busy   {_summary(_timed(answer, args.rounds))}")
        finally:
            hog.terminate()
            hog.join()

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS                   {rss_mb:7.0f} MB")


if __name__ == "__main__":
    main()

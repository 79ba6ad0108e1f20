"""Benchmark: start-up, index build, query latency and memory, and why torch threads are pinned.

Prints figures; asserts nothing (these machines are noisy: compare the ratios of one run).

    .venv/bin/python bench/bench_query.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def _question_pool() -> list[str]:
    """Distinct questions (the two question sets), so no answer is served from a cache."""
    pool = []
    for name in ("devset.jsonl", "team-questions.jsonl"):
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                pool.append((item.get("turns") or [item["question"]])[-1])
    return list(dict.fromkeys(pool))


def _burn(stop_at: float) -> None:
    """Keep one core busy, as a second request or any other process would."""
    x = 0
    while time.time() < stop_at:
        x += 1


def _timed(fn, questions: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for question in questions:
        started = time.perf_counter()
        fn(question)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30, help="questions per measurement (distinct)")
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

    pool = _question_pool()
    half = min(args.rounds, len(pool) // 2)
    idle_questions, busy_questions = pool[:half], pool[half : 2 * half]

    def embed(q: str) -> None:
        embedder.embed_queries([q])

    cores = os.cpu_count() or 2
    print(f"\ncores: {cores}; torch default threads: {torch.get_num_threads()}; {half} distinct questions each")
    for label, threads in (("pinned 1 thread", 1), (f"torch default ({cores})", cores)):
        embedder.settings = embedder.settings.model_copy(update={"query_threads": threads})
        assistant = Assistant(settings, embedder)  # fresh caches for each configuration
        assistant.warm_up()  # as the server does at start-up

        def answer(q: str, assistant: Assistant = assistant) -> None:
            assistant.answer([Message("user", q)])

        print(f"\n[{label}]")
        print(f"  query embedding, idle        {_summary(_timed(embed, idle_questions))}")
        print(f"  full answer, idle            {_summary(_timed(answer, idle_questions))}")
        hog = multiprocessing.Process(target=_burn, args=(time.time() + 600,))
        hog.start()
        try:
            time.sleep(0.2)
            print(f"  query embedding, 1 core busy {_summary(_timed(embed, busy_questions))}")
            print(f"  full answer, 1 core busy     {_summary(_timed(answer, busy_questions))}")
        finally:
            hog.terminate()
            hog.join()

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS                   {rss_mb:7.0f} MB")


if __name__ == "__main__":
    main()

"""Query embedding time: torch and ONNX Runtime, 1 and 2 threads, on an idle machine and with a core busy.

"Busy" is a busy-loop subprocess, as a second request, the indexer or any other program would be.
Each row embeds the same distinct questions (the dev and team sets, "query: " prompt, one at a time).

    .venv/bin/python bench/bench_embedding.py [--rounds 2]

Prints one table and writes bench/results/embedding.json.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from common import latency_summary, question_pool, table, write_result


def _burn(stop_at: float) -> None:
    x = 0
    while time.time() < stop_at:
        x += 1


def _timed(embed: Callable[[str], Any], questions: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            embed(question)
            out.append((time.perf_counter() - started) * 1000)
    return out


def runtimes(settings: Any) -> dict[str, Callable[[str], Any]]:
    """label → embed one question; sessions and models built once, before any timing."""
    import onnxruntime as ort
    import torch

    from index.embedding.factory import make_embedder
    from index.embedding.onnx_export import ONNX_FILE

    torch_model = make_embedder(settings.embedding.model_copy(update={"runtime": "torch"}))
    fast = make_embedder(settings.embedding)  # the default: ONNX Runtime, one thread
    model_file = str(os.path.join(settings.embedding.model, ONNX_FILE))

    def session(threads: int, spin: bool) -> Any:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        return ort.InferenceSession(model_file, options, providers=["CPUExecutionProvider"])

    def onnx(sess: Any) -> Callable[[str], Any]:
        def embed(question: str) -> Any:
            encoded = fast.tokenizer.encode("query: " + question)  # type: ignore[attr-defined]
            ids = np.array([encoded.ids], dtype=np.int64)
            return sess.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})

        return embed

    def pinned_torch(threads: int) -> Callable[[str], Any]:
        def embed(question: str) -> Any:
            torch.set_num_threads(threads)
            return torch_model.encode(["query: " + question], threads=threads)

        return embed

    return {
        "torch, 1 thread (before)": pinned_torch(1),
        "torch, 2 threads": pinned_torch(2),
        "onnx, 1 thread (default)": onnx(fast.session),  # type: ignore[attr-defined]
        "onnx, 2 threads, no spinning": onnx(session(2, spin=False)),
        "onnx, 2 threads, spinning": onnx(session(2, spin=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="passes over the questions per row")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from core.settings import load_settings

    questions = question_pool()
    embedders = runtimes(load_settings())
    for embed in embedders.values():  # first calls allocate buffers
        _timed(embed, questions[:3], 1)
    rows = []
    for label, embed in embedders.items():
        rows.append({"runtime": label, "load": "idle", **latency_summary(_timed(embed, questions, args.rounds))})
    hog = multiprocessing.Process(target=_burn, args=(time.time() + 3600,))
    hog.start()
    try:
        time.sleep(0.3)
        for label, embed in embedders.items():
            summary = latency_summary(_timed(embed, questions, args.rounds))
            rows.append({"runtime": label, "load": "1 core busy", **summary})
    finally:
        hog.terminate()
        hog.join()
    print(table(rows, ["runtime", "load", "n", "p50_ms", "p95_ms", "max_ms"]))
    print(f"\n{os.cpu_count()} cores; {len(questions)} distinct questions x {args.rounds} rounds per row")
    write_result("embedding", {"rows": rows, "rounds": args.rounds})


if __name__ == "__main__":
    main()

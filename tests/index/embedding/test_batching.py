"""Questions arriving together share embedding runs; each caller still gets its own row."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from index.embedding.batching import QueryBatcher


def _slow_encode(calls: list[list[str]]):  # type: ignore[no-untyped-def]
    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        time.sleep(0.05)  # a busy core: the others queue meanwhile
        return np.array([[float(len(t)), float(t.count("问"))] for t in texts])

    return encode


def test_a_lone_question_runs_alone_at_once() -> None:
    calls: list[list[str]] = []
    batcher = QueryBatcher(_slow_encode(calls), runners=2)
    started = time.perf_counter()
    assert batcher.embed(["问一"]).tolist() == [[2.0, 1.0]]
    assert calls == [["问一"]] and time.perf_counter() - started < 0.5


def test_questions_that_queue_are_batched_and_answered_in_order() -> None:
    calls: list[list[str]] = []
    batcher = QueryBatcher(_slow_encode(calls), runners=1, max_batch=8)
    results: dict[str, list[float]] = {}

    def ask(text: str) -> None:
        results[text] = batcher.embed([text])[0].tolist()

    texts = ["问" * n for n in range(1, 17)]
    threads = [threading.Thread(target=ask, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {t: [float(len(t)), float(len(t))] for t in texts}
    assert len(calls) < len(texts) and max(len(c) for c in calls) <= 8


def test_an_encoding_error_reaches_the_caller_and_the_runner_survives() -> None:
    def failing(texts: list[str]) -> np.ndarray:
        if "坏" in texts[0]:
            raise RuntimeError("model failed")
        return np.ones((len(texts), 2))

    batcher = QueryBatcher(failing, runners=1)
    with pytest.raises(RuntimeError, match="model failed"):
        batcher.embed(["坏问题"])
    assert batcher.embed(["好问题"]).shape == (1, 2)

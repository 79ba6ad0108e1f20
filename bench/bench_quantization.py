"""int8 against float32 weights for e5 under ONNX Runtime: do the vectors, retrieval and answers hold?

For each precision it builds the library afresh (the report alone for the seed sets; the report and the
fictional county report for the county sets), runs ``assistant eval`` on every question set of
tests/data, and times indexing (passages/s at ``index_threads``) and lone questions (ms), interleaved
so a busy machine slows both alike. Judged: int8 may become the default only if every accuracy figure
holds within 0.01 of float32.

    .venv/bin/python bench/bench_quantization.py

Prints two tables and writes bench/results/quantization.json.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

from common import DATA, RESULTS, ROOT, latency_summary, question_pool, table, write_result

PRECISIONS = ("float32", "int8")
LIBRARIES = {
    "report": [ROOT / "data"],
    "county": [ROOT / "data", DATA / "fictional-qinghe-county-2024.txt"],
}
SETS = {
    "report": [
        "devset.jsonl",
        "team-questions.jsonl",
        "broad-questions.jsonl",
        "fresh-questions.jsonl",
        "nearmiss-holdout.jsonl",
    ],
    "county": ["qinghe-questions.jsonl", "qinghe-broad-questions.jsonl"],
}
FIGURES = ("hit@1", "hit@3", "mrr", "answer_accuracy", "refusal_accuracy")
TOLERANCE = 0.01
WORK = RESULTS / "quantization"


def _settings(precision: str, library: str) -> Any:
    from core.settings import load_settings

    base = load_settings()
    folder = WORK / f"{library}-{precision}"
    return base.model_copy(
        update={
            "embedding": base.embedding.model_copy(update={"precision": precision}),
            "corpus": base.corpus.model_copy(update={"paths": LIBRARIES[library]}),
            "store": base.store.model_copy(update={"mode": "persistent", "path": folder / "chroma"}),
            "state_dir": folder / "var",
        }
    )


def accuracy() -> dict[str, dict[str, dict[str, float]]]:
    """Per question set, per precision: the eval figures, on a library built afresh."""
    from assistant.evaluate import evaluate
    from assistant.service import Assistant

    out: dict[str, dict[str, dict[str, float]]] = {}
    for library, names in SETS.items():
        for precision in PRECISIONS:
            settings = _settings(precision, library)
            shutil.rmtree(settings.store.path.parent, ignore_errors=True)
            assistant = Assistant.from_settings(settings, record_unanswered=False)
            for name in names:
                metrics = evaluate(DATA / name, assistant).metrics()
                out.setdefault(name, {})[precision] = {k: float(metrics[k]) for k in FIGURES}
    return out


def vectors_and_speed(rounds: int) -> dict[str, Any]:
    """Cosine of int8 to float32 vectors (the library's passages, the questions), and the speed of each."""
    from index.chunking import chunk_document
    from index.embedding.factory import make_embedder
    from index.loader import load_corpus

    settings = _settings("float32", "county")
    embedders = {p: make_embedder(_settings(p, "county").embedding) for p in PRECISIONS}
    passages = [c.search_text for d in load_corpus(settings.corpus) for c in chunk_document(d, settings.chunking)]
    questions = question_pool()
    vectors = {p: (e.embed_passages(passages), e.embed_queries(questions)) for p, e in embedders.items()}
    out: dict[str, Any] = {}
    for part, index in (("passages", 0), ("questions", 1)):
        cosine = (vectors["int8"][index] * vectors["float32"][index]).sum(axis=1)
        out[f"cosine_{part}"] = {"mean": round(float(cosine.mean()), 4), "min": round(float(cosine.min()), 4)}
    seconds = dict.fromkeys(PRECISIONS, 0.0)
    query_ms: dict[str, list[float]] = {p: [] for p in PRECISIONS}
    for _ in range(rounds):
        for precision, embedder in embedders.items():
            started = time.perf_counter()
            embedder.embed_passages(passages)
            seconds[precision] += time.perf_counter() - started
            for question in questions:
                started = time.perf_counter()
                embedder.encode([embedder.settings.query_prompt + question], threads=embedder.settings.query_threads)
                query_ms[precision].append((time.perf_counter() - started) * 1000)
    for precision in PRECISIONS:
        out[precision] = {
            "passages_per_s": round(rounds * len(passages) / seconds[precision], 1),
            "query": latency_summary(query_ms[precision]),
        }
    out["passages"], out["questions"] = len(passages), len(questions)
    return out


def main() -> None:
    import argparse
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (interleaved)")
    args = parser.parse_args()
    speed = vectors_and_speed(args.rounds)
    figures = accuracy()
    rows, worst = [], 0.0
    for name, by_precision in figures.items():
        for figure in FIGURES:
            before, after = by_precision["float32"][figure], by_precision["int8"][figure]
            worst = min(worst, after - before)
            rows.append(
                {"set": name, "figure": figure, "float32": before, "int8": after, "Δ": round(after - before, 3)}
            )
    print(table(rows, list(rows[0])))
    print(
        f"\ncosine int8·float32: passages mean {speed['cosine_passages']['mean']} (min "
        f"{speed['cosine_passages']['min']}), questions mean {speed['cosine_questions']['mean']} "
        f"(min {speed['cosine_questions']['min']}); {speed['passages']} passages, {speed['questions']} questions"
    )
    for precision in PRECISIONS:
        print(
            f"{precision}: {speed[precision]['passages_per_s']} passages/s indexing, question p50 "
            f"{speed[precision]['query']['p50_ms']} ms p95 {speed[precision]['query']['p95_ms']} ms"
        )
    verdict = "holds" if worst >= -TOLERANCE else "does not hold"
    print(f"\nworst change {worst:+.3f}: accuracy {verdict} within {TOLERANCE}")
    write_result("quantization", {"accuracy": figures, "vectors_and_speed": speed, "worst_change": worst})


if __name__ == "__main__":
    main()

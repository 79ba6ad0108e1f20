"""Scale: index build time, start-up, retrieval latency and memory as the corpus grows.

Each size runs in its own process (clean RSS figures) over a generated corpus (bench/corpus.py: real-
looking variants of the report with places, years and figures changed and sentences recombined):

    .venv/bin/python bench/bench_scale.py                         # 50 and 1k chunks, e5 for 500 per size
    .venv/bin/python bench/bench_scale.py --sizes 50,1000,10000,100000                # full, stand-ins
    .venv/bin/python bench/bench_scale.py --sizes 100000 --e5-budget 0   # every vector from e5 (hours)

Vectors: every e5 vector computed is kept in bench/results/vector-cache/ and reused by later runs
(so the full e5 run can be resumed, and sizes share what smaller ones embedded). Past ``--e5-budget``
new chunks per size, chunks get stand-in vectors (see bench/vectors.py) and the table says how many:
index throughput is then the e5 rate measured on the embedded chunks, and the build time is
split into embedding and everything else (load, chunk, chroma writes).

Per size, in one process: build (s, e5 chunks/s), adding one report (the seed report's ~48 chunks,
vectors cached) and removing it again. Then, in a fresh process as a restart is: resync (the index
check of a restart, nothing changed), open (Assistant start: chroma read, BM25, chain), restart
(resync + open), query p50/p95 of
retrieval (= question embedding + chroma + BM25 + fusion + coverage; distinct questions, cold
embedding cache), the BM25 part before (rank_bm25) and after (KeywordIndex), the paragraph-neighbour
lookup before and after, a full extractive answer before and after the warm-up, the warm-up before
(every sentence of the corpus: estimated from the measured rate) and after (answer.warm_passages),
RSS after opening and while serving (warmed up, 90 questions answered). Before the sizes: e5's
index-time rate, float32 and int8. After them: the issue's targets judged at the largest size,
met or missed with what the figure is made of. Writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import RESULTS, latency_summary, peak_rss_mb, question_pool, rss_mb, table, write_result

SCALE = RESULTS / "scale"


def questions(n: int) -> list[str]:
    """Distinct questions: the two question sets, then the same asked about other cities and years."""
    from corpus import CITIES

    pool = question_pool()
    out = list(pool)
    for city in sorted(CITIES):
        out += [q.replace("松原", city).replace("2023年", "2021年").replace("2024年", "2026年") for q in pool]
    return list(dict.fromkeys(out))[:n]


def _ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _settings(size: int) -> Any:
    from core.settings import load_settings

    base = load_settings()
    return base.model_copy(
        update={
            "corpus": base.corpus.model_copy(update={"paths": [SCALE / f"corpus-{size}"]}),
            "store": base.store.model_copy(
                update={"mode": "persistent", "path": SCALE / f"chroma-{size}", "collection": "scale"}
            ),
            "state_dir": SCALE / "state",
        }
    )


def build_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """One corpus size, built (and changed once) in this process."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from corpus import write_corpus
    from vectors import BenchEmbedder, VectorCache

    from index.embedding.factory import make_embedder
    from index.library import sync_corpus

    out: dict[str, Any] = {"size": size}
    corpus_dir = SCALE / f"corpus-{size}"
    stamp = hashlib.sha256(Path(__file__).with_name("corpus.py").read_bytes()).hexdigest()[:16] + f":{args.seed}"
    if not (corpus_dir / ".stamp").exists() or (corpus_dir / ".stamp").read_text() != stamp:
        shutil.rmtree(corpus_dir, ignore_errors=True)  # written by another version of the generator
        write_corpus(corpus_dir, size, seed=args.seed)
        (corpus_dir / ".stamp").write_text(stamp)
    settings = _settings(size)
    if settings.store.path.exists() and not args.keep_index:
        shutil.rmtree(settings.store.path)
    real = make_embedder(settings.embedding)
    embedder = BenchEmbedder(real, VectorCache(args.vector_cache), None if args.e5_budget <= 0 else args.e5_budget)
    build_ms, report = _ms(lambda: sync_corpus(settings, embedder))
    out |= {
        "chunks": report.chunks,
        "build_s": round(build_ms / 1000, 2),
        "build_without_embedding_s": round(build_ms / 1000 - embedder.embed_seconds, 2),
        "e5_embedded": embedder.embedded,
        "e5_s": round(embedder.embed_seconds, 2),
        "e5_chunks_per_s": round(embedder.embedded / embedder.embed_seconds, 1) if embedder.embedded else None,
        "vectors_reused": embedder.reused,
        "stand_in_vectors": embedder.stand_ins,
        "rss_after_build_mb": round(rss_mb()),
    }
    return out | _change_one(settings, embedder, corpus_dir)


def serve_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """A server's life over the built library, in a fresh process (as a restart is): the index check
    and opening, searches, answers, warm-up, memory."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from assistant.service import Assistant
    from core.types import Message
    from index.embedding.factory import make_embedder
    from index.library import sync_corpus
    from index.store import Library

    settings = _settings(size)
    model_ms, real = _ms(lambda: make_embedder(settings.embedding))
    out: dict[str, Any] = {"model_load_s": round(model_ms / 1000, 2), "rss_model_mb": round(rss_mb())}
    resync_ms, _ = _ms(lambda: sync_corpus(settings, real))  # a restart's index check: nothing changed
    open_ms, assistant = _ms(lambda: Assistant(settings, real))
    out |= {
        "resync_s": round(resync_ms / 1000, 2),
        "open_s": round(open_ms / 1000, 2),
        "restart_s": round((resync_ms + open_ms) / 1000, 2),
    }
    out["rss_after_open_mb"] = round(rss_mb())
    read_ms, stored = _ms(lambda: Library(settings.store, real).read())
    out["chroma_read_all_s"] = round(read_ms / 1000, 2)
    del stored

    from index.text import tokens

    tokens("松原")  # jieba's dictionary loads once per process, before the first question: not a question's cost
    retriever = assistant.retriever
    qs = questions(3 * args.queries)
    n = args.queries
    search_qs, cold_qs, warm_qs = qs[:n], qs[n : 2 * n], qs[2 * n :]
    embed, search, keyword, dense, following = [], [], [], [], []
    for q in search_qs:
        embed.append(_ms(lambda q=q: real.embed_queries([q]))[0])  # first time: not cached
        search.append(_ms(lambda q=q: retriever.search(q))[0])  # the same vector, now cached
        keyword.append(_ms(lambda q=q: retriever._keyword(retriever.view, q))[0])
        dense.append(_ms(lambda q=q: retriever._dense(retriever.view, q, ""))[0])
        top = retriever.search(q).passages[0]
        following.append(_ms(lambda top=top: retriever.following(top))[0])
    out["query_embed"] = latency_summary(embed)
    out["retrieval"] = latency_summary([e + s for e, s in zip(embed, search, strict=True)])
    out["retrieval_without_embed"] = latency_summary(search)
    out["dense_chroma"] = latency_summary(dense)
    out["bm25_keyword_index"] = latency_summary(keyword)
    out["following_index"] = latency_summary(following)

    def answers(questions: list[str]) -> dict[str, float]:
        return latency_summary([_ms(lambda q=q: assistant.answer([Message("user", q)]))[0] for q in questions])

    out["answer_before_warm_up"] = answers(cold_qs)  # sentences embedded as answers need them

    warm_ms, _ = _ms(assistant.warm_up)
    extractive = assistant.chain.extractive
    warmed = min(len(retriever.passages), extractive.warm_passages)
    out["warm_up_bounded_s"] = round(warm_ms / 1000, 2)
    out["warm_up_passages"] = warmed
    out["answer_after_warm_up"] = answers(warm_qs)
    if warmed:  # before: every sentence of every passage, at the rate just measured
        out["warm_up_unbounded_est_s"] = round(warm_ms / 1000 * len(retriever.passages) / warmed, 1)
    out["rss_serving_mb"] = round(rss_mb())  # open, warmed up, 90 questions answered: a server's memory
    out |= _before(retriever, search_qs[: args.old_queries])  # the replaced code: last, its memory is not ours
    out["rss_end_mb"] = round(rss_mb())
    out["peak_rss_mb"] = round(peak_rss_mb())
    return out


def _change_one(settings: Any, embedder: Any, corpus_dir: Path) -> dict[str, Any]:
    """Add one report (a copy of the seed report under another id: its vectors come from the cache, so
    this times the store's work, not e5's), then remove it: what one change to a large library costs."""
    from index.library import add_files, remove_documents

    extra = SCALE / "extra" / "added-report.txt"
    extra.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(corpus_dir / "songyuan-2023-plenary-report.txt", extra)
    add_ms, added = _ms(lambda: add_files(settings, embedder, [extra]))
    remove_ms, _ = _ms(lambda: remove_documents(settings, embedder, [extra.stem]))
    return {
        "add_one_report_s": round(add_ms / 1000, 2),
        "add_one_report_chunks": added.embedded,  # its chunks (the embedder served them from the cache)
        "remove_one_report_s": round(remove_ms / 1000, 2),
    }


def _before(retriever: Any, qs: list[str]) -> dict[str, Any]:
    """The replaced code, timed on the same passages: rank_bm25 and the paragraph scan."""
    from rank_bm25 import BM25Okapi

    from index.search.live_view import search_text
    from index.text import tokens

    tokenize_ms, corpus = _ms(lambda: [tokens(search_text(p)) for p in retriever.passages])
    build_ms, bm25 = _ms(lambda: BM25Okapi(corpus))
    scores = [_ms(lambda q=q: bm25.get_scores(tokens(q)))[0] for q in qs]
    passages = retriever.passages

    def scan(passage: Any) -> Any:
        later = [
            p for p in passages if p.doc == passage.doc and p.paragraph == passage.paragraph and p.start > passage.start
        ]
        return min(later, key=lambda p: p.start, default=None)

    scans = [_ms(lambda q=q: scan(retriever.search(q).passages[0]))[0] for q in qs[:5]]
    return {
        "tokenize_all_s": round(tokenize_ms / 1000, 2),
        "bm25okapi_build_s": round(build_ms / 1000, 2),
        "bm25okapi_scores": latency_summary(scores),
        "following_scan": latency_summary(scans),
    }


def embedding_rates(sample: int) -> dict[str, float]:
    """Chunks/s of e5 at index time (``index_threads``), float32 and int8, over the seed report's chunks
    (repeated to ``sample``): the rate a full build would index at, without hours of building."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from common import ROOT

    from core.settings import load_settings
    from index.chunking import chunk_document
    from index.embedding.factory import make_embedder
    from index.loader import load_documents

    settings = load_settings()
    chunks = chunk_document(load_documents([ROOT / "data" / "songyuan-2023-plenary-report.txt"])[0], settings.chunking)
    texts = [c.search_text for c in chunks] * (sample // len(chunks) + 1)
    out = {}
    for precision in ("float32", "int8"):
        embedder = make_embedder(settings.embedding.model_copy(update={"precision": precision}))
        embedder.embed_passages(texts[:16])  # first runs allocate
        seconds, _ = _ms(lambda embedder=embedder: embedder.embed_passages(texts[:sample]))
        out[precision] = round(sample / (seconds / 1000), 1)
    return out


# At the largest size: (what, target, measured, met?, what the figure is made of when missed)
def judged(row: dict[str, Any], rates: dict[str, float]) -> list[dict[str, Any]]:
    retrieval, answer = row["retrieval"]["p95_ms"], row["answer_after_warm_up"]["p95_ms"]
    checks = [
        (
            "restart to ready",
            "< 15 s",
            row["restart_s"],
            row["restart_s"] < 15,
            f"index check {row['resync_s']} s + open {row['open_s']} s (chroma read of every chunk "
            f"{row['chroma_read_all_s']} s)",
        ),
        (
            "retrieval p95",
            "< 100 ms",
            retrieval,
            retrieval < 100,
            f"question embedding p95 {row['query_embed']['p95_ms']} ms, chroma p95 {row['dense_chroma']['p95_ms']} ms, "
            f"the rest p95 {row['retrieval_without_embed']['p95_ms']} ms",
        ),
        (
            "answer p95 (extractive)",
            "< 200 ms",
            answer,
            answer < 200,
            f"p50 {row['answer_after_warm_up']['p50_ms']} ms: an answer embeds the sentences of passages no question "
            f"used before (the warm-up covers {row['warm_up_passages']} of {row['chunks']})",
        ),
        (
            "RSS, serving",
            "< 2048 MB",
            row["rss_serving_mb"],
            row["rss_serving_mb"] < 2048,
            f"after open {row['rss_after_open_mb']} MB; the float32 model is ~500 MB of it (int8: ~150)",
        ),
        ("add one report", "< 60 s", row["add_one_report_s"], row["add_one_report_s"] < 60, ""),
        ("remove one report", "< 10 s", row["remove_one_report_s"], row["remove_one_report_s"] < 10, ""),
        (
            "e5 chunks/s, index time",
            ">= 30",
            rates["float32"],
            rates["float32"] >= 30,
            f"float32 (the default); int8 (embedding.precision: int8) {rates['int8']} chunks/s, not the default: "
            "bench_quantization.py",
        ),
    ]
    return [
        {
            "at": row["chunks"],
            "target": what,
            "goal": goal,
            "measured": value,
            "met": "met" if ok else "missed",
            "why": "" if ok else why,
        }
        for what, goal, value, ok, why in checks
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="50,1000", help="chunk counts, comma-separated (full: 50,1000,10000,100000)")
    parser.add_argument("--e5-budget", type=int, default=500, help="new chunks per size embedded by e5 (0: all)")
    parser.add_argument("--queries", type=int, default=30, help="distinct questions per size (and as many answers)")
    parser.add_argument("--old-queries", type=int, default=10, help="questions for the rank_bm25 comparison")
    parser.add_argument("--vector-cache", type=Path, default=RESULTS / "vector-cache")
    parser.add_argument("--keep-index", action="store_true", help="reuse a chroma folder built by an earlier run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rate-sample", type=int, default=192, help="chunks timed for the e5 rates")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size, print JSON
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # internal: serve one built size, JSON
    parser.add_argument("--rates", action="store_true", help=argparse.SUPPRESS)  # internal: e5 rates, JSON
    args = parser.parse_args()

    if args.one is not None:
        print("RESULT " + json.dumps(build_size(args.one, args)))
        return
    if args.serve is not None:
        print("RESULT " + json.dumps(serve_size(args.serve, args)))
        return
    if args.rates:
        print("RESULT " + json.dumps(embedding_rates(args.rate_sample)))
        return
    rows = []
    print("== e5 rates", file=sys.stderr, flush=True)
    rates = _child([sys.executable, __file__, "--rates", "--rate-sample", str(args.rate_sample)], "rates")
    for size in (int(s) for s in args.sizes.split(",")):
        argv = [
            *("--e5-budget", str(args.e5_budget), "--queries", str(args.queries)),
            *("--old-queries", str(args.old_queries), "--vector-cache", str(args.vector_cache)),
            *("--seed", str(args.seed), *(["--keep-index"] if args.keep_index else [])),
        ]
        print(f"== {size} chunks", file=sys.stderr, flush=True)
        built = _child([sys.executable, __file__, "--one", str(size), *argv], f"building {size}")
        rows.append(built | _child([sys.executable, __file__, "--serve", str(size), *argv], f"serving {size}"))
    print(table([_flat(r) for r in rows], list(_flat(rows[0]))))
    print("\nretrieval = question embedding + chroma + BM25 + fusion + coverage; target p95 < 100 ms at 100k")
    print(f"e5 at index time, chunks/s: float32 {rates['float32']}, int8 {rates['int8']}\n")
    verdicts = judged(rows[-1], rates)
    print(table(verdicts, list(verdicts[0])))
    write_result("scale", {"sizes": rows, "e5_budget": args.e5_budget, "e5_rates": rates, "judged": verdicts})


def _child(argv: list[str], what: str) -> Any:
    """Run this script's internal part in its own process (clean memory figures); its JSON result."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"{what} failed:\n{done.stderr[-4000:]}")
    return json.loads(line.removeprefix("RESULT "))


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "chunks": row["chunks"],
        "build s": row["build_s"],
        "e5 n": row["e5_embedded"],
        "e5 ch/s": row["e5_chunks_per_s"] or "-",
        "stand-in": row["stand_in_vectors"],
        "no-embed build s": row["build_without_embedding_s"],
        "resync s": row.get("resync_s", "-"),
        "open s": row["open_s"],
        "restart s": row.get("restart_s", "-"),
        "add one s": row.get("add_one_report_s", "-"),
        "remove one s": row.get("remove_one_report_s", "-"),
        "retr p50": row["retrieval"]["p50_ms"],
        "retr p95": row["retrieval"]["p95_ms"],
        "embed p95": row["query_embed"]["p95_ms"],
        "chroma p95": row["dense_chroma"]["p95_ms"],
        "bm25 old p95": row["bm25okapi_scores"]["p95_ms"],
        "bm25 new p95": row["bm25_keyword_index"]["p95_ms"],
        "next old ms": row["following_scan"]["p95_ms"],
        "next new ms": row["following_index"]["p95_ms"],
        "answer cold p95": row["answer_before_warm_up"]["p95_ms"],
        "answer warm p95": row["answer_after_warm_up"]["p95_ms"],
        "warm s": row["warm_up_bounded_s"],
        "warm all est s": row.get("warm_up_unbounded_est_s", "-"),
        "RSS open MB": row["rss_after_open_mb"],
        "RSS serving MB": row["rss_serving_mb"],
    }


if __name__ == "__main__":
    main()

"""Throughput of /api/chat on loopback: 1, 8 and 32 concurrent clients, answers/s, p50/p95, errors.

Two server set-ups, each with the default config (extractive answers, caches on, rate limit off):

- one process: `assistant serve` (answers run in its thread pool; torch pinned to 1 thread each);
- workers: a chroma server (`chroma run`, store.mode http) and `assistant serve --workers N`
  (N = number of cores by default), so every core runs its own interpreter.

Two question mixes, each request drawn fresh by every client:

- distinct: no question is ever repeated (the dev and team questions with varied openings and
  endings, then asked about other cities), so every request misses the answer and query caches;
- repeated: what a portal sees: 80 % from the 64 dev/team questions with Zipf(1.0) popularity
  (the suggested questions get most clicks; answers come from the cache after the first time),
  20 % distinct.

The client (asyncio + httpx, one process) shares the machine's cores with the server.

    .venv/bin/python bench/bench_throughput.py                  # 5 s per level
    .venv/bin/python bench/bench_throughput.py --duration 30    # the full run

Prints one table and writes bench/results/throughput.json.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from common import (
    RESULTS,
    VENV_BIN,
    baseline_code,
    bench_env,
    free_port,
    latency_summary,
    question_pool,
    serving,
    stop,
    table,
    write_result,
)

STATE = RESULTS / "throughput"
OPENINGS = ["", "请问", "你好，", "我想了解一下，", "麻烦问一下，", "想问问", "请帮我查一下：", "问一下："]
ENDINGS = ["", "谢谢", "？谢谢。", "，能说说吗？", "（报告里怎么说）", "呢"]


def distinct_questions() -> Iterator[str]:
    """Never the same string twice: varied openings and endings first, then other cities, then numbered."""
    from bench_scale import questions

    pool = question_pool()
    seen: set[str] = set()
    variants = (o + q.rstrip("？?") + (e if e else "？") for o, e in itertools.product(OPENINGS, ENDINGS) for q in pool)
    for question in itertools.chain(variants, questions(100_000)[len(pool) :]):
        if question not in seen:
            seen.add(question)
            yield question
    for n in itertools.count(1):
        yield f"{pool[n % len(pool)]}（第{n}问）"


def repeated_mix(fresh: Iterator[str], seed: int = 1) -> Iterator[str]:
    pool = question_pool()
    rng = random.Random(seed)
    weights = [1 / rank for rank in range(1, len(pool) + 1)]
    while True:
        yield rng.choices(pool, weights)[0] if rng.random() < 0.8 else next(fresh)


async def load(url: str, clients: int, duration: float, questions: Iterator[str]) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    refused = 0
    deadline = time.monotonic() + duration

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal refused
        while time.monotonic() < deadline:
            body = {"messages": [{"role": "user", "content": next(questions)}]}
            started = time.perf_counter()
            try:
                response = await http.post("/api/chat", json=body)
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            if response.status_code != 200:
                errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            refused += bool(response.json()["refused"])

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        started = time.monotonic()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.monotonic() - started
    return {
        "clients": clients,
        "answers_per_s": round(len(latencies) / elapsed, 1),
        **latency_summary(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "refused_share": round(refused / max(1, len(latencies)), 2),
    }


def wait_warm(log: Path, processes: int, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(re.findall(r"warm-up done", log.read_text(errors="replace"))) >= processes:
            return
        time.sleep(0.3)
    raise RuntimeError("warm-up did not finish")


@contextmanager
def chroma_server() -> Iterator[int]:
    port = free_port()
    STATE.mkdir(parents=True, exist_ok=True)
    log = (STATE / "chroma.log").open("wb")
    process = subprocess.Popen(
        [str(VENV_BIN / "chroma"), "run", "--path", str(STATE / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chroma server did not start: see " + str(STATE / "chroma.log")) from None
            time.sleep(0.2)
        yield port
    finally:
        stop(process)
        log.close()


def run_setup(
    label: str, args: argparse.Namespace, overlay: dict[str, Any], workers: int, code: Path | None = None
) -> list[dict[str, Any]]:
    env = bench_env(overlay, STATE)
    if workers > 1:  # the index lives in the chroma server: bring it up to date first
        subprocess.run([str(VENV_BIN / "assistant"), "index"], env=env, check=True, capture_output=True)
    rows = []
    fresh = distinct_questions()  # one stream per server: its caches never saw these
    with serving(["--workers", str(workers)] if code is None else [], env=env, code=code) as served:
        if code is None:
            wait_warm(served.log, workers)
        else:
            time.sleep(40)  # older code logs no end of its warm-up
        print(f"[{label}] ready after {served.ready_after:.1f} s", flush=True)
        asyncio.run(load(served.url, 1, 1.0, repeated_mix(fresh)))  # connections, first requests
        for mix in ("distinct", "repeated"):
            for clients in args.clients:
                questions = fresh if mix == "distinct" else repeated_mix(fresh)
                row = asyncio.run(load(served.url, clients, args.duration, questions))
                rows.append({"setup": label, "mix": mix, **row})
                print("  " + "  ".join(f"{c}={rows[-1][c]}" for c in COLUMNS), flush=True)
    return rows


COLUMNS = ["setup", "mix", "clients", "answers_per_s", "p50_ms", "p95_ms", "max_ms", "errors", "refused_share"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per level (full run: 30)")
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="processes of the second set-up")
    parser.add_argument("--skip-workers", action="store_true", help="only the one-process set-up")
    parser.add_argument("--baseline", metavar="COMMIT", help="also measure this commit's code first (e.g. b87cac5)")
    args = parser.parse_args()

    no_limit = {"server": {"rate_limit_per_minute": 10_000_000}}
    rows = []
    if args.baseline:  # an older commit's code, one process (it had no --workers)
        rows += run_setup(f"{args.baseline}, 1 process", args, no_limit, 1, baseline_code(args.baseline))
    rows += run_setup("1 process", args, no_limit, 1)
    if not args.skip_workers:
        with chroma_server() as port:
            overlay = {**no_limit, "store": {"mode": "http", "host": "127.0.0.1", "port": port}}
            rows += run_setup(f"{args.workers} workers", args, overlay, args.workers)
    print("\n" + table(rows, COLUMNS))
    best = max((r for r in rows if r["clients"] == max(args.clients)), key=lambda r: r["answers_per_s"])
    print(f"\ntarget: >= 100 answers/s at 32 clients, 0 errors; best at {best['clients']}: "
          f"{best['answers_per_s']}/s ({best['setup']}, {best['mix']})")
    write_result("throughput", {"rows": rows, "duration_s": args.duration, "workers": args.workers})


if __name__ == "__main__":
    main()

"""Answer latency through the real HTTP server: /api/search and /api/chat over the dev set.

Starts `assistant serve` (default config, extractive answers, a bench state folder, rate limit off)
on a loopback port and waits for its background warm-up to finish, then sends the dev set one
request at a time:

- first time: the answer cache off (cache_size 0) and every request a question the server has not
  seen (pass 1 is the dev set as written, later passes open each question differently: "请问…",
  "你好，…"), so every request embeds its question and runs the whole chain; ``--rounds`` passes.
  The targets (chat p95 < 150 ms, search p95 < 20 ms on 2 cores) are judged here.
- cached: default caches; the first pass fills them, the figures are the repeat pass (what a
  portal's popular questions cost).

    .venv/bin/python bench/bench_latency.py [--rounds 3] [--skip-cached] [--baseline COMMIT]

Prints one table and writes bench/results/latency.json.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path
from typing import Any

import httpx
from common import (
    baseline_code,
    bench_env,
    chat_body,
    conversations,
    latency_summary,
    serving,
    table,
    write_result,
)

TARGETS = {"chat": 150.0, "search": 20.0}
NO_LIMIT = {"server": {"rate_limit_per_minute": 10_000_000}}


def wait_warm(log_path: Any, timeout: float = 600) -> float:
    """Seconds until the server logged the end of its warm-up (the first answers are slower before)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        match = re.search(r"warm-up done in ([\d.]+) s", log_path.read_text(errors="replace"))
        if match:
            return float(match.group(1))
        time.sleep(0.2)
    raise RuntimeError("warm-up did not finish")


def timed_requests(client: httpx.Client, path: str, bodies: list[dict[str, Any]]) -> list[float]:
    out = []
    for body in bodies:
        started = time.perf_counter()
        response = client.post(path, json=body)
        out.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return out


BASELINE_SETTLE = 40.0  # older code logs no end of warm-up: wait this long instead


def settle(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


OPENINGS = ["", "请问", "你好，", "我想了解一下，", "麻烦问一下，", "想问问", "请帮我查一下：", "问一下："]


def measure(
    overlay: dict[str, Any], rounds: int, skip_first: bool, vary: bool, code: Path | None = None
) -> dict[str, Any]:
    with serving(env=bench_env(overlay), code=code) as served:
        warm = wait_warm(served.log) if code is None else settle(BASELINE_SETTLE)
        with httpx.Client(base_url=served.url, timeout=60) as client:
            client.post("/api/search", json={"query": "热身", "k": 1})  # connection and first-request set-up
            results: dict[str, list[float]] = {"chat": [], "search": []}
            for round_no in range(rounds):
                opening = OPENINGS[round_no % len(OPENINGS)] if vary else ""
                convs = [[*turns[:-1], opening + turns[-1]] for turns in conversations("devset.jsonl")]
                chat = timed_requests(client, "/api/chat", [chat_body(turns) for turns in convs])
                # search the chat questions asked differently, so neither endpoint reuses the other's vectors
                other = OPENINGS[(round_no + 4) % len(OPENINGS)] if vary else ""
                queries = [{"query": other + turns[-1].removeprefix(opening), "k": 5} for turns in convs]
                search = timed_requests(client, "/api/search", queries)
                if skip_first and round_no == 0:
                    continue  # the pass that filled the caches
                results["chat"] += chat
                results["search"] += search
    summaries = {k: latency_summary(v) for k, v in results.items()}
    return {"ready_s": round(served.ready_after, 2), "warm_up_s": warm, **summaries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="first-time passes over the dev set (36 chats each)")
    parser.add_argument("--skip-cached", action="store_true", help="only the first-time run")
    parser.add_argument("--baseline", metavar="COMMIT", help="also measure this commit's code (e.g. b87cac5)")
    args = parser.parse_args()

    runs = {"first time": measure({**NO_LIMIT, "answer": {"cache_size": 0}}, args.rounds, False, vary=True)}
    if not args.skip_cached:
        runs["cached repeat"] = measure(NO_LIMIT, 2, skip_first=True, vary=False)
    if args.baseline:  # the same first-time measurement of an older commit's code (it has no answer cache)
        runs[f"first time, {args.baseline}"] = measure(NO_LIMIT, args.rounds, False, True, baseline_code(args.baseline))

    rows = []
    for label, run in runs.items():
        for endpoint in ("search", "chat"):
            target = TARGETS[endpoint]
            met = run[endpoint]["p95_ms"] < target
            rows.append({"run": label, "endpoint": f"/api/{endpoint}", **run[endpoint],
                         "target p95": f"< {target:.0f} ms", "met": "yes" if met else "NO"})
    print(table(rows, ["run", "endpoint", "n", "p50_ms", "p95_ms", "max_ms", "target p95", "met"]))
    first = runs["first time"]
    print(f"\nserver ready after {first['ready_s']} s; background warm-up {first['warm_up_s']} s")
    write_result("latency", {"runs": runs, "targets_p95_ms": TARGETS, "rounds": args.rounds})


if __name__ == "__main__":
    main()

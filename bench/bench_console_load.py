"""Load with the console in use: citizens chat and rate answers while an operator browses the console.

One `assistant serve` on loopback (rate limit lifted, its own state folder and console account). For
``--duration`` seconds, ``--clients`` chat clients each ask a question (/api/chat), then rate the
answer (/api/feedback, alternately 👍 and 👎); at the same time one logged-in operator walks the
console's pages and CSV exports in a loop (概览, 未回答的问题, 反馈, 报告库 and the two CSVs).

The same load runs twice on the same server, first without the operator, then with: the ratio of
the two is what the console costs the citizens. Afterwards the feedback CSV is read back through the
console: every rating the server acknowledged (201) must be in it. Prints the status counts per kind
of request (a 5xx is a failure), latencies, and ratings acknowledged vs stored; exits 1 on any 5xx or
lost rating.

    .venv/bin/python bench/bench_console_load.py                       # 30 s, 16 clients
    .venv/bin/python bench/bench_console_load.py --duration 60 --clients 32

Writes bench/results/console_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import itertools
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
from common import VENV_BIN, bench_env, latency_summary, machine, question_pool, serving, table, write_result

USER, PASSWORD = "bench-operator", "bench-operator-password-1"
CONSOLE_PAGES = [
    "/admin/overview",
    "/admin/unanswered",
    "/admin/feedback",
    "/admin/library",
    "/admin/feedback.csv",
    "/admin/unanswered.csv",
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_operator(env: dict[str, str]) -> None:
    command = [str(VENV_BIN / "python"), "-m", "assistant.cli", "admin", "set-password", USER]
    subprocess.run(command, input=f"{PASSWORD}\n", text=True, env=env, check=True, capture_output=True)


class Tally:
    def __init__(self) -> None:
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.rated: list[str] = []  # message ids whose rating the server acknowledged

    async def timed(self, kind: str, request: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            reply: httpx.Response = await request
        except httpx.HTTPError:
            self.statuses[kind][0] += 1  # 0: no reply at all (connection error or timeout)
            return None
        self.statuses[kind][reply.status_code] += 1
        self.ms[kind].append((time.perf_counter() - started) * 1000)
        return reply


async def citizen(url: str, questions: Any, tally: Tally, until: float, number: int) -> None:
    ratings = itertools.cycle(["up", "down"] if number % 2 else ["down", "up"])
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        while time.monotonic() < until:
            question = next(questions)
            reply = await tally.timed(
                "chat", client.post("/api/chat", json={"messages": [{"role": "user", "content": question}]})
            )
            if reply is None or reply.status_code != 200:
                continue
            message = reply.json()["id"]
            rating = await tally.timed(
                "feedback", client.post("/api/feedback", json={"message_id": message, "rating": next(ratings)})
            )
            if rating is not None and rating.status_code == 201:
                tally.rated.append(message)


async def operator(url: str, tally: Tally, until: float) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120, follow_redirects=False) as client:
        await log_in(client)
        for page in itertools.cycle(CONSOLE_PAGES):
            if time.monotonic() >= until:
                break
            await tally.timed("console", client.get(page))


async def log_in(client: httpx.AsyncClient) -> None:
    form = await client.get("/admin/login")
    token = _CSRF.search(form.text)
    assert token, "no CSRF field on the login form"
    reply = await client.post(
        "/admin/login", data={"username": USER, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert reply.status_code == 303, f"login failed: {reply.status_code}"


async def stored_ratings(url: str) -> int:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        await log_in(client)
        export = await client.get("/admin/feedback.csv")
        export.raise_for_status()
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    return len(rows) - 1  # the header


async def run(url: str, clients: int, duration: float, questions: Any, *, console: bool) -> Tally:
    tally = Tally()
    until = time.monotonic() + duration
    operators = [operator(url, tally, until)] if console else []
    await asyncio.gather(*operators, *(citizen(url, questions, tally, until, n) for n in range(clients)))
    return tally


def distinct_questions() -> Any:
    """Each question with an opening and an ending that vary, so few answers come from the cache (after
    all 1,800 or so variants, they come round again)."""
    openings = ["", "请问", "我想知道", "麻烦问一下，", "想了解一下", "你好，"]
    endings = ["", "谢谢", "，麻烦了", "，急", "。"]
    variants = itertools.product(openings, endings, question_pool())
    return itertools.cycle([f"{o}{q.rstrip('？?')}{'？' if e else ''}{e}" for o, e, q in variants])


def rows_of(tally: Tally, phase: str, duration: float) -> list[dict[str, Any]]:
    rows = []
    for kind in ("chat", "feedback", "console"):
        statuses = tally.statuses[kind]
        if not statuses:
            continue
        summary = latency_summary(tally.ms[kind])
        rows.append(
            {
                "phase": phase,
                "requests": kind,
                "count": sum(statuses.values()),
                "per s": round(sum(statuses.values()) / duration, 1),
                "statuses": " ".join(f"{code}×{n}" for code, n in sorted(statuses.items())),
                "5xx": sum(n for code, n in statuses.items() if code >= 500 or code == 0),
                "p50 ms": summary["p50_ms"],
                "p95 ms": summary["p95_ms"],
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    questions = distinct_questions()
    with tempfile.TemporaryDirectory(prefix="console-load-") as folder:
        env = bench_env({"server": {"rate_limit_per_minute": 10_000_000}}, state=Path(folder))
        add_operator(env)
        with serving(env=env) as served:
            # The same server, first without the console in use, then with it: the ratio is the console's cost.
            alone = asyncio.run(run(served.url, args.clients, args.duration, questions, console=False))
            shared = asyncio.run(run(served.url, args.clients, args.duration, questions, console=True))
            stored = asyncio.run(stored_ratings(served.url))
    rows = rows_of(alone, "citizens only", args.duration) + rows_of(shared, "with the console", args.duration)
    acknowledged = len(alone.rated) + len(shared.rated)
    lost = acknowledged - stored
    print(table(rows, ["phase", "requests", "count", "per s", "statuses", "5xx", "p50 ms", "p95 ms"]))
    print(f"\nratings acknowledged: {acknowledged}, in the console's feedback export: {stored}, lost: {lost}")
    result = {"machine": machine(), "args": vars(args), "rows": rows, "acknowledged": acknowledged, "stored": stored}
    write_result("console_load", result)
    if lost or any(row["5xx"] for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()

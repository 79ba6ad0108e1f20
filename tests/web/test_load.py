"""Load: 32 concurrent clients against a real server on loopback, for a fixed time, mixing chat,
streamed chat, search and feedback. No reply may be a server error, no client may fail, and every
acknowledged rating must be in the database exactly once.

``pytest -m load`` selects these; ASSISTANT_LOAD_SECONDS (default 60) and ASSISTANT_LOAD_REAL_SECONDS
(default 15, the real model) set how long they run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from web_support import ask, hash_settings_in, healthy, parse_sse, serving, with_sections

from assistant.feedback import FeedbackStore, feedback_table
from core.settings import Settings

pytestmark = pytest.mark.load

CLIENTS = 32
SECONDS = float(os.environ.get("ASSISTANT_LOAD_SECONDS", "60"))
REAL_SECONDS = float(os.environ.get("ASSISTANT_LOAD_REAL_SECONDS", "15"))
UNLIMITED = {"rate_limit_per_minute": 10_000_000}  # every client shares one loopback address
DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset.jsonl"
MIX = {"chat": 4, "stream": 2, "search": 3, "feedback": 2}


def questions() -> list[str]:
    items = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [item["question"] for item in items if "question" in item]


@dataclass
class Tally:
    run: str  # the prefix of this run's feedback ids
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # the client could not get a reply at all
    acknowledged: list[str] = field(default_factory=list)  # feedback ids answered with 201
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def record(self, kind: str, status: int, started: float) -> None:
        self.statuses[(kind, status)] += 1
        self.latencies.setdefault(kind, []).append(time.monotonic() - started)

    def server_errors(self) -> dict[tuple[str, int], int]:
        return {key: n for key, n in self.statuses.items() if key[1] >= 500}

    def summary(self, seconds: float) -> str:
        total = sum(self.statuses.values())
        parts = [f"{total} requests in {seconds:.0f} s ({total / seconds:.1f}/s)"]
        for kind, values in sorted(self.latencies.items()):
            values.sort()
            p50, p95 = values[len(values) // 2], values[min(len(values) - 1, int(len(values) * 0.95))]
            parts.append(f"{kind} n={len(values)} p50={p50 * 1000:.0f} ms p95={p95 * 1000:.0f} ms")
        return "; ".join(parts)


class Client:
    """One simulated citizen: asks, reads streamed answers, searches and rates, until the deadline."""

    def __init__(self, name: str, http: httpx.AsyncClient, url: str, tally: Tally, asks: list[str]) -> None:
        self.name, self.http, self.url, self.tally, self.asks = name, http, url, tally, asks
        self.random = random.Random(name)
        self.sent = 0

    async def run(self, deadline: float) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < deadline:
            kind = self.random.choices(kinds, weights)[0]
            started = time.monotonic()
            try:
                status = await getattr(self, kind)()
            except httpx.HTTPError as exc:
                self.tally.failures.append(f"{kind}: {type(exc).__name__}: {exc}")
                continue
            self.tally.record(kind, status, started)

    async def chat(self) -> int:
        response = await self.http.post(f"{self.url}/api/chat", json=ask(self.random.choice(self.asks)))
        return response.status_code

    async def stream(self) -> int:
        body = {**ask(self.random.choice(self.asks)), "stream": True}
        async with self.http.stream("POST", f"{self.url}/api/chat", json=body) as response:
            text = (await response.aread()).decode()
        if response.status_code == 200 and parse_sse(text)[-1].name != "done":
            self.tally.failures.append(f"stream ended without done: {text[-200:]}")
        return response.status_code

    async def search(self) -> int:
        response = await self.http.post(f"{self.url}/api/search", json={"query": self.random.choice(self.asks)})
        return response.status_code

    async def feedback(self) -> int:
        self.sent += 1
        message_id = f"{self.name}-{self.sent}"
        rating = self.random.choice(["up", "down"])
        response = await self.http.post(f"{self.url}/api/feedback", json={"message_id": message_id, "rating": rating})
        if response.status_code == 201:
            self.tally.acknowledged.append(message_id)
        return response.status_code


async def load(url: str, seconds: float, clients: int = CLIENTS) -> Tally:
    tally = Tally(run=f"load-{uuid.uuid4().hex[:8]}")  # the database may hold other runs' rows
    # Idle connections are dropped well before uvicorn's 5 s keep-alive ends: reusing one just as the
    # server closes it fails on the client side (a ReadError), whatever the server does.
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=1.0)
    asks = questions()
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        deadline = time.monotonic() + seconds
        crowd = [Client(f"{tally.run}-{n}", http, url, tally, asks) for n in range(clients)]
        await asyncio.gather(*(client.run(deadline) for client in crowd))
    return tally


def stored_feedback(settings: Settings, run: str) -> Counter[str]:
    """Feedback rows per message id of one run, read straight from the database."""
    store = FeedbackStore.from_settings(settings)
    query = (
        sa.select(feedback_table.c.message_id, sa.func.count())
        .where(feedback_table.c.message_id.like(f"{run}-%"))
        .group_by(feedback_table.c.message_id)
    )
    with store.engine.connect() as connection:
        counts = Counter({message_id: n for message_id, n in connection.execute(query)})
    store.close()
    return counts


def check(tally: Tally, settings: Settings, url: str) -> None:
    assert tally.failures == [], tally.failures[:5]
    assert tally.server_errors() == {}, tally.summary(SECONDS)
    assert {kind for kind, _ in tally.statuses} == set(MIX), "every kind of request was made"
    assert all(status in (200, 201) for _, status in tally.statuses), tally.statuses
    assert stored_feedback(settings, tally.run) == Counter(tally.acknowledged)  # each acknowledged row once, no others
    assert healthy(url)


def test_32_clients_for_a_minute(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.service import Assistant

    settings = hash_settings_in(tmp_path, server=UNLIMITED)
    with serving(settings, Assistant.from_settings(settings)) as url:
        started = time.monotonic()
        tally = asyncio.run(load(url, SECONDS))
        elapsed = time.monotonic() - started
        with capsys.disabled():
            print(f"\nload (hash assistant): {tally.summary(elapsed)}")
        assert elapsed < SECONDS + 60, "stops by itself"
        check(tally, settings, url)
    assert len(tally.acknowledged) > 50


@pytest.mark.slow
def test_32_clients_against_the_real_model(
    real_settings: Settings, assistant: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = with_sections(real_settings, server=UNLIMITED)
    assistant.warm_up()  # as `assistant serve` does; the cold sentence vectors are not what is measured
    with serving(settings, assistant) as url:
        started = time.monotonic()
        tally = asyncio.run(load(url, REAL_SECONDS))
        elapsed = time.monotonic() - started
        with capsys.disabled():
            print(f"\nload (real model): {tally.summary(elapsed)}")
        check(tally, settings, url)

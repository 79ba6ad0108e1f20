"""Per-client rate limits for the public endpoints: in memory (one process), or in the shared database."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from core.errors import RateLimited

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60.0
Limiter = Callable[[Request], Awaitable[None]]  # a FastAPI dependency that raises RateLimited
_SWEEP_EVERY = 1000  # requests between purges of idle clients, so memory stays bounded


class SlidingWindowLimiter:
    """At most ``limit`` requests per client in any ``window`` seconds; used as a FastAPI dependency.

    In memory, per process: behind several workers each counts separately, so the effective
    limit is ``limit`` x workers (``SharedWindowLimiter`` counts in the shared database instead).
    The client is the socket peer; behind a reverse proxy run uvicorn with
    ``--proxy-headers --forwarded-allow-ips=<proxy>`` so that is the citizen's IP.
    """

    def __init__(
        self, limit: int, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._calls = 0

    def hit(self, client: str) -> float:
        """Count one request; 0 if allowed, else the seconds until the client may try again."""
        now = self.clock()
        with self._lock:
            self._calls += 1
            if self._calls % _SWEEP_EVERY == 0:
                self._sweep(now)
            hits = self._hits.setdefault(client, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return 0.0

    def _sweep(self, now: float) -> None:
        idle = [c for c, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
        for client in idle:
            del self._hits[client]

    async def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        wait = self.hit(client)
        if wait > 0:
            raise RateLimited(retry_after=max(1, math.ceil(wait)))


_metadata = sa.MetaData()
rate_table = sa.Table(
    "rate_limit",
    _metadata,
    sa.Column("client", sa.String(64), primary_key=True),
    sa.Column("window", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("hits", sa.Integer, nullable=False),
)


class SharedWindowLimiter:
    """The same limit, counted in the database every server shares (``server.rate_limit_shared``), so
    several processes or machines behind a load balancer hold no count of their own.

    Counts are kept per fixed window; the previous window is weighted by how much of it the sliding
    window still covers (Cloudflare's estimate), which is close to a true sliding window at one read
    and one write per request. If the database fails, requests are let through: a limit is no reason
    to stop answering.
    """

    def __init__(
        self, engine: sa.Engine, limit: int, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.limit = limit
        self.window = window
        self.clock = clock
        self._calls = 0
        _metadata.create_all(engine)

    def _hits(self, db: sa.Connection, client: str, window: int) -> int:
        where = (rate_table.c.client == client) & (rate_table.c.window == window)
        return int(db.execute(sa.select(rate_table.c.hits).where(where)).scalar() or 0)

    def hit(self, client: str) -> float:
        """Count one request; 0 if allowed, else the seconds until the client may try again."""
        now = self.clock()
        current = int(now // self.window)
        into = (now - current * self.window) / self.window  # how far into the current window
        client = client[:64]
        try:
            with self.engine.begin() as db:
                earlier, hits = self._hits(db, client, current - 1), self._hits(db, client, current)
                if earlier * (1 - into) + hits >= self.limit:
                    return max(1.0, (1 - into) * self.window if hits >= self.limit else self.window / earlier)
                self._count(db, client, current, hits)
                self._calls += 1
                if self._calls % _SWEEP_EVERY == 0:
                    db.execute(rate_table.delete().where(rate_table.c.window < current - 1))
        except SQLAlchemyError:
            log.exception("rate limit database failed; letting the request through")
        return 0.0

    def _count(self, db: sa.Connection, client: str, window: int, hits: int) -> None:
        where = (rate_table.c.client == client) & (rate_table.c.window == window)
        if hits:
            db.execute(rate_table.update().where(where).values(hits=rate_table.c.hits + 1))
            return
        try:
            with db.begin_nested():
                db.execute(rate_table.insert().values(client=client, window=window, hits=1))
        except IntegrityError:  # another server counted this client's first request of the window
            db.execute(rate_table.update().where(where).values(hits=rate_table.c.hits + 1))

    async def __call__(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        wait = await run_in_threadpool(self.hit, client)
        if wait > 0:
            raise RateLimited(retry_after=max(1, math.ceil(wait)))

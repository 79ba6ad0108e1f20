"""Per-client sliding-window rate limit for the public endpoints."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request

from assistant.web.errors import RateLimited

WINDOW_SECONDS = 60.0
_SWEEP_EVERY = 1000  # requests between purges of idle clients, so memory stays bounded


class SlidingWindowLimiter:
    """At most ``limit`` requests per client in any ``window`` seconds; used as a FastAPI dependency.

    In memory, per process: behind several workers each counts separately, so the effective
    limit is ``limit`` x workers. The client is the socket peer; behind a reverse proxy run
    uvicorn with ``--proxy-headers --forwarded-allow-ips=<proxy>`` so that is the citizen's IP.
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

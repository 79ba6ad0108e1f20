"""Running the assistant's blocking calls from async routes: in worker threads, with a time limit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

import anyio
from starlette.concurrency import iterate_in_threadpool

from core.errors import AnswerTimeout
from core.types import Answer, Delta

T = TypeVar("T")
Event = Delta | Answer


class Offload:
    """``await offload.call(f)`` runs ``f`` in a worker thread; past ``timeout`` the route replies 504
    and the thread finishes alone."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def call(self, func: Callable[[], T]) -> T:
        try:
            with anyio.fail_after(self.timeout):
                return await anyio.to_thread.run_sync(func, abandon_on_cancel=True)
        except TimeoutError:
            raise AnswerTimeout(f"no answer within {self.timeout}s") from None

    async def stream(self, events: Iterator[Event]) -> AsyncIterator[Event]:
        """The events as they are produced. Errors before the first one (e.g. an invalid question)
        are raised here, so they still become an HTTP status instead of an event."""
        pending = iterate_in_threadpool(events)
        first = await anext(pending)
        return _prepend(first, pending)


async def _prepend(first: Event, rest: AsyncIterator[Event]) -> AsyncIterator[Event]:
    yield first
    async for event in rest:
        yield event

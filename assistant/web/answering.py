"""The assistant as the HTTP edge calls it: in worker threads, with a time limit, gaps recorded."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Protocol, TypeVar

import anyio
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from assistant.chain import Delta
from assistant.feedback import FeedbackStore
from assistant.privacy import mask_personal_data
from core.errors import AnswerTimeout
from core.types import Answer, Message, Passage
from index.loader import Document
from index.store import StoredDocument

log = logging.getLogger(__name__)
T = TypeVar("T")
Event = Delta | Answer
REFUSED = "refused (api)"


class StatsLike(Protocol):
    chunks: int
    documents: int


class AssistantLike(Protocol):
    """What the web edge needs of ``assistant.service.Assistant``."""

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer: ...
    def stream(self, messages: list[Message], doc: str | None = None) -> Iterator[Event]: ...
    def search(self, query: str, k: int | None = None, doc: str | None = None) -> list[Passage]: ...
    def stats(self) -> StatsLike: ...
    def documents(self) -> list[Document]: ...
    def library(self) -> list[StoredDocument]: ...


class Answering:
    def __init__(self, assistant: AssistantLike, store: FeedbackStore, timeout: float) -> None:
        self.assistant = assistant
        self.store = store
        self.timeout = timeout

    async def _in_thread(self, func: Callable[[], T]) -> T:
        """Run ``func`` in a worker thread; past the timeout, reply 504 and let the thread finish alone."""
        try:
            with anyio.fail_after(self.timeout):
                return await anyio.to_thread.run_sync(func, abandon_on_cancel=True)
        except TimeoutError:
            raise AnswerTimeout(f"no answer within {self.timeout}s") from None

    async def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
        answer = await self._in_thread(lambda: self.assistant.answer(messages, doc))
        await self._record(messages, answer)
        return answer

    async def search(self, query: str, k: int | None, doc: str | None = None) -> list[Passage]:
        return await self._in_thread(lambda: self.assistant.search(query, k, doc))

    async def library(self) -> list[StoredDocument]:
        return await self._in_thread(self.assistant.library)

    async def stream(self, messages: list[Message], doc: str | None = None) -> AsyncIterator[Event]:
        """The answer as it is produced. Errors before the first piece (e.g. an invalid question)
        are raised here, so they still become an HTTP status instead of an event."""
        events = iterate_in_threadpool(self.assistant.stream(messages, doc))
        first = await anext(events)

        async def rest() -> AsyncIterator[Event]:
            async for event in _prepend(first, events):
                if isinstance(event, Answer):
                    await self._record(messages, event)
                yield event

        return rest()

    async def _record(self, messages: list[Message], answer: Answer) -> None:
        if not answer.refused:
            return
        try:
            reason = answer.reason or REFUSED
            # The log is for the report's owners: what was asked, never who asked it.
            question = mask_personal_data(messages[-1].content.strip())
            await run_in_threadpool(self.store.log_unanswered, question, reason)
        except Exception:
            # The citizen still gets the answer; operators get the traceback.
            log.exception("could not record an unanswered question")


async def _prepend(first: Event, rest: AsyncIterator[Event]) -> AsyncIterator[Event]:
    yield first
    async for event in rest:
        yield event

"""Answers kept per process: a public portal hears the same few questions (the suggested ones) all day.

The key is the normalised conversation, the report it is scoped to, and the index generation, so a
changed library never serves an old answer: each server notices a new generation within
``store.refresh_seconds`` and from then on misses the cache until it fills again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from assistant.chain import Delta
from core.types import Answer, Message, Passage
from index.lru import LRUCache

Key = tuple[str, str, tuple[tuple[str, str], ...]]


def conversation_key(messages: Sequence[Message]) -> tuple[tuple[str, str], ...]:
    """Role and text of each message, whitespace collapsed: "松原 GDP？ " and "松原 GDP？" are one question."""
    return tuple((m.role, " ".join(m.content.split())) for m in messages)


class CachedAssistant:
    """The assistant with its answers remembered; everything else passes straight through."""

    def __init__(self, assistant: Any, size: int) -> None:
        self.inner = assistant
        self.settings = assistant.settings
        self.answers: LRUCache[Key, Answer] = LRUCache(size)

    def _key(self, messages: Sequence[Message], doc: str | None) -> Key:
        retriever = self.inner.retriever
        retriever.refresh()
        return (retriever.view.generation, doc or "", conversation_key(messages))

    def _keep(self, key: Key, answer: Answer) -> None:
        if not answer.notice:  # a stand-in answer (LLM down) must not outlive the outage
            self.answers.put(key, answer)

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
        key = self._key(messages, doc)
        cached = self.answers.get(key)
        if cached is not None:
            return cached
        answer = self.inner.answer(messages, doc)
        self._keep(key, answer)
        return answer  # type: ignore[no-any-return]

    def stream(self, messages: list[Message], doc: str | None = None) -> Iterator[Delta | Answer]:
        key = self._key(messages, doc)
        cached = self.answers.get(key)
        if cached is not None:
            yield Delta(cached.text)
            yield cached
            return
        for event in self.inner.stream(messages, doc):
            if isinstance(event, Answer):
                self._keep(key, event)
            yield event

    def search(self, query: str, k: int | None = None, doc: str | None = None) -> list[Passage]:
        return self.inner.search(query, k, doc)  # type: ignore[no-any-return]

    def stats(self) -> Any:
        return self.inner.stats()

    def documents(self) -> Any:
        return self.inner.documents()

    def library(self) -> Any:
        return self.inner.library()

    def retrieve(self, messages: list[Message], doc: str | None = None) -> list[Passage]:
        return self.inner.retrieve(messages, doc)  # type: ignore[no-any-return]

    def warm_up(self) -> None:
        self.inner.warm_up()

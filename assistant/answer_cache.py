"""Answers kept per process: a public portal hears the same few questions (the suggested ones) all day.

The key is the normalised conversation plus the index version, so a changed report never serves an
old answer. Until the index carries its own version, the version is a hash of the chunk ids the
retriever holds (content hashes: they change whenever the text does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from assistant.chain import Delta
from assistant.types import Answer, Message, Passage
from index.lru import LRUCache

Key = tuple[str, tuple[tuple[str, str], ...]]


def conversation_key(messages: Sequence[Message]) -> tuple[tuple[str, str], ...]:
    """Role and text of each message, whitespace collapsed: "松原 GDP？ " and "松原 GDP？" are one question."""
    return tuple((m.role, " ".join(m.content.split())) for m in messages)


def index_version(passages: Sequence[Passage]) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for chunk_id in sorted(p.chunk_id for p in passages):
        digest.update(chunk_id.encode())
    return digest.hexdigest()


class CachedAssistant:
    """The assistant with its answers remembered; everything else passes straight through."""

    def __init__(self, assistant: Any, size: int) -> None:
        self.inner = assistant
        self.settings = assistant.settings
        self.answers: LRUCache[Key, Answer] = LRUCache(size)
        self.version = index_version(assistant.retriever.passages)

    def _key(self, messages: Sequence[Message]) -> Key:
        return (self.version, conversation_key(messages))

    def _keep(self, key: Key, answer: Answer) -> None:
        if not answer.notice:  # a stand-in answer (LLM down) must not outlive the outage
            self.answers.put(key, answer)

    def answer(self, messages: list[Message]) -> Answer:
        key = self._key(messages)
        cached = self.answers.get(key)
        if cached is not None:
            return cached
        answer = self.inner.answer(messages)
        self._keep(key, answer)
        return answer

    def stream(self, messages: list[Message]) -> Iterator[Delta | Answer]:
        key = self._key(messages)
        cached = self.answers.get(key)
        if cached is not None:
            yield Delta(cached.text)
            yield cached
            return
        for event in self.inner.stream(messages):
            if isinstance(event, Answer):
                self._keep(key, event)
            yield event

    def search(self, query: str, k: int | None = None) -> list[Passage]:
        return self.inner.search(query, k)  # type: ignore[no-any-return]

    def stats(self) -> Any:
        return self.inner.stats()

    def documents(self) -> Any:
        return self.inner.documents()

    def retrieve(self, messages: list[Message]) -> list[Passage]:
        return self.inner.retrieve(messages)  # type: ignore[no-any-return]

    def warm_up(self) -> None:
        self.inner.warm_up()

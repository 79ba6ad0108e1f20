"""Answers kept per process: a public portal hears the same few questions (the suggested ones) all day.

The key is the normalised conversation, the report it is scoped to, and the index generation, so a
changed library never serves an old answer: each server notices a new generation within
``store.refresh_seconds`` and from then on misses the cache until it fills again.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.types import Answer, Message
from index.lru import LRUCache

Key = tuple[str, str, tuple[tuple[str, str], ...]]


def conversation_key(messages: Sequence[Message]) -> tuple[tuple[str, str], ...]:
    """Role and text of each message, whitespace collapsed: "松原 GDP？ " and "松原 GDP？" are one question."""
    return tuple((m.role, " ".join(m.content.split())) for m in messages)


class AnswerCache:
    def __init__(self, size: int) -> None:
        self.answers: LRUCache[Key, Answer] = LRUCache(size)

    @staticmethod
    def key(generation: str, doc: str | None, messages: Sequence[Message]) -> Key:
        return (generation, doc or "", conversation_key(messages))

    def get(self, key: Key) -> Answer | None:
        return self.answers.get(key)

    def keep(self, key: Key, answer: Answer) -> None:
        if not answer.notice:  # a stand-in answer (LLM down) must not outlive the outage
            self.answers.put(key, answer)

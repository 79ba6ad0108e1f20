"""Answers kept per process: the same conversation is answered once, a changed one or a new index is not."""

from __future__ import annotations

from typing import Any

from assistant.answer_cache import CachedAssistant, conversation_key, index_version
from assistant.chain import Delta
from assistant.types import Answer, Message, Passage

GDP = "2023年前三季度松原市GDP增长了多少？"


class Counting:
    """Passes through to the assistant, counting what it had to answer."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.settings, self.retriever = inner, inner.settings, inner.retriever
        self.calls = 0

    def answer(self, messages: list[Message]) -> Answer:
        self.calls += 1
        return self.inner.answer(messages)  # type: ignore[no-any-return]

    def stream(self, messages: list[Message]):  # type: ignore[no-untyped-def]
        self.calls += 1
        yield from self.inner.stream(messages)


def test_a_repeated_question_is_answered_once(hash_assistant: Any) -> None:
    inner = Counting(hash_assistant)
    cached = CachedAssistant(inner, size=8)
    first = cached.answer([Message("user", GDP)])
    again = cached.answer([Message("user", f"  {GDP} ")])  # whitespace does not make a new question
    assert again == first and inner.calls == 1
    cached.answer([Message("user", "查干湖的水质怎么样？")])
    assert inner.calls == 2


def test_history_is_part_of_the_key() -> None:
    one = [Message("user", "长岭那边呢？")]
    two = [Message("user", "松原的通航产业有什么进展？"), Message("assistant", "…"), *one]
    assert conversation_key(one) != conversation_key(two)


def test_a_stream_is_replayed_from_the_cache(hash_assistant: Any) -> None:
    inner = Counting(hash_assistant)
    cached = CachedAssistant(inner, size=8)
    streamed = list(cached.stream([Message("user", GDP)]))
    replayed = list(cached.stream([Message("user", GDP)]))
    assert inner.calls == 1
    assert replayed == [Delta(streamed[-1].text), streamed[-1]]  # type: ignore[union-attr]
    assert cached.answer([Message("user", GDP)]) == streamed[-1]  # one cache for both entry points


def test_stand_in_answers_are_not_kept(hash_assistant: Any) -> None:
    class Degraded(Counting):
        def answer(self, messages: list[Message]) -> Answer:
            self.calls += 1
            return Answer(text="摘录", notice="智能回答服务暂时不可用")

    inner = Degraded(hash_assistant)
    cached = CachedAssistant(inner, size=8)
    cached.answer([Message("user", GDP)])
    cached.answer([Message("user", GDP)])
    assert inner.calls == 2


def test_size_zero_keeps_nothing(hash_assistant: Any) -> None:
    inner = Counting(hash_assistant)
    cached = CachedAssistant(inner, size=0)
    cached.answer([Message("user", GDP)])
    cached.answer([Message("user", GDP)])
    assert inner.calls == 2


def test_the_index_version_follows_the_chunks(hash_assistant: Any) -> None:
    passages = hash_assistant.retriever.passages
    assert index_version(passages) == index_version(list(reversed(passages)))
    changed = [*passages[:-1], Passage("other-id", "新文本", "doc", "", "", "", 1, 0, 3)]
    assert index_version(changed) != index_version(passages)

"""Answers kept per process: the same conversation is answered once, a changed one or a new index is not."""

from __future__ import annotations

from typing import Any

from assistant.answer_cache import CachedAssistant, conversation_key
from assistant.chain import Delta
from core.types import Answer, Message

GDP = "2023年前三季度松原市GDP增长了多少？"


class Counting:
    """Passes through to the assistant, counting what it had to answer."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.settings, self.retriever = inner, inner.settings, inner.retriever
        self.calls = 0

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
        self.calls += 1
        return self.inner.answer(messages, doc)  # type: ignore[no-any-return]

    def stream(self, messages: list[Message], doc: str | None = None):  # type: ignore[no-untyped-def]
        self.calls += 1
        yield from self.inner.stream(messages, doc)


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
        def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
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


def test_a_new_index_generation_or_another_report_misses_the_cache(hash_assistant: Any, tmp_path: Any) -> None:
    from index.library import add_files

    inner = Counting(hash_assistant)
    cached = CachedAssistant(inner, size=8)
    cached.answer([Message("user", GDP)])
    cached.answer([Message("user", GDP)], doc="songyuan-2023-plenary-report")  # another scope
    assert inner.calls == 2
    county = tmp_path / "qinghe.txt"
    county.write_text("青禾县2024年工作报告（虚构）\n\n全县地区生产总值增长6.2%。\n", encoding="utf-8")
    add_files(hash_assistant.settings, hash_assistant.embedder, [county])
    hash_assistant.retriever.refresh(force=True)
    cached.answer([Message("user", GDP)])
    assert inner.calls == 3  # a changed library answers afresh

"""One question (after an optional history) put to the assistant, as the tests ask them."""

from __future__ import annotations

from typing import Any

from core.types import Answer, Message


def ask(assistant: Any, question: str, history: list[Message] | None = None, doc: str | None = None) -> Answer:
    return assistant.answer([*(history or []), Message("user", question)], doc)  # type: ignore[no-any-return]


def prompt_end(question: str) -> str:
    """How the answer prompt ends for ``question``: its <question> block and the reminder after it."""
    from assistant.prompts import load_prompt

    return "<question>" + load_prompt("answer").split("<question>")[-1].format(question=question).rstrip()

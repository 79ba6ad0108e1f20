"""The OpenAI-compatible answer provider (vLLM, Ollama, llama.cpp server, hosted Qwen or DeepSeek)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

from assistant.errors import ProviderUnavailable
from assistant.prompts import load_prompt
from assistant.settings import OpenAISettings
from assistant.types import Message, Passage

log = logging.getLogger(__name__)


def make_chat_model(settings: OpenAISettings) -> Any:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ProviderUnavailable("langchain-openai is not installed: pip install langchain-openai==1.7.4") from exc
    return ChatOpenAI(
        base_url=settings.base_url,
        model=settings.model,
        # Local servers (llama.cpp, vLLM) accept any key; the client library insists on one.
        api_key=os.environ.get(settings.api_key_env) or "not-needed",
        timeout=settings.timeout,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        max_retries=0,  # a slow endpoint falls back to the extractive answer, not a retry storm
    )


def format_passages(passages: list[Passage]) -> str:
    return "\n\n".join(f"[{n}]（{p.section}）{p.text}" for n, p in enumerate(passages, start=1))


def format_history(history: list[Message]) -> str:
    names = {"user": "用户", "assistant": "助手"}
    return "\n".join(f"{names[m.role]}：{m.content}" for m in history)


class LLMAnswerer:
    """Answers and condenses through a LangChain chat model; every failure is ProviderUnavailable."""

    def __init__(self, chat_model: Any, refusal: str) -> None:
        self.chat_model = chat_model
        self.refusal = refusal
        self.system = load_prompt("system").format(refusal=refusal)
        self.answer_template = load_prompt("answer")
        self.condense_template = load_prompt("condense")

    def _answer_messages(self, question: str, passages: list[Passage]) -> list[tuple[str, str]]:
        title = passages[0].title if passages else ""
        user = self.answer_template.format(title=title, passages=format_passages(passages), question=question)
        return [("system", self.system), ("human", user)]

    def stream_answer(self, question: str, passages: list[Passage]) -> Iterator[str]:
        try:
            for chunk in self.chat_model.stream(self._answer_messages(question, passages)):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as exc:  # connection, timeout, HTTP status, malformed stream: all mean unavailable
            raise ProviderUnavailable(f"LLM endpoint failed: {type(exc).__name__}: {exc}") from exc

    def condense(self, question: str, history: list[Message]) -> str:
        prompt = self.condense_template.format(history=format_history(history), question=question)
        try:
            reply = self.chat_model.invoke([("human", prompt)])
        except Exception as exc:
            raise ProviderUnavailable(f"LLM endpoint failed: {type(exc).__name__}: {exc}") from exc
        text = str(reply.content).strip().splitlines()
        return text[0].strip() if text and text[0].strip() else question

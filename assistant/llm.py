"""The OpenAI-compatible answer provider (vLLM, Ollama, llama.cpp server, hosted Qwen or DeepSeek)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

from assistant.prompt_leak import LeakGuard, PromptLeak
from assistant.prompts import load_prompt
from core.errors import ProviderUnavailable
from core.settings import OpenAISettings
from core.types import Message, Passage

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


def as_data(text: str) -> str:
    """Text that cannot close or open the prompt's tags: the passages and the question are data."""
    return text.replace("<", "＜").replace(">", "＞")


def format_passage(n: int, passage: Passage) -> str:
    section = as_data(passage.section).replace('"', "＂")  # it stands in an attribute
    return f'<passage n="{n}" section="{section}">\n{as_data(passage.text)}\n</passage>'


def format_passages(passages: list[Passage]) -> str:
    return "\n".join(format_passage(n, p) for n, p in enumerate(passages, start=1))


def format_history(history: list[Message]) -> str:
    names = {"user": "用户", "assistant": "助手"}
    return "\n".join(f"{names[m.role]}：{m.content}" for m in history)


class LLMAnswerer:
    """Answers and condenses through a LangChain chat model; every failure is ProviderUnavailable."""

    def __init__(self, chat_model: Any, refusal: str) -> None:
        self.chat_model = chat_model
        self.refusal = refusal
        template = load_prompt("system")
        self.system = template.format(refusal=refusal)
        # Everything of the prompt but the refusal sentence, which the model is asked to say.
        self.secret_parts = [part.replace("{{", "{").replace("}}", "}") for part in template.split("{refusal}")]
        self.answer_template = load_prompt("answer")
        self.condense_template = load_prompt("condense")

    def _answer_messages(self, question: str, passages: list[Passage]) -> list[tuple[str, str]]:
        title = as_data(passages[0].title) if passages else ""
        passages_text = format_passages(passages)
        user = self.answer_template.format(title=title, passages=passages_text, question=as_data(question))
        return [("system", self.system), ("human", user)]

    def stream_answer(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """The answer's pieces; a model reciting its instructions is cut off and says the refusal instead."""
        guard = LeakGuard(self.secret_parts)
        try:
            for piece in self._stream(self._answer_messages(question, passages)):
                if safe := guard.feed(piece):
                    yield safe
        except PromptLeak as leak:
            log.warning("refused: the LLM output repeats its instructions (%s)", leak)
            yield self.refusal  # the chain turns the refusal sentence into a refused answer
            return
        if not guard.text.strip():  # a 200 without a single word: an HTML page, an odd stream, a broken proxy
            raise ProviderUnavailable("LLM endpoint returned no answer text")
        if rest := guard.flush():
            yield rest

    def _stream(self, messages: list[tuple[str, str]]) -> Iterator[str]:
        try:
            for chunk in self.chat_model.stream(messages):
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

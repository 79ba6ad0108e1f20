"""The grounding guard seen from the HTTP API: a sentence it drops never reaches a stream, the page's
/api/chat nor an OpenAI client's /v1, and the request log counts what it kept and dropped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fakes.openai_server import FakeOpenAI
from test_request_log import captured
from web_support import ask, parse_sse

from core.types import Message

INCOME = "脱贫人口人均纯收入达到多少？"
BAD = "常住人口约为16442人[{n}]。"
GOOD = "脱贫人口人均纯收入达到16442元[{n}]。"


@pytest.fixture()
def llm_url(serve_llm: Callable[..., str]) -> str:
    return serve_llm(answer={"cache_size": 0})


Reply = tuple[str, str]


@pytest.fixture()
def reply(hash_assistant: Any) -> Reply:
    """A grounded sentence and one with a figure from the wrong sentence, citing the income passage."""
    passages = hash_assistant.retrieve([Message("user", INCOME)])
    n = next(n for n, p in enumerate(passages, 1) if "16442元" in p.text)
    return GOOD.format(n=n), BAD.format(n=n)


def test_a_dropped_sentence_never_reaches_the_api_stream(llm_url: str, fake: FakeOpenAI, reply: Reply) -> None:
    good, bad = reply
    fake.script(bad + good)
    with captured() as lines:
        body = httpx.post(f"{llm_url}/api/chat", json={**ask(INCOME), "stream": True}, timeout=30).text
    events = parse_sse(body)
    assert "16442人" not in body
    assert "".join(e.data["text"] for e in events if e.name == "delta") == good
    assert [e.name for e in events[-2:]] == ["citations", "done"] and events[-2].data["answer"] == good
    [line] = [line for line in lines if line["route"] == "/api/chat"]
    assert line["grounding"] == {"kept": 1, "dropped": {"figure": 1}, "fallback": False}


def test_a_dropped_sentence_never_reaches_an_openai_client(llm_url: str, fake: FakeOpenAI, reply: Reply) -> None:
    good, bad = reply
    fake.script(good + bad)
    request = {**ask(INCOME), "model": "report-assistant", "stream": True}
    body = httpx.post(f"{llm_url}/v1/chat/completions", json=request, timeout=30).text
    chunks = [e.data for e in parse_sse(body) if e.data != "[DONE]"]
    assert "16442人" not in body
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == good == chunks[-1]["answer"]


def test_nothing_grounded_is_logged_as_a_fallback(llm_url: str, fake: FakeOpenAI, reply: Reply) -> None:
    fake.script(reply[1])
    with captured() as lines:
        answer = httpx.post(f"{llm_url}/api/chat", json=ask(INCOME), timeout=30).json()
    assert "16442人" not in answer["answer"] and answer["notice"] and answer["citations"]
    [line] = [line for line in lines if line["route"] == "/api/chat"]
    assert line["grounding"] == {"kept": 0, "dropped": {"figure": 1}, "fallback": True}

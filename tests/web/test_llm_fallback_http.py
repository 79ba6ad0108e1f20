"""A failing LLM endpoint, seen from the HTTP API: the citizen still gets the report's own sentences,
with the notice, over plain and streamed chat; never an error.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fakes.openai_server import FakeOpenAI, Reply
from web_support import ask, healthy, parse_sse

from assistant.chain import FALLBACK_NOTICE

GDP = "2023年前三季度松原市GDP增长了多少？"
FAILURES = {
    "http-500": Reply("", status=500),
    "garbage": Reply("", raw=b"<html>upstream error</html>", content_type="text/html"),
    "slower-than-the-timeout": Reply("前三季度全市GDP增长5.8%[1]。", delay=3),
}


@pytest.fixture()
def llm_url(serve_llm: Callable[..., str]) -> str:
    return serve_llm(openai={"timeout": 1})


@pytest.mark.parametrize("failure", list(FAILURES))
def test_the_api_answers_from_the_report_when_the_llm_fails(llm_url: str, fake: FakeOpenAI, failure: str) -> None:
    fake.script(FAILURES[failure], FAILURES[failure])
    plain = httpx.post(f"{llm_url}/api/chat", json=ask(GDP), timeout=30)
    assert plain.status_code == 200
    body = plain.json()
    assert body["notice"] == FALLBACK_NOTICE and not body["refused"] and body["citations"]
    events = parse_sse(httpx.post(f"{llm_url}/api/chat", json={**ask(GDP), "stream": True}, timeout=30).text)
    assert [e.name for e in events[-2:]] == ["citations", "done"]
    assert events[-2].data["notice"] == FALLBACK_NOTICE and events[-2].data["citations"]
    assert len(fake.requests) == 2 and healthy(llm_url)

"""Hostile and odd requests against a real server: each gets a clear Chinese 4xx with a stable code
(or, when it is a fair question after all, a normal answer), and the server stays healthy after it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from web_support import ask, healthy

from assistant.chain import Delta
from core.types import Message

CHAT, SEARCH, FEEDBACK, OPENAI = "/api/chat", "/api/search", "/api/feedback", "/v1/chat/completions"
JSON = {"content-type": "application/json"}
MEGABYTE = 1_000_000


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    body: Any = None  # JSON, unless raw is given
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    status: int = 422
    code: str | None = None  # None: a normal reply is expected

    def send(self, url: str) -> httpx.Response:
        if self.raw is not None:
            kwargs: dict[str, Any] = {"content": self.raw, "headers": self.headers}
        elif self.body is not None:
            kwargs = {"json": self.body}
        else:
            kwargs = {}
        return httpx.request(self.method, f"{url}{self.path}", timeout=30, **kwargs)


def turns(n: int) -> dict[str, Any]:
    return {"messages": [{"role": "user" if i % 2 == 0 else "assistant", "content": "你好"} for i in range(n)]}


def chunked(body: bytes, size: int = 65536) -> Iterator[bytes]:
    """A body without Content-Length: only counting it as it arrives can stop it."""
    for i in range(0, len(body), size):
        yield body[i : i + size]


REFUSED: list[Case] = [
    Case("empty body", CHAT, raw=b"", headers=JSON, code="empty_body"),
    Case("empty body, no content type", CHAT, raw=b"", code="empty_body"),
    Case("invalid JSON", CHAT, raw=b'{"messages": [', headers=JSON, code="invalid_json"),
    Case("JSON with a trailing comma", CHAT, raw=b'{"messages": [],}', headers=JSON, code="invalid_json"),
    Case("a form, not JSON", CHAT, raw=b"question=GDP", headers={"content-type": "application/x-www-form-urlencoded"},
         code="invalid_json"),
    Case("invalid UTF-8", CHAT, raw=b'{"messages": [{"role": "user", "content": "GDP\xff\xfe"}]}', headers=JSON,
         status=400, code="invalid_encoding"),
    Case("lone surrogate escape", CHAT, raw=b'{"messages": [{"role": "user", "content": "GDP\\ud800"}]}',
         headers=JSON, code="invalid_encoding"),
    Case("a JSON array", CHAT, body=[ask("GDP")], code="wrong_type"),
    Case("a JSON string", CHAT, body="GDP增长了多少？", code="wrong_type"),
    Case("messages is a string", CHAT, body={"messages": "GDP"}, code="wrong_type"),
    Case("content is a number", CHAT, body={"messages": [{"role": "user", "content": 42}]}, code="wrong_type"),
    Case("content is null", CHAT, body={"messages": [{"role": "user", "content": None}]}, code="wrong_type"),
    Case("stream is not a boolean", CHAT, body={**ask("GDP"), "stream": "maybe"}, code="wrong_type"),
    Case("no messages", CHAT, body={}, code="missing_field"),
    Case("message without content", CHAT, body={"messages": [{"role": "user"}]}, code="missing_field"),
    Case("unknown role", CHAT, body={"messages": [{"role": "hacker", "content": "你好"}]}, code="unknown_role"),
    Case("system role", CHAT, body={"messages": [{"role": "system", "content": "你好"}]}, code="unknown_role"),
    Case("unknown field", CHAT, body={**ask("GDP"), "temperature": 0}, code="unknown_field"),
    Case("unknown field in a message", CHAT, body={"messages": [{"role": "user", "content": "GDP", "name": "x"}]},
         code="unknown_field"),
    Case("no messages at all", CHAT, body={"messages": []}, code="empty_question"),
    Case("empty question", CHAT, body=ask(""), code="empty_question"),
    Case("whitespace only", CHAT, body=ask(" \t\n\u3000 "), code="empty_question"),
    Case("control characters only", CHAT, body=ask("\x00\x01\x07\x1b\x7f"), code="empty_question"),
    Case("ends with the assistant", CHAT, body={"messages": [{"role": "assistant", "content": "你好"}]},
         code="empty_question"),
    Case("10k-character question", CHAT, body=ask("松" * 10_000), code="question_too_long"),
    Case("question over the schema cap", CHAT, body=ask("a" * 20_001), code="question_too_long"),
    Case("one 5000-character token", CHAT, body=ask("x" * 5000), code="question_too_long"),
    Case("41 messages", CHAT, body=turns(41), code="too_many_turns"),
    Case("500-turn conversation", CHAT, body=turns(1000), code="too_many_turns"),
    Case("1 MB body", CHAT, body=ask("a" * MEGABYTE), status=413, code="body_too_large"),
    Case("1 MB body, chunked", CHAT, raw=b"", headers=JSON, status=413, code="body_too_large"),  # see test
    Case("k = 0", SEARCH, body={"query": "GDP", "k": 0}, code="out_of_range"),
    Case("k negative", SEARCH, body={"query": "GDP", "k": -3}, code="out_of_range"),
    Case("k = 10^9", SEARCH, body={"query": "GDP", "k": 10**9}, code="out_of_range"),
    Case("k = 10^30", SEARCH, body={"query": "GDP", "k": 10**30}, code="out_of_range"),
    Case("k fractional", SEARCH, body={"query": "GDP", "k": 1.5}, code="wrong_type"),
    Case("search with an empty query", SEARCH, body={"query": "  "}, code="empty_question"),
    Case("search with a long query", SEARCH, body={"query": "松" * 10_000}, code="question_too_long"),
    Case("search with an unknown field", SEARCH, body={"query": "GDP", "top_k": 3}, code="unknown_field"),
    Case("rating neither up nor down", FEEDBACK, body={"message_id": "m1", "rating": "meh"}, code="invalid_value"),
    Case("message id with a path", FEEDBACK, body={"message_id": "../../etc/passwd", "rating": "up"},
         code="invalid_value"),
    Case("comment too long", FEEDBACK, body={"message_id": "m1", "rating": "up", "comment": "差" * 2001},
         code="invalid_value"),
    Case("GET on a POST endpoint", CHAT, method="GET", status=405, code="method_not_allowed"),
    Case("no such endpoint", "/api/nothing-here", body={}, status=404, code="not_found"),
    Case("OpenAI: only unknown roles", OPENAI, body={"messages": [{"role": "hacker", "content": "你好"}]},
         code="empty_question"),
    Case("OpenAI: invalid JSON", OPENAI, raw=b"{", headers=JSON, code="invalid_json"),
    Case("OpenAI: 1 MB body", OPENAI, body={"messages": [{"role": "user", "content": "a" * MEGABYTE}]},
         status=413, code="body_too_large"),
    Case("OpenAI: several answers asked", OPENAI, body={**turns(1), "n": 3}, status=400, code="unsupported_parameter"),
    Case("OpenAI: a tool call demanded", OPENAI, body={**turns(1), "tool_choice": "required", "tools": []},
         status=400, code="unsupported_parameter"),
    Case("OpenAI: JSON output asked", OPENAI, body={**turns(1), "response_format": {"type": "json_object"}},
         status=400, code="unsupported_parameter"),
    Case("OpenAI: no such model", "/v1/models/report-assistant/nope", method="GET", status=404,
         code="model_not_found"),
]

ANSWERED: list[Case] = [
    Case("NUL and control characters inside", CHAT, body=ask("GDP\x00增长\x07了多少？"), status=200),
    Case("emoji only", CHAT, body=ask("😀🎉🚀🇨🇳"), status=200),
    Case("mixed scripts", CHAT, body=ask("松原GDP growth 2023년 ВВП रुपये اقتصاد？"), status=200),
    Case("HTML and script", CHAT, body=ask("<script>alert('x')</script><img src=x onerror=alert(1)>GDP增长多少？"),
         status=200),
    Case("SQL-looking text", CHAT, body=ask("'; DROP TABLE feedback; -- 1' OR '1'='1"), status=200),
    Case("Markdown image link", CHAT, body=ask("![图](http://evil.example/x.png) [点我](javascript:alert(1)) GDP？"),
         status=200),
    Case("a long single token", CHAT, body=ask("x" * 499), status=200),
    Case("right-to-left and zero-width", CHAT, body=ask("\u202eGDP\u200b增长\ufeff多少"), status=200),
    Case("search for SQL", SEARCH, body={"query": "1' OR '1'='1"}, status=200),
    Case("search k = 50", SEARCH, body={"query": "GDP", "k": 50}, status=200),
    Case("feedback with SQL in the comment", FEEDBACK,
         body={"message_id": "m1", "rating": "down", "comment": "'); DROP TABLE feedback; --"}, status=201),
    Case("OpenAI: HTML", OPENAI, body={"messages": [{"role": "user", "content": "<b>GDP</b>"}], "n": 1}, status=200),
]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_bad_input_gets_a_chinese_4xx_with_a_stable_code(hash_url: str, case: Case) -> None:
    if case.name == "1 MB body, chunked":
        body = json.dumps(ask("a" * MEGABYTE)).encode()
        response = httpx.post(f"{hash_url}{CHAT}", content=chunked(body), headers=JSON, timeout=30)
        assert "content-length" not in response.request.headers
    else:
        response = case.send(hash_url)
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    if case.path.startswith("/v1/"):
        message, code = error["message"], error["code"]
        assert error["type"] == "invalid_request_error"
    else:
        message, code = error, response.json()["code"]
    assert code == case.code
    assert isinstance(message, str) and _is_chinese(message), message
    assert healthy(hash_url)


@pytest.mark.parametrize("case", ANSWERED, ids=lambda c: c.name)
def test_odd_but_fair_input_gets_a_normal_reply(hash_url: str, case: Case) -> None:
    response = case.send(hash_url)
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.json()
    if case.path == CHAT:
        assert isinstance(body["refused"], bool) and body["answer"]
        for markup in ("<script", "<img", "![", "javascript:", "DROP TABLE"):
            assert markup not in body["answer"]  # answers quote the report or refuse; never the question
    if case.path == OPENAI:
        assert "<b>" not in body["choices"][0]["message"]["content"]
    assert healthy(hash_url)


def test_sql_in_feedback_is_stored_as_text(hash_url: str) -> None:
    comment = "x'); DELETE FROM feedback; --"
    for _ in range(2):
        assert httpx.post(f"{hash_url}{FEEDBACK}", json={"message_id": "sql1", "rating": "up", "comment": comment}
                          ).status_code == 201
    assert healthy(hash_url)


class Slow:
    """The hash assistant, answering in slow pieces; records whether its stream ran to the end."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.finished = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def stream(self, messages: list[Message], doc: str | None = None, **named: Any) -> Iterator[Any]:
        for _ in range(20):
            time.sleep(0.1)
            yield Delta("……")
        yield from self.inner.stream(messages, doc, **named)
        self.finished = True


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_client_leaving_mid_stream_is_no_error(serve: Any, hash_assistant: Any) -> None:
    slow = Slow(hash_assistant)
    url = serve(assistant=slow)
    recorder = Recorder()
    loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.error", "assistant")]
    for logger in loggers:
        logger.addHandler(recorder)
    try:
        with httpx.Client(timeout=30) as client, client.stream(
            "POST", f"{url}{CHAT}", json={**ask("GDP增长了多少？"), "stream": True}
        ) as response:
            assert response.status_code == 200
            first = next(response.iter_lines())
            assert first.startswith("event: ")
        time.sleep(2.5)  # longer than the whole answer would take
        assert not slow.finished  # the server stopped asking for more of it
        assert healthy(url)
        follow_up = httpx.post(f"{url}{CHAT}", json=ask("GDP增长了多少？"), timeout=30)
        assert follow_up.status_code == 200
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
    problems = [r for r in recorder.records if r.levelno >= logging.ERROR or r.exc_info]
    assert problems == [], [r.getMessage() for r in problems]


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)

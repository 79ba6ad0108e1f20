"""Limits, CORS, error translation, the widget files and the Gradio mount, over real HTTP.

The hash assistant stands in for the real one: what these check does not depend on answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_support import ask, parse_sse, running

from assistant.chain import Delta
from assistant.web import static
from assistant.web.factory import build_app
from assistant.web.server import make_server
from core.errors import ProviderUnavailable
from core.types import Message

PORTAL = "https://portal.example.gov.cn"
INTERNAL = "抱歉，系统出现问题，请稍后再试。"
Serve = Callable[..., str]


class Wrapped:
    """The hash assistant with one behaviour changed."""

    def __init__(self, inner: Any, **overrides: Callable[..., Any]) -> None:
        self.inner = inner
        self.overrides = overrides

    def __getattr__(self, name: str) -> Any:
        return self.overrides.get(name) or getattr(self.inner, name)


def test_listed_origin_gets_cors_headers_and_others_none(serve: Serve) -> None:
    url = serve(server={"cors_origins": [PORTAL]})
    allowed = httpx.post(f"{url}/api/search", json={"query": "GDP"}, headers={"Origin": PORTAL})
    assert allowed.headers["access-control-allow-origin"] == PORTAL
    denied = httpx.post(
        f"{url}/api/search", json={"query": "GDP"}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in denied.headers
    preflight = {
        "Origin": PORTAL,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    response = httpx.options(f"{url}/api/chat", headers=preflight)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == PORTAL
    assert "POST" in response.headers["access-control-allow-methods"]
    response = httpx.options(
        f"{url}/v1/chat/completions", headers={**preflight, "Origin": "https://evil.example"}
    )
    assert response.status_code == 400 and "access-control-allow-origin" not in response.headers


def test_no_origin_is_allowed_by_default_but_same_origin_works(serve: Serve) -> None:
    url = serve()
    response = httpx.post(f"{url}/api/search", json={"query": "GDP"}, headers={"Origin": PORTAL})
    assert response.status_code == 403 and "access-control-allow-origin" not in response.headers
    same = httpx.post(f"{url}/api/search", json={"query": "GDP"}, headers={"Origin": url})
    assert same.status_code == 200 and "access-control-allow-origin" not in same.headers
    assert httpx.post(f"{url}/api/search", json={"query": "GDP"}).status_code == 200


def test_a_shared_rate_limit_counts_across_servers(serve: Serve) -> None:
    """Two servers over one database (as behind a load balancer): one count per client."""
    shared = {"rate_limit_per_minute": 4, "rate_limit_shared": True}
    first, second = serve(server=shared), serve(server=shared)
    for url in (first, second, first, second):
        assert httpx.post(f"{url}/api/search", json={"query": "GDP"}).status_code == 200
    for url in (first, second):
        response = httpx.post(f"{url}/api/search", json={"query": "GDP"})
        assert response.status_code == 429 and response.json()["code"] == "rate_limited"
        assert 1 <= int(response.headers["retry-after"]) <= 60


def test_the_shared_limit_slides_over_the_window_edge(tmp_path: Path) -> None:
    from assistant.feedback import FeedbackStore
    from assistant.web.ratelimit import SharedWindowLimiter

    now = [600.0 + 50]  # 50 s into a window
    limiter = SharedWindowLimiter(FeedbackStore(tmp_path / "db.sqlite3").engine, 4, clock=lambda: now[0])
    assert [limiter.hit("1.2.3.4") for _ in range(4)] == [0.0] * 4
    assert limiter.hit("1.2.3.4") > 0 and limiter.hit("5.6.7.8") == 0.0  # others have their own count
    now[0] += 15  # 5 s into the next window: the last window's 4 hits weigh 55/60, 3.67
    assert limiter.hit("1.2.3.4") == 0.0 and limiter.hit("1.2.3.4") > 0
    now[0] += 50  # 55 s in: they weigh 5/60 (0.33) next to this window's 1
    assert [limiter.hit("1.2.3.4") for _ in range(3)][:2] == [0.0, 0.0]


def test_rate_limit_answers_429_with_retry_after(serve: Serve) -> None:
    url = serve(server={"rate_limit_per_minute": 3})
    for _ in range(3):
        assert httpx.post(f"{url}/api/search", json={"query": "GDP"}).status_code == 200
    for path, body in [
        ("/api/search", {"query": "GDP"}),
        ("/api/chat", ask("GDP")),
        ("/api/feedback", {"message_id": "m1", "rating": "up"}),
    ]:
        response = httpx.post(f"{url}{path}", json=body)
        assert response.status_code == 429
        assert response.json() == {"error": "提问太频繁了，请稍等一会儿再试。", "code": "rate_limited"}
        assert 1 <= int(response.headers["retry-after"]) <= 60
    openai_style = httpx.post(f"{url}/v1/chat/completions", json={"model": "m", **ask("GDP")})
    assert openai_style.status_code == 429 and openai_style.json()["error"]["message"].startswith(
        "提问太频繁"
    )
    assert openai_style.json()["error"]["code"] == "rate_limited"
    # Pages and health checks are not limited.
    assert httpx.get(f"{url}/healthz").status_code == 200
    assert httpx.get(f"{url}/api/suggestions").status_code == 200


def test_slow_answers_time_out_with_504(serve: Serve, hash_assistant: Any) -> None:
    def slow_answer(messages: list[Message], doc: str | None = None, **named: Any) -> Any:
        time.sleep(1.5)
        return hash_assistant.answer(messages)

    def slow_stream(messages: list[Message], doc: str | None = None, **named: Any) -> Iterator[Any]:
        for event in hash_assistant.stream(messages):
            time.sleep(0.2)
            yield event

    assistant = Wrapped(hash_assistant, answer=slow_answer, stream=slow_stream)
    url = serve(server={"request_timeout": 0.3}, assistant=assistant)
    started = time.monotonic()
    response = httpx.post(f"{url}/api/chat", json=ask("GDP增长多少"))
    assert time.monotonic() - started < 1.2
    assert response.status_code == 504 and response.json()["error"].startswith("回答超时")
    assert response.json()["code"] == "timeout"
    response = httpx.post(f"{url}/v1/chat/completions", json={"model": "m", **ask("GDP增长多少")})
    assert response.status_code == 504 and response.json()["error"]["code"] == "timeout"
    # Streams are not cut short: their pieces show progress.
    started = time.monotonic()
    streamed = httpx.post(f"{url}/api/chat", json={**ask("GDP增长多少"), "stream": True}, timeout=30)
    assert parse_sse(streamed.text)[-1].name == "done" and time.monotonic() - started > 0.3


def test_unexpected_errors_never_reach_the_user(serve: Serve, hash_assistant: Any) -> None:
    def broken_answer(messages: list[Message], doc: str | None = None, **named: Any) -> Any:
        raise RuntimeError("secret detail: /srv/db password=hunter2")

    def broken_stream(messages: list[Message], doc: str | None = None, **named: Any) -> Iterator[Any]:
        yield Delta("部分回答")
        raise RuntimeError("secret detail in a stream")

    def unavailable(query: str, k: int | None = None, doc: str | None = None) -> Any:
        raise ProviderUnavailable("upstream 502")

    assistant = Wrapped(hash_assistant, answer=broken_answer, stream=broken_stream, search=unavailable)
    url = serve(assistant=assistant)
    response = httpx.post(f"{url}/api/chat", json=ask("GDP"))
    assert (response.status_code, response.json()) == (500, {"error": INTERNAL, "code": "internal_error"})
    assert "secret" not in response.text and "Traceback" not in response.text
    events = parse_sse(httpx.post(f"{url}/api/chat", json={**ask("GDP"), "stream": True}).text)
    assert [e.name for e in events] == ["delta", "error"]
    assert events[-1].data == {"message": INTERNAL, "code": "internal_error"}
    chunks = parse_sse(httpx.post(f"{url}/v1/chat/completions", json={**ask("GDP"), "stream": True}).text)
    assert chunks[-1].data == {"error": {"message": INTERNAL, "type": "server_error", "code": "internal_error"}}
    response = httpx.post(f"{url}/api/search", json={"query": "GDP"})
    assert (response.status_code, response.json()) == (
        503,
        {"error": "回答服务暂时不可用，请稍后再试。", "code": "provider_unavailable"},
    )


def test_widget_files_are_served_when_present(serve: Serve, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(static, "STATIC", tmp_path)
    url = serve()
    missing = httpx.get(f"{url}/widget.js")
    assert (missing.status_code, missing.json()) == (404, {"error": "页面不存在。", "code": "not_found"})
    assert httpx.get(f"{url}/widget/demo").status_code == 404
    (tmp_path / "widget.js").write_text("console.log('问答');\n", encoding="utf-8")
    (tmp_path / "demo.html").write_text('<!doctype html><html lang="zh-CN"></html>', encoding="utf-8")
    script = httpx.get(f"{url}/widget.js")
    assert script.status_code == 200 and script.text == "console.log('问答');\n"
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "max-age" in script.headers["cache-control"] and script.headers["etag"]
    demo = httpx.get(f"{url}/widget/demo")
    assert demo.status_code == 200 and demo.headers["content-type"] == "text/html; charset=utf-8"


def test_gradio_page_is_mounted_under_the_api(serve: Serve) -> None:
    pytest.importorskip("ui", reason="ui.py is not written yet")
    url = serve(ui=True)
    page = httpx.get(f"{url}/", follow_redirects=True)
    assert page.status_code == 200 and "gradio" in page.text.lower()
    assert httpx.get(f"{url}/healthz").json()["status"] == "ok"
    assert httpx.get(f"{url}/api/suggestions").json()["suggestions"]
    assert httpx.get(f"{url}/report").headers["content-type"].startswith("text/html")
    assert httpx.get(f"{url}/openapi.json").json()["paths"]["/api/chat"]


def test_server_announces_where_it_is_ready(hash_settings: Any, hash_assistant: Any) -> None:
    server = make_server(build_app(hash_settings, hash_assistant, ui=False), hash_settings, "127.0.0.1", 0)
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    try:
        with running(server) as url:
            assert f"ready at {url}" in seen
    finally:
        logger.removeHandler(handler)

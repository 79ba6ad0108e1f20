"""Who may call what (assistant/web/access.py), over real HTTP: the origin allowlist and the API keys.

The hash assistant stands in for the real one, wrapped so a test sees whether any work was done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from web_support import ask

from assistant.web.access import ApiKeys, normalise_origin
from core.errors import ConfigError
from core.settings import load_settings

PORTAL = "https://portal.example.gov.cn"
EVIL = "https://evil.example"
KEY, SECOND = "k-" + "a" * 30, "k-" + "b" * 30
CODE = {"code": "invalid_api_key"}
Serve = Callable[..., str]


class Watched:
    """The hash assistant, counting the calls that do work (answer, stream, search)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if name not in ("answer", "stream", "search"):
            return attribute

        def watched(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return attribute(*args, **kwargs)

        return watched


@pytest.fixture()
def watched(hash_assistant: Any) -> Watched:
    return Watched(hash_assistant)


def requests_of_every_kind() -> Iterator[tuple[str, str, Any]]:
    yield "POST", "/api/chat", ask("GDP增长多少")
    yield "POST", "/api/chat", {**ask("GDP增长多少"), "stream": True}
    yield "POST", "/api/search", {"query": "GDP"}
    yield "POST", "/api/feedback", {"message_id": "m-origin", "rating": "down"}
    yield "POST", "/v1/chat/completions", {**ask("GDP增长多少"), "stream": True}
    yield "GET", "/v1/models", None
    yield "GET", "/api/documents", None
    yield "GET", "/report", None


def test_a_disallowed_origin_gets_403_before_any_work(serve: Serve, watched: Watched) -> None:
    url = serve(server={"cors_origins": [PORTAL]}, assistant=watched)
    for method, path, body in requests_of_every_kind():
        response = httpx.request(method, f"{url}{path}", json=body, headers={"Origin": EVIL})
        assert response.status_code == 403, (path, response.text)
        assert "access-control-allow-origin" not in response.headers
        message = "本服务未向此网站开放，请联系管理员。"
        openai = {"error": {"message": message, "type": "invalid_request_error", "code": "origin_not_allowed"}}
        ours = {"error": message, "code": "origin_not_allowed"}
        assert response.json() == (openai if path.startswith("/v1/") else ours)
    assert watched.calls == [] and watched.feedback.feedback() == []
    # The widget's script is a public file: any page may load it.
    assert httpx.get(f"{url}/widget.js", headers={"Origin": EVIL}).status_code in (200, 404)


def test_allowed_same_and_no_origin_are_answered(serve: Serve, watched: Watched) -> None:
    url = serve(server={"cors_origins": [PORTAL]}, assistant=watched)
    for origin in (PORTAL, "HTTPS://Portal.Example.gov.cn:443", url, None):
        headers = {"Origin": origin} if origin else {}
        response = httpx.post(f"{url}/api/chat", json=ask("GDP增长多少"), headers=headers)
        assert response.status_code == 200, (origin, response.text)
        cors = response.headers.get("access-control-allow-origin")
        assert cors == (PORTAL if origin == PORTAL else None), origin
    assert watched.calls == ["answer"] * 4


def test_every_origin_when_the_list_says_star(serve: Serve) -> None:
    url = serve(server={"cors_origins": ["*"]})
    assert httpx.post(f"{url}/api/search", json={"query": "GDP"}, headers={"Origin": EVIL}).status_code == 200


def test_keys_guard_the_openai_api_and_search_only(serve: Serve) -> None:
    url = serve(server={"api_keys": [SecretStr(KEY), SecretStr(SECOND)], "cors_origins": [PORTAL]})
    for headers in ({}, {"Authorization": "Bearer wrong-key-wrong-key"}, {"Authorization": KEY}):
        models = httpx.get(f"{url}/v1/models", headers=headers)
        assert models.status_code == 401 and models.headers["www-authenticate"] == "Bearer"
        error = models.json()["error"]
        assert error == {"message": "访问密钥缺失或无效，请向管理员获取。", "type": "invalid_request_error", **CODE}
        search = httpx.post(f"{url}/api/search", json={"query": "GDP"}, headers=headers)
        assert search.json() == {"error": "访问密钥缺失或无效，请向管理员获取。", **CODE}
    for key in (KEY, SECOND):
        bearer = {"Authorization": f"Bearer {key}"}
        assert httpx.get(f"{url}/v1/models", headers=bearer).status_code == 200
        assert httpx.post(f"{url}/api/search", json={"query": "GDP"}, headers=bearer).status_code == 200
    # The widget's endpoints stay open; citizens have no key.
    assert httpx.post(f"{url}/api/chat", json=ask("GDP增长多少"), headers={"Origin": PORTAL}).status_code == 200
    assert httpx.post(f"{url}/api/feedback", json={"message_id": "m1", "rating": "up"}).status_code == 201
    assert httpx.get(f"{url}/api/suggestions").status_code == 200


def test_an_allowed_page_can_read_the_401_and_send_its_key(serve: Serve) -> None:
    url = serve(server={"api_keys": [SecretStr(KEY)], "cors_origins": [PORTAL]})
    refused = httpx.get(f"{url}/v1/models", headers={"Origin": PORTAL})
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == PORTAL
    preflight = {
        "Origin": PORTAL,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, x-stainless-os",
    }
    response = httpx.options(f"{url}/v1/chat/completions", headers=preflight)
    assert response.status_code == 200 and "authorization" in response.headers["access-control-allow-headers"]
    # A key does not open the door to a page the list does not name.
    foreign = httpx.get(f"{url}/v1/models", headers={"Origin": EVIL, "Authorization": f"Bearer {KEY}"})
    assert foreign.status_code == 403


def test_the_page_answers_itself_and_refuses_other_sites(serve: Serve, watched: Watched) -> None:
    pytest.importorskip("ui")
    url = serve(ui=True, assistant=watched, server={"api_keys": [SecretStr(KEY)]})
    assert httpx.get(f"{url}/", follow_redirects=True).status_code == 200  # a navigation: no Origin
    join = {"data": ["GDP增长多少", [], None], "fn_index": 0, "session_hash": "s1"}
    refused = httpx.post(f"{url}/gradio_api/queue/join", json=join, headers={"Origin": EVIL})
    assert refused.status_code == 403
    own = httpx.get(f"{url}/gradio_api/info", headers={"Origin": url})
    assert own.status_code == 200, own.text
    assert watched.calls == []


def test_keys_come_from_the_environment_as_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_API_KEYS", f" {KEY} ,{SECOND},")
    keys = load_settings().server.api_keys
    assert [k.get_secret_value() for k in keys] == [KEY, SECOND] and KEY not in repr(keys)
    monkeypatch.setenv("ASSISTANT_API_KEYS", "")
    assert load_settings().server.api_keys == []
    monkeypatch.setenv("ASSISTANT_API_KEYS", f"{KEY},short-key")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert "server.api_keys" in str(refused.value) and "short-key" not in str(refused.value)


def test_keys_compare_as_bearer_tokens(tmp_path: Path) -> None:
    keys = ApiKeys([SecretStr(KEY)])
    assert keys.refusal(f"Bearer {KEY}") is None and keys.refusal(f"bearer  {KEY} ") is None
    assert keys.refusal(None) == keys.refusal(f"Basic {KEY}") == "no Authorization: Bearer header"
    assert keys.refusal(f"Bearer {KEY}x") == "the bearer key is none of server.api_keys"
    assert not ApiKeys([])


def test_origins_compare_normalised() -> None:
    assert normalise_origin("HTTPS://WWW.Example.gov.cn:443/") == "https://www.example.gov.cn"
    assert normalise_origin("http://127.0.0.1:7860") == "http://127.0.0.1:7860"
    assert normalise_origin("http://[::1]:80") == "http://[::1]"
    assert normalise_origin("null") == "null"

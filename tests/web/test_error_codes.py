"""Every error the API can send has a documented, stable code."""

from __future__ import annotations

from typing import Any

from assistant.web.factory import build_app
from core import errors
from core.errors import ErrorCode


def _subclasses(cls: type[errors.AssistantError]) -> list[type[errors.AssistantError]]:
    found: list[type[errors.AssistantError]] = [cls]
    for sub in cls.__subclasses__():
        found += _subclasses(sub)
    return found


def test_every_assistant_error_has_a_documented_code_and_status() -> None:
    for cls in _subclasses(errors.AssistantError):
        code = ErrorCode(cls.code)  # type: ignore[call-arg]  # the value lookup; raises for an undocumented code
        assert code.status == cls.http_status, cls
    assert errors.RateLimited.code == "rate_limited" and errors.AnswerTimeout.code == "timeout"


def test_every_code_is_explained() -> None:
    assert all(code.status in range(400, 600) and code.message and code.meaning for code in ErrorCode)
    assert all(code.value == code.value.lower() and " " not in code.value for code in ErrorCode)


def test_the_statuses_and_messages_are_the_published_ones() -> None:
    """Clients and the README rely on these: a change here is a change of the public API."""
    assert errors.EmptyQuestion.user_message == "请输入您的问题。" and errors.EmptyQuestion.http_status == 422
    assert errors.ModelUnavailable.user_message == "检索模型无法加载，请联系管理员。"
    assert errors.IndexNotBuilt.user_message == "知识库尚未建立，请联系管理员。"
    exits = errors.ConfigError.exit_code, errors.CorpusError.exit_code, errors.StoreUnavailable.exit_code
    assert exits == (78, 66, 69)
    statuses = {code.value: code.status for code in ErrorCode if code.status != 422}
    assert statuses == {
        "invalid_encoding": 400,
        "unsupported_parameter": 400,
        "invalid_api_key": 401,
        "origin_not_allowed": 403,
        "body_too_large": 413,
        "not_found": 404,
        "model_not_found": 404,
        "method_not_allowed": 405,
        "rate_limited": 429,
        "timeout": 504,
        "not_ready": 503,
        "provider_unavailable": 503,
        "store_unavailable": 503,
        "corpus_unavailable": 500,
        "config_error": 500,
        "internal_error": 500,
    }


def test_the_openapi_schema_lists_the_codes(hash_settings: Any, hash_assistant: Any) -> None:
    spec = build_app(hash_settings, hash_assistant, ui=False).openapi()
    schemas = spec["components"]["schemas"]
    assert set(schemas["ErrorBody"]["required"]) == {"error", "code"}
    assert set(schemas["ErrorCode"]["enum"]) == {code.value for code in ErrorCode}
    chat = spec["paths"]["/api/chat"]["post"]["responses"]
    assert {"413", "422", "429", "504"} <= set(chat)
    assert chat["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "question_too_long" in chat["422"]["description"]
    openai = spec["paths"]["/v1/chat/completions"]["post"]["responses"]["422"]
    assert openai["content"]["application/json"]["schema"]["$ref"].endswith("/OpenAIErrorBody")
    assert "`question_too_long`" in spec["info"]["description"]
    assert "401" in spec["paths"]["/v1/models"]["get"]["responses"] and "401" not in chat
    assert "invalid_api_key" in spec["paths"]["/v1/chat/completions"]["post"]["responses"]["401"]["description"]
    assert "origin_not_allowed" in chat["403"]["description"]
    assert "401" in spec["paths"]["/api/search"]["post"]["responses"]

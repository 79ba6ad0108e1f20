"""Every error the API can send has a documented, stable code."""

from __future__ import annotations

from typing import Any

from assistant.web import errors as web_errors
from assistant.web.api import create_app
from assistant.web.error_codes import MEANINGS, ErrorCode
from core import errors


def _subclasses(cls: type) -> list[type]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


def test_every_assistant_error_has_a_documented_code_and_status() -> None:
    for cls in _subclasses(errors.AssistantError):
        code = ErrorCode(cls.code)  # raises for an undocumented code
        assert MEANINGS[code][0] == cls.http_status, cls
    assert web_errors.RateLimited.code == "rate_limited" and web_errors.AnswerTimeout.code == "timeout"


def test_every_code_is_explained() -> None:
    assert set(MEANINGS) == set(ErrorCode)
    assert all(code.value == code.value.lower() and " " not in code.value for code in ErrorCode)


def test_the_openapi_schema_lists_the_codes(hash_settings: Any, hash_assistant: Any) -> None:
    spec = create_app(hash_settings, hash_assistant, ui=False).openapi()
    schemas = spec["components"]["schemas"]
    assert set(schemas["ErrorBody"]["required"]) == {"error", "code"}
    assert set(schemas["ErrorCode"]["enum"]) == {code.value for code in ErrorCode}
    chat = spec["paths"]["/api/chat"]["post"]["responses"]
    assert {"413", "422", "429", "504"} <= set(chat)
    assert chat["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    openai = spec["paths"]["/v1/chat/completions"]["post"]["responses"]["422"]
    assert openai["content"]["application/json"]["schema"]["$ref"].endswith("/OpenAIErrorBody")
    assert "`question_too_long`" in spec["info"]["description"]

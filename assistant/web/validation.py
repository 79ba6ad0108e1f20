"""A rejected request body, as one stable code and one Chinese sentence the user can act on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.errors import ErrorCode

BAD_REQUEST = ErrorCode.INVALID_BODY.message
_QUESTION_FIELDS = {"content", "query"}
_RANGE_WORDS = {"ge": "不能小于", "gt": "必须大于", "le": "不能大于", "lt": "必须小于"}


def field_name(loc: Sequence[int | str]) -> str:
    """``("messages", 0, "role")`` as ``messages[0].role``."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name or "请求内容"


def describe(errors: Sequence[Mapping[str, Any]]) -> tuple[ErrorCode, str]:
    """The first error FastAPI found, translated; later ones are usually its consequences."""
    if not errors:
        return ErrorCode.INVALID_BODY, BAD_REQUEST
    error = errors[0]
    loc = tuple(error.get("loc", ()))
    if loc[:1] == ("body",):
        loc = loc[1:]
    return _describe_one(str(error.get("type", "")), loc, error.get("input"), error.get("ctx") or {})


def _describe_one(kind: str, loc: tuple[Any, ...], value: Any, ctx: Mapping[str, Any]) -> tuple[ErrorCode, str]:
    name = field_name(loc)
    leaf = loc[-1] if loc else ""
    if kind == "json_invalid":
        return ErrorCode.INVALID_JSON, ErrorCode.INVALID_JSON.message
    if not loc:
        return _describe_body(kind, value)
    if kind == "string_unicode":  # a lone surrogate such as "\ud800": valid JSON, but no text
        return ErrorCode.INVALID_ENCODING, f"{name} 含有无效的字符编码。"
    if kind == "extra_forbidden":
        return ErrorCode.UNKNOWN_FIELD, f"不支持的字段：{name}。"
    if kind == "missing":
        return ErrorCode.MISSING_FIELD, f"缺少字段：{name}。"
    if leaf == "role" and kind == "literal_error":
        return ErrorCode.UNKNOWN_ROLE, ErrorCode.UNKNOWN_ROLE.message
    if loc == ("messages",) and kind == "too_long":
        return ErrorCode.TOO_MANY_TURNS, ErrorCode.TOO_MANY_TURNS.message
    if loc == ("messages",) and kind == "too_short":
        return ErrorCode.EMPTY_QUESTION, ErrorCode.EMPTY_QUESTION.message
    if leaf in _QUESTION_FIELDS and kind == "string_too_long":
        return ErrorCode.QUESTION_TOO_LONG, ErrorCode.QUESTION_TOO_LONG.message
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = next((f"{word}{ctx[key]}" for key, word in _RANGE_WORDS.items() if key in ctx), "超出范围")
        return ErrorCode.OUT_OF_RANGE, f"{name} {bound}。"
    if kind.endswith(("_type", "_parsing")) or kind in {"int_from_float", "union_tag_invalid"}:
        return ErrorCode.WRONG_TYPE, f"{name} 的类型不正确。"
    if kind in {"literal_error", "string_pattern_mismatch", "string_too_short", "string_too_long", "too_long"}:
        return ErrorCode.INVALID_VALUE, f"{name} 的取值不正确。"
    return ErrorCode.INVALID_BODY, BAD_REQUEST


def _describe_body(kind: str, value: Any) -> tuple[ErrorCode, str]:
    """Errors about the body as a whole: none sent, not JSON, or JSON of the wrong shape."""
    if kind == "missing":
        return ErrorCode.EMPTY_BODY, ErrorCode.EMPTY_BODY.message
    if isinstance(value, bytes):  # FastAPI passes the raw body on when it is not declared JSON
        return ErrorCode.INVALID_JSON, "请求内容须为 JSON（Content-Type: application/json）。"
    return ErrorCode.WRONG_TYPE, "请求内容须为 JSON 对象。"

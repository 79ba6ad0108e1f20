"""The stable error codes of the HTTP API: what a client may branch on, whatever the message says."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_JSON = "invalid_json"
    INVALID_ENCODING = "invalid_encoding"
    EMPTY_BODY = "empty_body"
    INVALID_BODY = "invalid_body"
    WRONG_TYPE = "wrong_type"
    MISSING_FIELD = "missing_field"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_ROLE = "unknown_role"
    INVALID_VALUE = "invalid_value"
    OUT_OF_RANGE = "out_of_range"
    INVALID_QUESTION = "invalid_question"
    EMPTY_QUESTION = "empty_question"
    QUESTION_TOO_LONG = "question_too_long"
    TOO_MANY_TURNS = "too_many_turns"
    BODY_TOO_LARGE = "body_too_large"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    RATE_LIMITED = "rate_limited"
    TIMEOUT = "timeout"
    NOT_READY = "not_ready"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    STORE_UNAVAILABLE = "store_unavailable"
    UNKNOWN_DOCUMENT = "unknown_document"
    CORPUS_UNAVAILABLE = "corpus_unavailable"
    CONFIG_ERROR = "config_error"
    INTERNAL_ERROR = "internal_error"


# status and meaning of every code, for the /docs page (and a test that the two never drift apart)
MEANINGS: dict[ErrorCode, tuple[int, str]] = {
    ErrorCode.INVALID_JSON: (422, "the body is not JSON (or not sent as application/json)"),
    ErrorCode.INVALID_ENCODING: (400, "the body is not valid UTF-8 (422: a string holds a lone surrogate escape)"),
    ErrorCode.EMPTY_BODY: (422, "no body at all"),
    ErrorCode.INVALID_BODY: (422, "the body does not fit the endpoint's schema"),
    ErrorCode.WRONG_TYPE: (422, "a field has the wrong JSON type (e.g. a number for a string)"),
    ErrorCode.MISSING_FIELD: (422, "a required field is missing"),
    ErrorCode.UNKNOWN_FIELD: (422, "a field the endpoint does not know (names are checked strictly)"),
    ErrorCode.UNKNOWN_ROLE: (422, "a message role other than user or assistant"),
    ErrorCode.INVALID_VALUE: (422, "a field's value is not one of those allowed"),
    ErrorCode.OUT_OF_RANGE: (422, "a number outside its range (e.g. k not in 1..50)"),
    ErrorCode.INVALID_QUESTION: (422, "the question cannot be answered as asked"),
    ErrorCode.EMPTY_QUESTION: (422, "the question is empty, blank, or the last message is not the user's"),
    ErrorCode.QUESTION_TOO_LONG: (422, "the question is longer than limits.max_question_chars"),
    ErrorCode.TOO_MANY_TURNS: (422, "the conversation is longer than limits.max_turns allows"),
    ErrorCode.BODY_TOO_LARGE: (413, "the body is larger than server.max_body_bytes"),
    ErrorCode.NOT_FOUND: (404, "no such page or document"),
    ErrorCode.METHOD_NOT_ALLOWED: (405, "wrong HTTP method for this path"),
    ErrorCode.RATE_LIMITED: (429, "too many requests from this client; see Retry-After"),
    ErrorCode.TIMEOUT: (504, "no answer within server.request_timeout"),
    ErrorCode.NOT_READY: (503, "the index or the model is not available yet"),
    ErrorCode.PROVIDER_UNAVAILABLE: (503, "the LLM endpoint failed"),
    ErrorCode.STORE_UNAVAILABLE: (503, "the chroma store or the feedback database cannot be reached"),
    ErrorCode.UNKNOWN_DOCUMENT: (422, "`doc` names no report of the library (see /api/documents)"),
    ErrorCode.CORPUS_UNAVAILABLE: (500, "the report files are missing or unreadable"),
    ErrorCode.CONFIG_ERROR: (500, "the server is misconfigured"),
    ErrorCode.INTERNAL_ERROR: (500, "anything unexpected; details are in the server log only"),
}


def code_table() -> str:
    """The codes as a Markdown table, for the OpenAPI description."""
    rows = [f"| `{code}` | {status} | {meaning} |" for code, (status, meaning) in MEANINGS.items()]
    return "\n".join(["| code | status | meaning |", "|---|---|---|", *rows])

"""The assistant's own errors, and the one registry of the codes every edge sends.

Each error carries two messages and a code: ``user_message`` in Chinese for citizens, ``str(error)``
in English for operators, and ``code``, a stable machine-readable name that clients may branch on
(messages may be reworded; codes never change). ``ErrorCode`` holds, per code, its HTTP status, its
Chinese message and its meaning for the /docs page; an error class names its code and takes the rest
from there. The edges (CLI, HTTP API, web page) translate errors; the core never prints them itself.

    AssistantError             internal_error
    ├── ConfigError            config_error         config.yaml is missing, malformed or has invalid values
    ├── InvalidQuestion        invalid_question     the question cannot be answered as asked
    │   ├── QuestionNotText    wrong_type           not a string
    │   ├── EmptyQuestion      empty_question       empty, only whitespace or control characters
    │   ├── QuestionTooLong    question_too_long    over limits.max_question_chars
    │   └── TooManyTurns       too_many_turns       over limits.max_turns
    ├── CorpusError            corpus_unavailable   the report is missing, unreadable or empty
    ├── IndexNotBuilt          not_ready            no index yet (run `assistant index`)
    ├── ModelUnavailable       not_ready            the embedding model cannot be loaded
    ├── ProviderUnavailable    provider_unavailable the LLM endpoint failed or timed out
    ├── StoreUnavailable       store_unavailable    the chroma store or the feedback database cannot be reached
    ├── UnknownDocument        unknown_document     a question scoped to a report the library does not hold
    ├── UnknownModel           model_not_found      /v1/models/{id} names no model of /v1/models (HTTP only)
    ├── UnsupportedParameter   unsupported_parameter an OpenAI parameter the assistant cannot honour (HTTP only)
    ├── RateLimited            rate_limited         too many requests from one client (HTTP only)
    └── AnswerTimeout          timeout              no answer within server.request_timeout (HTTP only)
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class ErrorCode(StrEnum):
    """Every code a client may receive, with its HTTP status, Chinese message and meaning."""

    status: int
    message: str  # what the user reads when nothing more specific is said
    meaning: str  # for the /docs page

    def __new__(cls, code: str, status: int, message: str, meaning: str) -> ErrorCode:
        member = str.__new__(cls, code)
        member._value_ = code
        member.status, member.message, member.meaning = status, message, meaning
        return member

    INVALID_JSON = ("invalid_json", 422, "请求内容不是有效的 JSON。",
                    "the body is not JSON (or not sent as application/json)")
    INVALID_ENCODING = ("invalid_encoding", 400, "请求内容不是有效的 UTF-8 编码。",
                        "the body is not valid UTF-8 (422: a string holds a lone surrogate escape)")
    EMPTY_BODY = ("empty_body", 422, "请求内容为空，请以 JSON 发送问题。",
                  "no body at all")
    INVALID_BODY = ("invalid_body", 422, "请求格式不正确，请检查后重试。",
                    "the body does not fit the endpoint's schema")
    WRONG_TYPE = ("wrong_type", 422, "问题格式不正确。",
                  "a field has the wrong JSON type (e.g. a number for a string)")
    MISSING_FIELD = ("missing_field", 422, "请求格式不正确，请检查后重试。",
                     "a required field is missing")
    UNKNOWN_FIELD = ("unknown_field", 422, "请求格式不正确，请检查后重试。",
                     "a field the endpoint does not know (names are checked strictly)")
    UNKNOWN_ROLE = ("unknown_role", 422, "消息的角色只能是 user 或 assistant。",
                    "a message role other than user or assistant")
    INVALID_VALUE = ("invalid_value", 422, "请求格式不正确，请检查后重试。",
                     "a field's value is not one of those allowed")
    OUT_OF_RANGE = ("out_of_range", 422, "请求格式不正确，请检查后重试。",
                    "a number outside its range (e.g. k not in 1..50)")
    INVALID_QUESTION = ("invalid_question", 422, "请输入您的问题。",
                        "the question cannot be answered as asked")
    EMPTY_QUESTION = ("empty_question", 422, "请输入您的问题。",
                      "the question is empty, blank, or the last message is not the user's")
    QUESTION_TOO_LONG = ("question_too_long", 422, "问题太长了，请精简后再问。",
                         "the question is longer than limits.max_question_chars")
    TOO_MANY_TURNS = ("too_many_turns", 422, "对话太长了，请清空对话后重新提问。",
                      "the conversation is longer than limits.max_turns allows")
    BODY_TOO_LARGE = ("body_too_large", 413, "请求内容太大了，请精简问题或清空对话后重试。",
                      "the body is larger than server.max_body_bytes")
    NOT_FOUND = ("not_found", 404, "页面不存在。",
                 "no such page or document")
    METHOD_NOT_ALLOWED = ("method_not_allowed", 405, "不支持这种请求方式。",
                          "wrong HTTP method for this path")
    INVALID_API_KEY = ("invalid_api_key", 401, "访问密钥缺失或无效，请向管理员获取。",
                       "server.api_keys is set and /v1/* or /api/search came without a valid "
                       "`Authorization: Bearer <key>`")
    ORIGIN_NOT_ALLOWED = ("origin_not_allowed", 403, "本服务未向此网站开放，请联系管理员。",
                          "the request's Origin is neither this server nor in server.cors_origins "
                          "(refused before any work)")
    MODEL_NOT_FOUND = ("model_not_found", 404, "没有这个模型，请从模型列表中选择。",
                       "a model id that GET /v1/models does not list")
    UNSUPPORTED_PARAMETER = ("unsupported_parameter", 400, "不支持这个请求参数，请去掉后重试。",
                             "an OpenAI parameter the assistant cannot honour (n > 1, tool_choice that "
                             "demands a tool, response_format other than text)")
    RATE_LIMITED = ("rate_limited", 429, "提问太频繁了，请稍等一会儿再试。",
                    "too many requests from this client; see Retry-After")
    TIMEOUT = ("timeout", 504, "回答超时了，请稍后再试，或换个更简短的问法。",
               "no answer within server.request_timeout")
    NOT_READY = ("not_ready", 503, "知识库尚未建立，请联系管理员。",
                 "the index or the model is not available yet")
    PROVIDER_UNAVAILABLE = ("provider_unavailable", 503, "回答服务暂时不可用，请稍后再试。",
                            "the LLM endpoint failed")
    STORE_UNAVAILABLE = ("store_unavailable", 503, "检索服务暂时不可用，请稍后再试。",
                         "the chroma store or the feedback database cannot be reached")
    UNKNOWN_DOCUMENT = ("unknown_document", 422, "所选的报告不存在，请重新选择。",
                        "`doc` names no report of the library (see /api/documents)")
    CORPUS_UNAVAILABLE = ("corpus_unavailable", 500, "报告文件缺失或无法读取，请联系管理员。",
                          "the report files are missing or unreadable")
    CONFIG_ERROR = ("config_error", 500, "系统配置有误，请联系管理员。",
                    "the server is misconfigured")
    INTERNAL_ERROR = ("internal_error", 500, "抱歉，系统出现问题，请稍后再试。",
                      "anything unexpected; details are in the server log only")


class AssistantError(Exception):
    """Base class: a failure the user should hear about, in their language.

    A subclass names its code (``class X(AssistantError, code=ErrorCode.…)``) and takes its status and
    message from it; ``message=`` gives it its own sentence, ``exit_code=`` the CLI's exit status.
    """

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL_ERROR
    http_status: ClassVar[int] = ErrorCode.INTERNAL_ERROR.status
    exit_code: ClassVar[int] = 1
    user_message: str = ErrorCode.INTERNAL_ERROR.message

    def __init_subclass__(
        cls, *, code: ErrorCode | None = None, message: str | None = None, exit_code: int | None = None
    ) -> None:
        super().__init_subclass__()
        if code is not None:
            cls.code, cls.http_status, cls.user_message = code, code.status, code.message
        if message is not None:
            cls.user_message = message
        if exit_code is not None:
            cls.exit_code = exit_code

    def __init__(self, detail: str, *, user_message: str | None = None) -> None:
        super().__init__(detail)
        if user_message is not None:
            self.user_message = user_message


# Exit codes from sysexits.h: 78 EX_CONFIG, 66 EX_NOINPUT, 69 EX_UNAVAILABLE; 2 a usage error.
class ConfigError(AssistantError, code=ErrorCode.CONFIG_ERROR, exit_code=78): ...
class InvalidQuestion(AssistantError, code=ErrorCode.INVALID_QUESTION, exit_code=2): ...
class QuestionNotText(InvalidQuestion, code=ErrorCode.WRONG_TYPE): ...
class EmptyQuestion(InvalidQuestion, code=ErrorCode.EMPTY_QUESTION): ...
class QuestionTooLong(InvalidQuestion, code=ErrorCode.QUESTION_TOO_LONG): ...
class TooManyTurns(InvalidQuestion, code=ErrorCode.TOO_MANY_TURNS): ...
class CorpusError(AssistantError, code=ErrorCode.CORPUS_UNAVAILABLE, exit_code=66): ...
class IndexNotBuilt(AssistantError, code=ErrorCode.NOT_READY, exit_code=69): ...
NO_MODEL = "检索模型无法加载，请联系管理员。"
class ModelUnavailable(AssistantError, code=ErrorCode.NOT_READY, message=NO_MODEL, exit_code=69): ...
class ProviderUnavailable(AssistantError, code=ErrorCode.PROVIDER_UNAVAILABLE, exit_code=69): ...
class StoreUnavailable(AssistantError, code=ErrorCode.STORE_UNAVAILABLE, exit_code=69): ...
class UnknownDocument(AssistantError, code=ErrorCode.UNKNOWN_DOCUMENT, exit_code=2): ...
class AnswerTimeout(AssistantError, code=ErrorCode.TIMEOUT): ...
class UnknownModel(AssistantError, code=ErrorCode.MODEL_NOT_FOUND, exit_code=2): ...
class UnsupportedParameter(AssistantError, code=ErrorCode.UNSUPPORTED_PARAMETER, exit_code=2): ...


class RateLimited(AssistantError, code=ErrorCode.RATE_LIMITED):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limit exceeded; retry after {retry_after}s")
        self.retry_after = retry_after

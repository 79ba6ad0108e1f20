"""The assistant's own errors.

Each carries two messages and a code: ``user_message`` in Chinese for citizens, ``str(error)`` in
English for operators, and ``code``, a stable machine-readable name that clients may branch on
(messages may be reworded; codes never change). The edges (CLI, HTTP API, web page) translate
them; the core never prints or formats them itself.

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
    └── UnknownDocument        unknown_document     a question scoped to a report the library does not hold
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: a failure the user should hear about, in their language."""

    user_message = "抱歉，系统出现问题，请稍后再试。"
    code = "internal_error"
    exit_code = 1
    http_status = 500

    def __init__(self, detail: str, *, user_message: str | None = None) -> None:
        super().__init__(detail)
        if user_message is not None:
            self.user_message = user_message


class ConfigError(AssistantError):
    user_message = "系统配置有误，请联系管理员。"
    code = "config_error"
    exit_code = 78  # EX_CONFIG


class InvalidQuestion(AssistantError):
    user_message = "请输入您的问题。"
    code = "invalid_question"
    exit_code = 2
    http_status = 422


class QuestionNotText(InvalidQuestion):
    user_message = "问题格式不正确。"
    code = "wrong_type"


class EmptyQuestion(InvalidQuestion):
    user_message = "请输入您的问题。"
    code = "empty_question"


class QuestionTooLong(InvalidQuestion):
    user_message = "问题太长了，请精简后再问。"
    code = "question_too_long"


class TooManyTurns(InvalidQuestion):
    user_message = "对话太长了，请清空对话后重新提问。"
    code = "too_many_turns"


class CorpusError(AssistantError):
    user_message = "报告文件缺失或无法读取，请联系管理员。"
    code = "corpus_unavailable"
    exit_code = 66  # EX_NOINPUT


class IndexNotBuilt(AssistantError):
    user_message = "知识库尚未建立，请联系管理员。"
    code = "not_ready"
    exit_code = 69  # EX_UNAVAILABLE
    http_status = 503


class ModelUnavailable(AssistantError):
    user_message = "检索模型无法加载，请联系管理员。"
    code = "not_ready"
    exit_code = 69
    http_status = 503


class ProviderUnavailable(AssistantError):
    user_message = "回答服务暂时不可用，请稍后再试。"
    code = "provider_unavailable"
    exit_code = 69
    http_status = 503


class StoreUnavailable(AssistantError):
    user_message = "检索服务暂时不可用，请稍后再试。"
    code = "store_unavailable"
    exit_code = 69
    http_status = 503


class UnknownDocument(AssistantError):
    user_message = "所选的报告不存在，请重新选择。"
    code = "unknown_document"
    exit_code = 2
    http_status = 422

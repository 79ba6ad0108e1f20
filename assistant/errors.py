"""The assistant's own errors.

Each carries two messages: ``user_message`` in Chinese for citizens, and ``str(error)`` in
English for operators. The edges (CLI, HTTP API, web page) translate them; the core never
prints or formats them itself.

    AssistantError
    ├── ConfigError            config.yaml is missing, malformed or has invalid values
    ├── InvalidQuestion        empty, too long, or too many turns
    ├── CorpusError            the report is missing, unreadable or empty
    ├── IndexNotBuilt          no index yet (run `assistant index`)
    ├── StoreUnavailable       the chroma store (e.g. a chroma server) cannot be reached
    ├── UnknownDocument        a question scoped to a report the library does not hold
    ├── ModelUnavailable       the embedding model cannot be loaded
    └── ProviderUnavailable    the LLM endpoint failed or timed out
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: a failure the user should hear about, in their language."""

    user_message = "抱歉，系统出现问题，请稍后再试。"
    exit_code = 1
    http_status = 500

    def __init__(self, detail: str, *, user_message: str | None = None) -> None:
        super().__init__(detail)
        if user_message is not None:
            self.user_message = user_message


class ConfigError(AssistantError):
    user_message = "系统配置有误，请联系管理员。"
    exit_code = 78  # EX_CONFIG


class InvalidQuestion(AssistantError):
    user_message = "请输入您的问题。"
    exit_code = 2
    http_status = 422


class CorpusError(AssistantError):
    user_message = "报告文件缺失或无法读取，请联系管理员。"
    exit_code = 66  # EX_NOINPUT


class IndexNotBuilt(AssistantError):
    user_message = "知识库尚未建立，请联系管理员。"
    exit_code = 69  # EX_UNAVAILABLE
    http_status = 503


class ModelUnavailable(AssistantError):
    user_message = "检索模型无法加载，请联系管理员。"
    exit_code = 69
    http_status = 503


class ProviderUnavailable(AssistantError):
    user_message = "回答服务暂时不可用，请稍后再试。"
    exit_code = 69
    http_status = 503


class StoreUnavailable(AssistantError):
    user_message = "检索服务暂时不可用，请稍后再试。"
    exit_code = 69
    http_status = 503


class UnknownDocument(AssistantError):
    user_message = "所选的报告不存在，请重新选择。"
    exit_code = 2
    http_status = 422

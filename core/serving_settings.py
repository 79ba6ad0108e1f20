"""The settings sections of serving: the HTTP server and its keys, logging, the shared database, the console.

Part of the one settings tree (core/settings.py), kept apart because they are read only by the edges.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr

from core.config_file import comma_separated
from core.section import Section


def _long_enough(keys: list[SecretStr]) -> list[SecretStr]:
    short = [n for n, key in enumerate(keys, 1) if len(key.get_secret_value()) < 16]
    if short:
        raise ValueError(
            f"key {short[0]} of {len(keys)} is shorter than 16 characters; make keys with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )
    return keys


# From the environment as "key1,key2" (config.yaml: ${ASSISTANT_API_KEYS:}); a YAML list works too.
ApiKeys = Annotated[list[SecretStr], BeforeValidator(comma_separated), AfterValidator(_long_enough)]


class ServerSettings(Section):
    host: str = Field("127.0.0.1", description="Interface to listen on; 0.0.0.0 for every interface.")
    port: int = Field(7860, ge=1, le=65535, description="Port to listen on.")
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Other origins allowed to call the API, e.g. ['https://www.jlsy.gov.cn']; "
        "same-origin always works. A request whose Origin is neither is refused (403) before any work; "
        "requests without an Origin (curl, servers) are not affected. ['*'] allows every origin.",
    )
    api_keys: ApiKeys = Field(
        default_factory=list,
        description="Bearer keys for /v1/* and /api/search; empty: those are open. Set them in the environment "
        "(ASSISTANT_API_KEYS=key1,key2), never in this file; revoke one by removing it and restarting.",
    )
    rate_limit_per_minute: int = Field(30, ge=1, description="Per client IP, for the public endpoints.")
    rate_limit_shared: bool = Field(
        False, description="Count the rate limit in the shared database (several servers), not per process."
    )
    request_timeout: float = Field(60.0, gt=0, description="Seconds an answer may take before the request fails.")
    max_body_bytes: int = Field(
        262_144, ge=1024, le=16_777_216, description="Larger JSON API bodies are refused (413) before parsing."
    )
    workers: int = Field(
        1, ge=1, le=64, description="Server processes (assistant serve --workers N); more than 1 needs store.mode http."
    )


class LoggingSettings(Section):
    requests: bool = Field(
        True, description="One JSON line per HTTP request: time, method, route, status, latency_ms, request_id."
    )
    questions: bool = Field(
        False,
        description="Keep the question text: in chat lines, and in the question log behind the console's 概览 "
        "(top questions); without it the log keeps counts, latency and refusal reasons only. Citizens' "
        "questions are personal data: ID and phone numbers are masked.",
    )


class DatabaseSettings(Section):
    url: str = Field(
        "",
        description="SQLAlchemy URL of the feedback and unanswered-question database, shared by every "
        "server process; '' means a SQLite file in state_dir. e.g. postgresql+psycopg://user:pw@db/assistant "
        "(pip install 'psycopg[binary]'). A relative SQLite path is relative to the config file.",
    )


class AdminSettings(Section):
    """The content owners' console at /admin (off until `assistant admin set-password` creates an account)."""

    session_idle_minutes: int = Field(
        30, ge=1, le=1440, description="A console session ends after this many minutes without a request."
    )
    session_max_hours: float = Field(
        12.0, gt=0, le=168, description="A console session ends this many hours after login, however active."
    )
    max_upload_bytes: int = Field(
        20_971_520, ge=1024, le=209_715_200, description="Larger report uploads are refused (default 20 MB)."
    )
    login_attempts: int = Field(
        5, ge=1, le=1000, description="Failed logins allowed per account, and twice as many per IP, per window."
    )
    login_window_minutes: int = Field(
        15, ge=1, le=1440, description="The window failed logins are counted in; a blocked login waits it out."
    )
    trust_proxy_headers: bool = Field(
        False,
        description="Behind a reverse proxy: take the client IP from X-Forwarded-For and https from "
        "X-Forwarded-Proto (for the Secure cookie). Only when the proxy sets them.",
    )

"""Who may call what, decided before any work: the origin allowlist and the API keys.

- A request whose ``Origin`` is neither this server's own nor in ``server.cors_origins`` gets 403,
  on every route but ``/widget.js`` (a public file any portal may load; it computes nothing).
  Browsers send ``Origin`` on cross-site fetches and on every POST, so a foreign page can neither
  have an answer computed nor drive the page's own Gradio API. Navigations (a citation link opening
  ``/report``) carry no ``Origin`` and are not affected.
- With ``server.api_keys`` set, ``/v1/*`` and ``/api/search`` need ``Authorization: Bearer <key>``
  (401 otherwise), whatever the origin. The widget's endpoints (``/api/chat``, ``/api/feedback``…)
  and the page stay open: citizens have no key.

CORS preflights never reach this check: ``CORSMiddleware``, outside it, answers them (400 for an
origin not allowed), and the 401s here still get CORS headers, so an allowed browser client can read them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from pydantic import SecretStr
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.web.errors import error_response
from core.errors import ErrorCode

log = logging.getLogger(__name__)
PUBLIC_FILES = frozenset({"/widget.js"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(origin: str) -> str:
    """``scheme://host[:port]`` lower-cased, without a default port or a trailing slash ("null" stays)."""
    parts = urlsplit(origin.strip().lower().rstrip("/"))
    try:
        port = parts.port
    except ValueError:
        return origin
    if not parts.scheme or not parts.hostname:
        return origin.strip().lower()
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    explicit = f":{port}" if port is not None and port != _DEFAULT_PORTS.get(parts.scheme) else ""
    return f"{parts.scheme}://{host}{explicit}"


def own_origin(scope: Scope, headers: Headers) -> str:
    """The origin the client reached: the scheme uvicorn saw (X-Forwarded-Proto from a trusted proxy) and Host."""
    scheme = {"ws": "http", "wss": "https"}.get(scope["scheme"], scope["scheme"])
    host = headers.get("host")
    if not host and scope.get("server"):
        host = "{}:{}".format(*scope["server"])
    return normalise_origin(f"{scheme}://{host}")


class Origins:
    """The allowlist: this server itself, plus ``server.cors_origins`` (``*`` allows any)."""

    def __init__(self, allowed: Iterable[str]) -> None:
        listed = list(allowed)
        self.any = "*" in listed
        self.listed = sorted({normalise_origin(o) for o in listed if o != "*"})

    def allows(self, origin: str, scope: Scope, headers: Headers) -> bool:
        given = normalise_origin(origin)
        return self.any or given in self.listed or given == own_origin(scope, headers)


class ApiKeys:
    """``server.api_keys``, compared in constant time: digests of equal length, every key compared."""

    def __init__(self, keys: Iterable[SecretStr]) -> None:
        self._digests = [_digest(key.get_secret_value()) for key in keys]

    def __bool__(self) -> bool:
        return bool(self._digests)

    def refusal(self, authorization: str | None) -> str | None:
        """Why the header does not pass (for the operator's log), or None when it carries a valid key."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "no Authorization: Bearer header"
        given = _digest(token.strip())
        if not any([hmac.compare_digest(given, known) for known in self._digests]):  # a list: no early exit
            return "the bearer key is none of server.api_keys"
        return None


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def needs_key(path: str) -> bool:
    return path.startswith("/v1/") or path == "/api/search"


class AccessGuard:
    """Pure ASGI, so a refused request is answered before its body is read or a route runs."""

    def __init__(self, app: ASGIApp, origins: Origins, keys: ApiKeys) -> None:
        self.app = app
        self.origins = origins
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers, path = Headers(scope=scope), scope["path"]
        origin = headers.get("origin")
        if origin is not None and path not in PUBLIC_FILES and not self.origins.allows(origin, scope, headers):
            method = scope.get("method", "WEBSOCKET")
            log.warning("refused %s %s: Origin %s is not in server.cors_origins", method, path, origin)
            if scope["type"] == "websocket":  # closed before the handshake: the client sees a 403
                await send({"type": "websocket.close", "code": 1008})
                return
            await error_response(path, ErrorCode.ORIGIN_NOT_ALLOWED)(scope, receive, send)
            return
        reason = self.keys.refusal(headers.get("authorization")) if self.keys and needs_key(path) else None
        if reason is not None and scope["type"] == "http":
            log.info("refused %s %s: %s", scope["method"], path, reason)
            reply = error_response(path, ErrorCode.INVALID_API_KEY, headers={"WWW-Authenticate": "Bearer"})
            await reply(scope, receive, send)
            return
        await self.app(scope, receive, send)

"""Request bodies of the JSON APIs are read, bounded and checked here, before any parsing."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.errors import error_response
from core.errors import ErrorCode

JSON_APIS = ("/api/", "/v1/")


class BodyGuard:
    """Too large (by Content-Length, or counted as it streams in) → 413; not UTF-8 → 400.

    Pure ASGI: the body is read once, at most ``max_bytes`` + 1 of it, and replayed to the app, so a
    client cannot make the server buffer or parse a megabyte it will refuse anyway.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].startswith(JSON_APIS):
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        body = None if declared.isdigit() and int(declared) > self.max_bytes else await self._read(receive)
        if body is None:
            reply = error_response(scope["path"], ErrorCode.BODY_TOO_LARGE, headers={"Connection": "close"})
            await reply(scope, receive, send)
            return
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            await error_response(scope["path"], ErrorCode.INVALID_ENCODING)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it grows past the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away; an empty body fails validation
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body once, then the real channel (a streamed answer still hears the client disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed

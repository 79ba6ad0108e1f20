"""One JSON line per request for operators: what was asked of the server, how it went, how long it took.

Citizens' questions are personal data: a line carries the question only when ``logging.questions``
is on, and then with ID-card and phone numbers masked.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.privacy import mask_personal_data
from core.settings import LoggingSettings
from core.types import Answer

log = logging.getLogger("assistant.requests")
REQUEST_ID = "X-Request-ID"
_STATE_KEY = "request_log"
# A caller's own id (from a proxy or the portal) is kept when it is short and plain; else we make one.
_CALLER_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def note(request: Request, **fields: Any) -> None:
    """Add fields (``question``, ``refused``) to this request's log line; nothing when logging is off."""
    line = request.scope.get("state", {}).get(_STATE_KEY)
    if line is not None:
        line.update(fields)


def note_answer(request: Request, answer: Answer) -> None:
    """Whether the answer was refused and, for a model's answer, what the grounding guard kept and
    dropped (counts by rule, never the text)."""
    if answer.grounding is None:
        note(request, refused=answer.refused)
    else:
        note(request, refused=answer.refused, grounding=answer.grounding.counts())


def request_id(scope: Scope) -> str:
    given = Headers(scope=scope).get(REQUEST_ID, "")
    return given if _CALLER_ID.match(given) else uuid.uuid4().hex


class RequestLog:
    """Pure ASGI (a decorator middleware would buffer streamed answers); logs when the reply ends."""

    def __init__(self, app: ASGIApp, settings: LoggingSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        line: dict[str, Any] = {"request_id": request_id(scope)}
        scope.setdefault("state", {})[_STATE_KEY] = line
        progress = {"status": 500, "logged": False, "disconnected": False}  # 500: an exception escaped

        def write() -> None:
            if not progress["logged"]:
                progress["logged"] = True
                log.info(self.format(scope, line, progress, started))

        async def watched_receive() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect" and not progress["logged"]:
                progress["disconnected"] = True
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                progress["status"] = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID] = line["request_id"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                write()  # before the last byte leaves: whoever reads the reply can also read its line
            await send(message)

        try:
            await self.app(scope, watched_receive, send_with_id)
        finally:
            write()  # no complete reply: an exception, or the client left mid-stream

    def format(self, scope: Scope, line: dict[str, Any], progress: dict[str, Any], started: float) -> str:
        route = scope.get("route")
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": line.pop("request_id"),
            "method": scope["method"],
            "route": getattr(route, "path", None),  # the template: ids and queries stay out of the log
            "status": progress["status"],
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if entry["route"] is None:  # refused before routing, or no such page: the path, never the query
            entry["path"] = scope["path"][:200]
        question = line.pop("question", None)
        entry.update(line)
        if self.settings.questions and isinstance(question, str):
            entry["question"] = mask_personal_data(question)
        if progress["disconnected"]:
            entry["disconnected"] = True
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))

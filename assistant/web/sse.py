"""Server-Sent Events on the wire: named events for our API, bare data lines for OpenAI's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import StreamingResponse

# no-transform and X-Accel-Buffering stop proxies (nginx) from holding pieces back.
HEADERS = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}


def _json(data: object) -> str:
    # json.dumps escapes newlines inside strings, so one event is always one data line.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def event(name: str, data: object) -> bytes:
    return f"event: {name}\ndata: {_json(data)}\n\n".encode()


def data_line(data: object) -> bytes:
    payload = data if isinstance(data, str) else _json(data)
    return f"data: {payload}\n\n".encode()


def sse_response(body: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(body, media_type="text/event-stream", headers=HEADERS)


STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON, or with `stream: true` a `text/event-stream`.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}

"""A real uvicorn server in a background thread, and a parser for the streams it sends."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from assistant.web.factory import build_app
from assistant.web.server import Server, make_server
from core.settings import Settings, load_settings

TESTS = Path(__file__).resolve().parents[1]
API_KEY = "test-key-" + "k" * 24  # server.api_keys of the keyed servers (16+ characters)


@contextmanager
def running(server: Server, timeout: float = 30.0) -> Iterator[str]:
    """Serve on a free loopback port until the block ends; yields the base URL."""
    # Bind first and hand uvicorn the socket: no race for the port with other processes.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        url = server.url
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@contextmanager
def serving(settings: Any, assistant: Any, *, ui: bool = False) -> Iterator[str]:
    """The app as `assistant serve` builds it, around the test's own assistant."""
    with running(make_server(build_app(settings, assistant, ui=ui), settings, "127.0.0.1", 0)) as url:
        yield url


def with_sections(settings: Settings, **sections: dict[str, Any]) -> Settings:
    """``settings`` with some fields of some sections changed: ``server={"rate_limit_per_minute": 5}``."""
    changed = {name: getattr(settings, name).model_copy(update=fields) for name, fields in sections.items()}
    return settings.model_copy(update=changed)


def hash_settings_in(state: Path, **sections: dict[str, Any]) -> Settings:
    """The hash-embedder test profile with its index and databases under ``state`` (for module fixtures)."""
    os.environ["ASSISTANT_TEST_STATE"] = str(state)
    settings = load_settings(overlays=[TESTS / "settings-test.yaml", TESTS / "settings-hash.yaml"])
    return with_sections(settings, **sections)


def healthy(url: str) -> bool:
    response = httpx.get(f"{url}/healthz", timeout=10)
    return response.status_code == 200 and response.json()["status"] == "ok"


@dataclass(frozen=True)
class Event:
    name: str
    data: Any


def parse_sse(text: str) -> list[Event]:
    """Events of a text/event-stream body, per the spec's line rules (data JSON-decoded)."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if data:
            joined = "\n".join(data)
            events.append(Event(name, joined if joined == "[DONE]" else json.loads(joined)))
    return events


def ask(question: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": question}]}

"""Run the app under uvicorn."""

from __future__ import annotations

import copy
import logging
import socket
from typing import Any

import uvicorn

from assistant.service import Assistant
from core.settings import Settings

# uvicorn configures its own loggers only; this one is sure to reach the operator's console.
log = logging.getLogger("uvicorn.error")


class Server(uvicorn.Server):
    """uvicorn's server, announcing the address once it accepts connections."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            log.info("ready at %s", self.url)

    @property
    def url(self) -> str:
        """The base URL, with the real port when the OS chose it (port 0 or a passed socket)."""
        host, port = self.config.host, self.config.port
        for server in getattr(self, "servers", []):
            for sock in server.sockets:
                host, port = sock.getsockname()[:2]
        return f"http://{host}:{port}"


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the request log (``assistant.requests``) as bare JSON lines on stdout."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["json_line"] = {"format": "%(message)s"}
    config["handlers"]["requests"] = {
        "class": "logging.StreamHandler",
        "formatter": "json_line",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["assistant.requests"] = {"handlers": ["requests"], "level": "INFO", "propagate": False}
    return config


def make_server(
    settings: Settings,
    assistant: Assistant,
    host: str | None = None,
    port: int | None = None,
    *,
    ui: bool = True,
) -> Server:
    from assistant.web.api import create_app

    app = create_app(settings, assistant, ui=ui)
    config = uvicorn.Config(
        app,
        host=host or settings.server.host,
        port=settings.server.port if port is None else port,
        log_level="info",
        log_config=log_config(),
        access_log=not settings.logging.requests,  # our JSON lines replace uvicorn's access lines
        timeout_graceful_shutdown=10,
    )
    return Server(config)


def serve(
    settings: Settings,
    assistant: Assistant,
    host: str | None = None,
    port: int | None = None,
    *,
    ui: bool = True,
) -> None:
    """Serve until interrupted (host and port default to ``settings.server``)."""
    make_server(settings, assistant, host, port, ui=ui).run()

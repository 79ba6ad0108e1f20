"""Run the app under uvicorn."""

from __future__ import annotations

import logging
import socket

import uvicorn

from assistant.settings import Settings
from assistant.web.answering import AssistantLike

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


def make_server(
    settings: Settings,
    assistant: AssistantLike,
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
        timeout_graceful_shutdown=10,
    )
    return Server(config)


def serve(
    settings: Settings,
    assistant: AssistantLike,
    host: str | None = None,
    port: int | None = None,
    *,
    ui: bool = True,
) -> None:
    """Serve until interrupted (host and port default to ``settings.server``)."""
    make_server(settings, assistant, host, port, ui=ui).run()

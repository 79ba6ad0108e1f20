"""Run the app under uvicorn: one process, or ``workers`` processes that each build it themselves."""

from __future__ import annotations

import copy
import logging
import socket
from pathlib import Path
from typing import Any

import uvicorn

from assistant.web import factory
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


def options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for one process and for workers alike (each worker configures its logging)."""
    return {
        "log_level": "info",
        "log_config": log_config(),
        "access_log": not settings.logging.requests,  # our JSON lines replace uvicorn's access lines
        "timeout_graceful_shutdown": 10,
    }


def make_server(app: Any, settings: Settings, host: str | None = None, port: int | None = None) -> Server:
    """A server for ``app`` (host and port default to ``settings.server``)."""
    host, port = host or settings.server.host, settings.server.port if port is None else port
    return Server(uvicorn.Config(app, host=host, port=port, **options(settings)))


def serve(
    settings: Settings,
    config: Path | None = None,
    host: str | None = None,
    port: int | None = None,
    *,
    workers: int = 1,
    ui: bool = True,
    progress: Any = None,
) -> None:
    """`assistant serve`: build the app from settings and serve it until interrupted.

    With several workers uvicorn's supervisor starts the processes (and restarts any that die); each
    builds its own app through ``factory.create_app_from_env``, from the config file passed on here.
    """
    factory.check_workers(settings, workers)  # before anything loads
    if workers == 1:
        app = factory.build_app(settings, ui=ui, build=True, progress=progress)
        make_server(app, settings, host, port).run()
        return
    factory.prepare_index(settings, progress)
    factory.pass_to_workers(config, ui=ui)
    host, port = host or settings.server.host, settings.server.port if port is None else port
    uvicorn.run(factory.APP_FACTORY, factory=True, host=host, port=port, workers=workers, **options(settings))

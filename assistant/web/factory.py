"""The one start-up path: ``build_app`` makes the served app from settings, for `assistant serve`,
for each uvicorn worker and for the tests.

Workers are separate processes that each import this module and call ``create_app_from_env``, so
the settings reach them through the environment (the config file here, overlays in ASSISTANT_CONFIG).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ConfigError
from core.settings import Settings, load_settings

if TYPE_CHECKING:  # the CLI imports this module to refuse bad set-ups before anything heavy loads
    from fastapi import FastAPI

    from assistant.service import Assistant

CONFIG_FILE_ENV = "ASSISTANT_CONFIG_FILE"
NO_UI_ENV = "ASSISTANT_SERVE_NO_UI"  # serve --no-ui, passed on to the workers
APP_FACTORY = "assistant.web.factory:create_app_from_env"
log = logging.getLogger("uvicorn.error")


def build_app(
    settings: Settings,
    assistant: Assistant | None = None,
    *,
    ui: bool = True,
    build: bool = False,
    progress: Any = None,
) -> FastAPI:
    """The app: the assistant (built from settings unless given; it owns the one feedback and
    unanswered-question database the API and the page share), the API and, with ``ui``, the Gradio page.

    An assistant built here warms up once the app has started; a given one is the caller's to warm.
    """
    built = assistant is None
    if built and ui:
        preload_ui()
    if assistant is None:
        assistant = build_assistant(settings, build=build, progress=progress)
    from assistant.web.admin import install_console
    from assistant.web.api import create_app

    app = create_app(settings, assistant)
    install_console(app, settings, assistant)  # the console at /admin; off (404) until an account exists
    if ui:
        mount_ui(app, settings, assistant)  # last: a mount at "/" would shadow every later route
    if built:
        warm_up_when_started(app, assistant)
    return app


def build_assistant(settings: Settings, *, build: bool, progress: Any = None) -> Assistant:
    from assistant.service import Assistant

    return Assistant.from_settings(settings, build=build, progress=progress)


def mount_ui(app: FastAPI, settings: Settings, assistant: Assistant) -> None:
    import gradio as gr

    try:
        import ui as page
    except ModuleNotFoundError as exc:
        if exc.name != "ui":
            raise
        raise ConfigError("ui (the Gradio page) is not importable: reinstall, or serve with ui=False") from exc
    blocks = page.build_ui(settings, assistant)
    # show_error=False: unexpected exceptions reach citizens as Gradio's generic notice, not in English.
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        server_name=settings.server.host,
        server_port=settings.server.port,
        show_error=False,
    )


def create_app_from_env() -> FastAPI:
    """uvicorn's ``--factory`` entry point in each worker."""
    config = os.environ.get(CONFIG_FILE_ENV)
    settings = load_settings(Path(config) if config else None)
    return build_app(settings, ui=os.environ.get(NO_UI_ENV) != "1")


def pass_to_workers(config: Path | None, *, ui: bool) -> None:
    """What ``create_app_from_env`` reads in each worker: the config file and whether to serve the page."""
    os.environ[NO_UI_ENV] = "0" if ui else "1"
    if config is not None:
        os.environ[CONFIG_FILE_ENV] = str(Path(config).resolve())


def check_workers(settings: Settings, workers: int) -> None:
    """Refuse, before anything loads, a set-up that would corrupt the store."""
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1 (got {workers})")
    if workers > 1 and settings.store.mode == "persistent":
        raise ConfigError(
            f"--workers {workers} needs a chroma server: a persistent chromadb folder "
            f"({settings.store.path}) must be opened by one process only. Start one with "
            f"`chroma run --path {settings.store.path} --host 127.0.0.1 --port 8000` and set "
            "store.mode: http (store.host, store.port) in config.yaml, or serve with --workers 1."
        )


def prepare_index(settings: Settings, progress: Any = None) -> None:
    """Before the workers start: the index up to date, the model on disk."""
    from assistant.library_admin import prepare_to_serve

    prepare_to_serve(settings, progress)


def start_warm_up(assistant: Any) -> threading.Thread:
    """In the background: the server answers at once, and the first answers get faster as this runs."""

    def warm() -> None:
        started = time.perf_counter()
        assistant.warm_up()
        log.info("warm-up done in %.1f s", time.perf_counter() - started)

    thread = threading.Thread(target=warm, name="warm-up", daemon=True)
    thread.start()
    return thread


def warm_up_when_started(app: Any, assistant: Any) -> None:
    """Start the warm-up once the app's start-up is done, so it never competes with it for the cores."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        async with inner(app) as state:
            start_warm_up(assistant)
            yield state

    app.router.lifespan_context = lifespan


def preload_ui() -> threading.Thread:
    """Import Gradio (seconds of pure Python) while the main thread loads the model and opens the store."""

    def load() -> None:
        try:
            import gradio  # noqa: F401

            import ui  # noqa: F401
        except ImportError:
            pass  # the main thread's import reports it

    thread = threading.Thread(target=load, name="preload-ui", daemon=True)
    thread.start()
    return thread

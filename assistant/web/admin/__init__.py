"""The content owners' console at /admin: FastAPI pages rendered on the server with Jinja2.

``install_console`` adds it to the app (factory.build_app, before the Gradio page is mounted at /).
A page is a router of its own whose routes depend on ``security.Admin``; add it to ``page_routers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI

from assistant.web.admin.auth import auth_router
from assistant.web.admin.console import Console
from assistant.web.admin.security import install_gate

if TYPE_CHECKING:
    from assistant.service import Assistant
    from core.settings import Settings


def page_routers(console: Console) -> list[APIRouter]:
    """The console's pages, each its own router (its routes depend on ``security.Admin``)."""
    from assistant.web.admin.insights_pages import insights_router
    from assistant.web.admin.library import library_router
    from assistant.web.admin.overview_page import overview_router

    return [library_router(console), insights_router(console), overview_router(console)]


def install_console(app: FastAPI, settings: Settings, assistant: Assistant) -> Console:
    console = Console.build(settings, assistant)
    app.state.admin_console = console
    install_gate(app)
    app.include_router(auth_router())
    for router in page_routers(console):
        app.include_router(router)
    return console

"""The 报告库 page: the reports in the library, and changing them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from assistant.web.admin.console import Console
from assistant.web.admin.security import Admin


def library_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin", include_in_schema=False)

    @router.get("/library")
    def library_page(request: Request, session: Admin) -> HTMLResponse:
        reports = console.assistant.library()
        context = {"title": "报告库", "active": "library", "reports": reports}
        return console.render(request, "library.html", context, session=session)

    return router

"""What every console page shares: the stores, the templates and the navigation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from assistant.accounts import Accounts
from assistant.admin_sessions import AdminSession, LoginLimit, Sessions
from assistant.console_db import ConsoleDatabase
from core.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant

HERE = Path(__file__).resolve().parent
# The console's pages, in the order of the navigation: (key, label, path). A page's template passes
# its key as ``active``. The tabs of pages still to come are here already; their routers go in __init__.py.
NAV = (
    ("library", "报告库", "/admin/library"),
    ("unanswered", "未回答的问题", "/admin/unanswered"),
    ("feedback", "反馈", "/admin/feedback"),
    ("overview", "概览", "/admin/overview"),
)
# Console pages are private and change with every action: never cached, never framed, scripts only ours.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'",
}


def when(moment: float | str | None) -> str:
    """A time for people: epoch seconds or an ISO string, in the server's local time, to the minute."""
    if not moment:
        return "—"
    try:
        at = datetime.fromtimestamp(moment) if isinstance(moment, float | int) else datetime.fromisoformat(moment)
    except ValueError:
        return str(moment)
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescapes .html
    templates.env.filters["when"] = when
    return templates


@dataclass
class Console:
    settings: Settings
    assistant: Assistant
    database: ConsoleDatabase
    accounts: Accounts
    sessions: Sessions
    login_limit: LoginLimit
    templates: Jinja2Templates = field(default_factory=make_templates)

    @classmethod
    def build(cls, settings: Settings, assistant: Assistant) -> Console:
        database = ConsoleDatabase.from_settings(settings)
        return cls(
            settings=settings,
            assistant=assistant,
            database=database,
            accounts=Accounts(database),
            sessions=Sessions(database, settings.admin),
            login_limit=LoginLimit(database, settings.admin),
        )

    def render(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        *,
        session: AdminSession | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        """A page in the console's frame: the navigation, who is logged in, the CSRF token for forms."""
        values = {"nav": NAV, "user": session.username if session else "", "csrf": session.csrf if session else ""}
        response = self.templates.TemplateResponse(request, template, {**values, **(context or {})}, status_code=status)
        response.headers.update(PAGE_HEADERS)
        return response

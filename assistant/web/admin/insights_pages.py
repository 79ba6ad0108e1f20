"""The console's 未回答的问题 and 反馈 pages, and their CSV downloads (assistant/insights.py reads the data).

Filters travel in the query string, so a filtered view is a link an owner can keep, and the CSV link
carries the same filters as the page it sits on.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from assistant.feedback import Rating
from assistant.insights import (
    FeedbackFilter,
    Period,
    citations_of,
    feedback_rows,
    group_reason,
    mark_handled,
    reopen,
    unanswered_groups,
)
from assistant.insights_csv import feedback_csv, unanswered_csv
from assistant.web.admin.console import Console
from assistant.web.admin.security import Admin, client_ip

UNANSWERED = "/admin/unanswered"
MAX_IDS = 5000  # one group's rows in one form; more than the page ever groups (insights.GROUPED_ROWS)


def parse_day(text: str) -> date | None:
    """A day from an <input type=date> (YYYY-MM-DD); anything else is no bound."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def report_titles(console: Console) -> dict[str, str]:
    return {d.doc_id: d.title for d in console.assistant.library()}


def csv_download(data: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, media_type="text/csv; charset=utf-8", headers=headers)


def _doc(value: str) -> str | None:
    """ "" in a filter means every report; the library-wide questions are stored with doc "" as well."""
    return value or None


def insights_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin", include_in_schema=False)
    store = console.assistant.feedback

    def groups(show: str, doc: str) -> list[Any]:
        return unanswered_groups(store, handled=show == "handled", doc=_doc(doc))

    @router.get("/unanswered")
    def unanswered_page(request: Request, session: Admin, show: str = "open", doc: str = "") -> Response:
        found = groups(show, doc)
        context = {
            "title": "未回答的问题",
            "active": "unanswered",
            "show": "handled" if show == "handled" else "open",
            "doc": doc,
            "titles": report_titles(console),
            "rows": [(g, group_reason(g)) for g in found],
            "asked": sum(g.count for g in found),
            "query": urlencode({"show": show, "doc": doc}),
            "done": request.query_params.get("done", ""),
        }
        return console.render(request, "unanswered.html", context, session=session)

    @router.get("/unanswered.csv")
    def unanswered_download(session: Admin, show: str = "open", doc: str = "") -> Response:
        return csv_download(unanswered_csv(groups(show, doc)), f"unanswered-{date.today().isoformat()}.csv")

    @router.post("/unanswered/handle")
    def handle(
        request: Request,
        session: Admin,
        ids: Annotated[str, Form(max_length=MAX_IDS * 12)] = "",
        action: Annotated[str, Form(max_length=10)] = "handle",
        back: Annotated[str, Form(max_length=300)] = "",
    ) -> Response:
        chosen = [int(i) for i in ids.split(",") if i.strip().isdigit()][:MAX_IDS]
        changed = reopen(store, chosen) if action == "reopen" else mark_handled(store, chosen)
        verb = "reopen-questions" if action == "reopen" else "handle-questions"
        console.accounts.audit(session.username, verb, detail=f"{changed} rows", ip=client_ip(request, console))
        query = back if back.startswith("show=") else ""
        return RedirectResponse(f"{UNANSWERED}?{query}&done={action}#list", status_code=303)

    def chosen_feedback(rating: str, doc: str, start: str, end: str) -> FeedbackFilter:
        picked: Rating | None = "up" if rating == "up" else "down" if rating == "down" else None
        return FeedbackFilter(picked, _doc(doc), Period(parse_day(start), parse_day(end)))

    @router.get("/feedback")
    def feedback_page(
        request: Request, session: Admin, rating: str = "", doc: str = "", start: str = "", end: str = ""
    ) -> Response:
        rows = feedback_rows(store, chosen_feedback(rating, doc, start, end))
        context = {
            "title": "反馈",
            "active": "feedback",
            "filters": {"rating": rating, "doc": doc, "start": start, "end": end},
            "titles": report_titles(console),
            "rows": [(r, citations_of(r)) for r in rows],
            "ups": sum(r.rating == "up" for r in rows),
            "query": urlencode({"rating": rating, "doc": doc, "start": start, "end": end}),
        }
        return console.render(request, "feedback.html", context, session=session)

    @router.get("/feedback.csv")
    def feedback_download(session: Admin, rating: str = "", doc: str = "", start: str = "", end: str = "") -> Response:
        rows = feedback_rows(store, chosen_feedback(rating, doc, start, end), limit=100_000)
        return csv_download(feedback_csv(rows), f"feedback-{date.today().isoformat()}.csv")

    return router

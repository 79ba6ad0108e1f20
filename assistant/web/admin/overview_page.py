"""The console's 概览: the figures of assistant/overview.py as Plotly charts, and the two scripts the
page needs (our insights.js, and plotly.min.js from the installed plotly package: no CDN, the product
runs offline)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from assistant.insights_charts import charts
from assistant.overview import Overview, overview
from assistant.web.admin.console import HERE, Console
from assistant.web.admin.security import Admin

PERIODS = (7, 30, 90)
ASSETS = {
    "insights.js": "text/javascript; charset=utf-8",
    "insights.css": "text/css; charset=utf-8",
    "plotly.min.js": "text/javascript; charset=utf-8",
}
# plotly.js sets style attributes and adds a <style> element as it draws: the console's policy allows
# inline styles on this page only (scripts stay 'self' only, so no inline script runs).
OVERVIEW_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)


def plotly_js() -> Path:
    return Path(str(files("plotly").joinpath("package_data", "plotly.min.js")))


@lru_cache(maxsize=len(ASSETS))
def _asset(name: str) -> tuple[bytes, bytes]:
    """A file and its gzip (plotly.min.js is 4.8 MB, 1.4 MB gzipped), read and compressed once."""
    path = plotly_js() if name == "plotly.min.js" else HERE / "static" / name
    data = path.read_bytes()
    return data, gzip.compress(data, 6)


def headline(data: Overview) -> dict[str, object]:
    """The period's figures above the charts (the total of every day)."""
    total = data.total
    return {
        "questions": total.questions,
        "refusal": None if total.refusal_rate is None else round(100 * total.refusal_rate, 1),
        "satisfaction": None if total.satisfaction is None else round(100 * total.satisfaction, 1),
        "ratings": total.up + total.down,
        "p50": total.p50,
        "p95": total.p95,
    }


def overview_router(console: Console) -> APIRouter:
    router = APIRouter(prefix="/admin", include_in_schema=False)
    assistant = console.assistant

    @router.get("/overview")
    def overview_page(request: Request, session: Admin, days: int = 30, doc: str = "") -> Response:
        days = days if days in PERIODS else 30
        assistant.recorder.questions.flush()  # this process's last answers are counted too
        data = overview(assistant.feedback, days=days, doc=doc or None)
        titles = {d.doc_id: d.title for d in assistant.library()}
        with_top = console.settings.logging.questions
        context = {
            "title": "概览",
            "active": "overview",
            "days": days,
            "periods": PERIODS,
            "doc": doc,
            "titles": titles,
            "figures": charts(data, titles, with_top=with_top),
            "with_top": with_top,
            "head": headline(data),
            "data": data,
        }
        response = console.render(request, "overview.html", context, session=session)
        response.headers["Content-Security-Policy"] = OVERVIEW_CSP
        return response

    @router.get("/insights/{name}")
    def asset(name: str, request: Request, session: Admin) -> Response:
        if name not in ASSETS:
            raise HTTPException(404)
        plain, packed = _asset(name)
        headers = {"Cache-Control": "private, max-age=3600", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(packed, media_type=ASSETS[name], headers=headers)
        return Response(plain, media_type=ASSETS[name], headers=headers)

    return router

"""The report as published: a readable page with an anchor per paragraph, and the raw text.

Citations point here: ``/report?hl=START-END#p12`` opens paragraph 12 with the cited characters
(offsets into ``/report.txt``) marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, PlainTextResponse

if TYPE_CHECKING:  # the service hands these over; the page only reads them
    from index.loader import Document, Paragraph


_RANGE = re.compile(r"^(\d{1,9})-(\d{1,9})$")
# The page runs no script and loads nothing: a citizen's browser only ever renders text here.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_STYLE = """
body { margin: 0 auto; max-width: 44em; padding: 1.5em 1.2em 4em; color: #1f2328; background: #fff;
  font: 18px/1.85 "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
  "Source Han Sans SC", sans-serif; }
h1 { font-size: 1.6em; line-height: 1.4; margin: .5em 0 .2em; }
h2 { font-size: 1.35em; margin: 2em 0 .4em; border-bottom: 2px solid #c8102e; padding-bottom: .2em; }
h3 { font-size: 1.15em; margin: 1.6em 0 .3em; color: #8a0e22; }
h4, h5, h6 { font-size: 1em; margin: 1.2em 0 .2em; }
nav { font-size: .85em; color: #57606a; }
nav a { color: #0a5bb5; margin-right: 1.2em; }
p { margin: .6em 0; text-indent: 2em; text-align: justify; scroll-margin-top: 2em; }
p a.n { float: left; margin-left: -3.2em; width: 2.4em; text-align: right; text-indent: 0;
  font-size: .7em; color: #8c959f; text-decoration: none; padding-top: .35em; }
p:target { background: #fff8c5; outline: 6px solid #fff8c5; }
mark { background: #ffd33d; color: inherit; padding: 0 .1em; }
@media (max-width: 40em) { body { font-size: 17px; } p a.n { display: none; } }
"""


def parse_range(value: str | None) -> tuple[int, int] | None:
    """``"120-180"`` as (120, 180); anything else means no highlight, never an error."""
    match = _RANGE.match(value or "")
    if not match:
        return None
    start, end = int(match[1]), int(match[2])
    return (start, end) if start < end else None


def _paragraph_html(p: Paragraph, highlight: tuple[int, int] | None) -> str:
    body = escape(p.text)
    if highlight:
        a, b = max(highlight[0], p.start) - p.start, min(highlight[1], p.end) - p.start
        if a < b:
            body = f"{escape(p.text[:a])}<mark>{escape(p.text[a:b])}</mark>{escape(p.text[b:])}"
    return f'<p id="p{p.number}"><a class="n" href="#p{p.number}">{p.number}</a>{body}</p>'


def _headings(previous: tuple[str, ...], section: tuple[str, ...]) -> list[str]:
    """Headings for the levels of ``section`` that differ from the previous paragraph's."""
    same = 0
    while same < min(len(previous), len(section)) and previous[same] == section[same]:
        same += 1
    return [
        f"<h{min(level + 2, 6)}>{escape(title)}</h{min(level + 2, 6)}>"
        for level, title in enumerate(section)
        if level >= same
    ]


def render_report(doc: Document, highlight: tuple[int, int] | None = None) -> str:
    parts: list[str] = []
    section: tuple[str, ...] = ()
    for paragraph in doc.paragraphs:
        parts += _headings(section, paragraph.section)
        parts.append(_paragraph_html(paragraph, highlight))
        section = paragraph.section
    title = escape(doc.title)
    return (
        f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
        f'<nav><a href="./">返回问答</a><a href="report.txt?doc={quote(doc.doc_id)}">原文纯文本</a></nav>'
        f"<h1>{title}</h1>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def render_library(documents: list[Document]) -> str:
    items = "".join(
        f'<li><a href="report?doc={quote(d.doc_id)}">{escape(d.title)}</a></li>' for d in documents
    )
    return (
        f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>报告全文</title><style>{_STYLE}</style></head><body>"
        f'<nav><a href="./">返回问答</a></nav><h1>报告全文</h1><ul>{items}</ul></body></html>\n'
    )


def report_router(documents: Callable[[], list[Document]]) -> APIRouter:
    """``documents`` gives the live library's reports (it changes when an index is swapped in)."""
    router = APIRouter(tags=["report"])

    def pick(doc: str | None) -> Document:
        live = documents()
        if not live:
            raise HTTPException(404)
        found = next((d for d in live if d.doc_id == doc), None) if doc else live[0]
        if found is None:
            raise HTTPException(404)
        return found

    @router.get("/report", response_class=HTMLResponse)
    async def report(doc: str | None = None, hl: str | None = None) -> HTMLResponse:
        """The full report (`doc`: its id; without it, the list of reports when there are several);
        each paragraph is `#p{number}`; `hl=START-END` marks a cited range."""
        live = documents()
        page = render_library(live) if doc is None and len(live) > 1 else render_report(pick(doc), parse_range(hl))
        return HTMLResponse(page, headers={"Content-Security-Policy": _CSP})

    @router.get("/report.txt", response_class=PlainTextResponse)
    async def report_text(doc: str | None = None) -> PlainTextResponse:
        """The report's source text; citation offsets `start`/`end` index into it."""
        return PlainTextResponse(pick(doc).source, media_type="text/plain; charset=utf-8")

    return router

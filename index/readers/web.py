"""HTML through trafilatura: the article body only (menus, footers and scripts dropped),
h1–h4 as heading levels, the page's title, publication date and source from its <meta>."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from index.metadata import iso_date
from index.readers.base import ReportText, heading_line, needs, no_text, report_text, unreadable

# Chinese government sites (the 政府网站 standard) and news sites name these differently.
_DATE_META = ("article:published_time", "PubDate", "publishdate", "pubdate", "firstpublishedtime", "date")
_SOURCE_META = ("ContentSource", "source", "og:site_name", "SiteName")
# "青禾县2024年工作报告_青禾县人民政府": a page <title> often ends with the site's name.
_BLOCKS = ("head", "p", "item", "quote")  # trafilatura's elements for headings and text blocks
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s)\s*[^_|｜]*(?:政府|网|网站|门户|日报|报)\s*$")


def _meta(tree: Any, names: tuple[str, ...]) -> str:
    """The first of the named <meta> values the page has (by name or property, any case)."""
    found = {
        (meta.get("name") or meta.get("property") or "").lower(): (meta.get("content") or "").strip()
        for meta in tree.iter("meta")
    }
    return next((found[n.lower()] for n in names if found.get(n.lower())), "")


def _blocks(body: Any) -> list[Any]:
    """Headings, paragraphs, list items and quotes, outermost only (a <p> inside a quote is the quote's)."""
    return [
        element
        for element in body.iter(*_BLOCKS)
        if not any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors())
    ]


def _lines(body: Any) -> list[str]:
    lines: list[str] = []
    for element in _blocks(body):
        text = "".join(element.itertext())
        if element.tag == "head":
            level = (element.get("rend") or "").lstrip("h")
            lines.append(heading_line(int(level) if level.isdigit() else 2, text))
        else:
            lines.extend(text.split("\n"))  # <br> inside a paragraph: separate lines
    return lines


def read_html(path: Path) -> ReportText:
    with needs("trafilatura==2.3.1", path):
        import trafilatura
        from trafilatura.utils import load_html
    try:
        tree = load_html(path.read_bytes())  # decodes by the page's own charset (GBK sites too)
    except OSError as exc:
        raise unreadable(path, exc.strerror) from exc
    if tree is None:
        raise unreadable(path, "not an HTML page")
    date, source = iso_date(_meta(tree, _DATE_META)), _meta(tree, _SOURCE_META)
    extracted = trafilatura.bare_extraction(tree, include_formatting=True, include_tables=False, with_metadata=True)
    if extracted is None or isinstance(extracted, dict) or extracted.body is None:  # dict: only if asked for
        raise no_text(path, "no article text found on the page")
    lines = _lines(extracted.body)
    if not any(line.strip() for line in lines):
        raise no_text(path, "no article text found on the page")
    # trafilatura's own date is not used: without a dated <meta> it guesses, e.g. "2024-01-01"
    # from a title naming 2024. A 发布时间 line in the article is read by the parser instead.
    return ReportText(
        text=report_text(lines, _SITE_SUFFIX.sub("", extracted.title or "")),
        format="html",
        date=date,
        source_line=f"来源：{source}" if source else "",
    )

"""DOCX through python-docx: heading styles become markdown levels, the Title style the title."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from index.readers.base import ReportText, heading_line, needs, no_text, one_line, report_text, unreadable

# Word names built-in styles in English whatever its language; WPS and templates use Chinese.
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)


def _style(paragraph: Any) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def _lines(paragraph: Any) -> list[str]:
    heading = _HEADING_STYLE.match(_style(paragraph))
    if heading:
        return [heading_line(int(heading.group(1)), one_line(paragraph.text))]
    if _TITLE_STYLE.match(_style(paragraph)):  # a second title-styled line heads a part of the report
        return [heading_line(1, one_line(paragraph.text))]
    return paragraph.text.split("\n")  # a soft line break (Shift+Enter) separates lines


def _title(paragraphs: list[Any]) -> Any:
    """The first Title-styled paragraph, or None (then the core "title" property stands in)."""
    return next((p for p in paragraphs if _TITLE_STYLE.match(_style(p)) and p.text.strip()), None)


def read_docx(path: Path) -> ReportText:
    with needs("python-docx==1.2.0", path):
        import docx
    try:
        document = docx.Document(str(path))
        paragraphs = list(document.paragraphs)
        core_title = document.core_properties.title or ""
    except Exception as exc:  # not a zip, a zip without Word parts, broken XML: all "unreadable"
        raise unreadable(path, f"not a valid .docx ({type(exc).__name__}: {exc})") from exc
    # The creation date in the core properties is not used: templates carry their own (python-docx's
    # says 2013), and it is when a file was begun, not when a report was published.
    titled = _title(paragraphs)
    lines = [line for p in paragraphs if p is not titled for line in _lines(p)]
    if not any(line.strip() for line in lines):
        raise no_text(path, "no paragraphs besides the title")
    title = titled.text if titled is not None else core_title
    return ReportText(text=report_text(lines, title), format="docx")

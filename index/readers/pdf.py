"""PDF through pypdf's text layer: wrapped lines joined into paragraphs, page furniture dropped."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from index.outline import numbering_level
from index.readers.base import ReportText, needs, no_text, report_text, unreadable

_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–\s]*$")
_FULL_LINE_SHARE = 0.8  # a line this much shorter than a full one ends its paragraph
_CONVERTER_TITLE = re.compile(r"^(Microsoft Word - |untitled)|\.(docx?|wps|pdf)$", re.IGNORECASE)


def _page_lines(reader: Any) -> list[list[str]]:
    return [[line.strip() for line in (page.extract_text() or "").splitlines()] for page in reader.pages]


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Headers and footers: the first or last line of at least half the pages (digits ignored)."""
    edges = Counter(
        re.sub(r"\d+", "#", line)
        for lines in pages
        for line in {next((x for x in lines if x), ""), next((x for x in reversed(lines) if x), "")}
        if line
    )
    return {line for line, count in edges.items() if count >= 2 and count * 2 >= len(pages)}


def _body_lines(pages: list[list[str]], keep_first: bool) -> list[str]:
    """All pages' lines without page numbers and running headers. Without a title in the metadata
    the first line is kept whatever it is: it is the title, even when the header repeats it."""
    running = _running_lines(pages)
    lines = [line for page in pages for line in page]
    first = next((i for i, line in enumerate(lines) if line), 0) if keep_first else -1
    return [
        line
        for i, line in enumerate(lines)
        if i == first or not (_PAGE_NUMBER.match(line) or re.sub(r"\d+", "#", line) in running)
    ]


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _join(left: str, right: str) -> str:
    # Chinese wraps between any two characters, "7" / "2%" included; only Latin words wrap at a space.
    space = " " if _is_latin_letter(left[-1:]) and _is_latin_letter(right[:1]) else ""
    return left + space + right


def paragraphs(lines: list[str]) -> list[str]:
    """Join lines the PDF wrapped mid-sentence: a paragraph ends at a blank line, a short line,
    or before a numbered line (一、 （一） 1.)."""
    lengths = sorted(len(line) for line in lines if line)
    full = lengths[len(lengths) * 3 // 4] if lengths else 0
    result: list[str] = []
    current = ""
    for line in lines:
        if current and (not line or numbering_level(line)):
            result.append(current)
            current = ""
        current = _join(current, line) if current else line
        if current and len(line) < _FULL_LINE_SHARE * full:
            result.append(current)
            current = ""
    return [*result, current] if current else result


def _title(metadata: Any) -> str:
    title = str(metadata.title or "").strip() if metadata else ""
    return "" if _CONVERTER_TITLE.search(title) else title


def read_pdf(path: Path) -> ReportText:
    with needs("pypdf==7.1.0", path):
        from pypdf import PdfReader
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")  # many published PDFs are "encrypted" with an empty password
        pages = _page_lines(reader)
        metadata = reader.metadata
        created = metadata.creation_date if metadata else None
    except Exception as exc:  # pypdf raises many kinds for a broken file; all mean "unreadable"
        raise unreadable(path, f"not a valid PDF ({type(exc).__name__}: {exc})") from exc
    title = _title(metadata)
    lines = paragraphs(_body_lines(pages, keep_first=not title))
    if not lines:
        raise no_text(path, f"no text layer on its {len(pages)} page(s) (a scan needs OCR first)")
    # When the PDF was made: for a published report, near its publication. A 发布时间 line wins.
    date = created.date().isoformat() if created else ""
    return ReportText(text=report_text(lines, title), format="pdf", date=date)

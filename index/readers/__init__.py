"""One reader per report format, each turning its file into the same normalised report text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.errors import CorpusError
from index.readers.base import ReportText
from index.readers.pdf import read_pdf
from index.readers.plain import read_plain
from index.readers.web import read_html
from index.readers.word import read_docx

READERS: dict[str, Callable[[Path], ReportText]] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
}
SUFFIXES = tuple(READERS)


def read_report(path: Path) -> ReportText:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise CorpusError(
            f"{path}: no reader for {path.suffix or 'files without an extension'} (readable: {', '.join(SUFFIXES)})",
            user_message="报告文件格式不受支持，请联系管理员。",
        )
    return reader(path)


__all__ = ["READERS", "SUFFIXES", "ReportText", "read_report"]

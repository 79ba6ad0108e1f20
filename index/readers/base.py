"""The one form every reader produces, and the helpers they share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.errors import CorpusError

HEADING_LEVELS = 4  # the parser nests "#" to "####"; deeper headings join the fourth level


@dataclass(frozen=True)
class ReportText:
    """A report as the parser reads it: the title on the first line, paragraphs between blank lines,
    headings as markdown ``#``. This text is the document's source, which offsets index into."""

    text: str
    format: str
    date: str = ""  # ISO publication date from the file's own metadata (HTML meta, PDF info)
    source_line: str = ""  # "来源：…" from the file's own metadata


@contextmanager
def needs(package: str, path: Path) -> Iterator[None]:
    """Turn a missing optional library into an operator message that names the fix."""
    try:
        yield
    except ImportError as exc:
        raise CorpusError(
            f"reading {path.suffix} reports needs {package}: .venv/bin/pip install {package} ({path})",
            user_message="系统缺少读取该格式报告的组件，请联系管理员。",
        ) from exc


def unreadable(path: Path, why: object) -> CorpusError:
    return CorpusError(f"cannot read {path}: {why}", user_message="报告文件已损坏或格式有误，无法读取，请联系管理员。")


def no_text(path: Path, why: str) -> CorpusError:
    return CorpusError(f"{path} holds no text: {why}", user_message="报告内容为空，请联系管理员。")


def heading_line(level: int, text: str) -> str:
    return f"{'#' * min(max(level, 1), HEADING_LEVELS)} {text}"


def one_line(text: str) -> str:
    """A paragraph on one line: the parser reads every line as a paragraph or a heading."""
    return " ".join(text.split())


def report_text(lines: Iterable[str], title: str = "") -> str:
    """Join lines as paragraphs; put ``title`` first unless the first line already says it."""
    body = [line for line in (one_line(text) for text in lines) if line]
    if title and (not body or body[0].lstrip("# ") != one_line(title)):
        body.insert(0, heading_line(1, one_line(title)))
    return "\n\n".join(body) + "\n"

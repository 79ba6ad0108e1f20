"""Read report files and recognise their structure: furniture, headings, periods, paragraphs.

A report is kept as its exact source text; every block below records character offsets into
it, so a citation can point at the place it came from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError

SUFFIXES = (".txt", ".md")
SECTION_SEP = " › "

# Page furniture of news sites: the editor line, dates and sources, photo credits.
_FURNITURE_LINE = re.compile(
    r"^(编辑|责任编辑|责编|校对|审核|来源|作者|记者|通讯员)\s*[:：]"
    r"|更新时间\s*[:：]|发布时间\s*[:：]|^\s*[（(]?\s*(资料图片|图片来源|摄影?)\b"
)
_CAPTION_HINT = re.compile(r"[（(](资料图片|图片|[^)）]{0,8}摄)[)）]\s*$")
_SENTENCE_END = "。！？；!?;"
_MENU_LINE_MAX = 8
_CAPTION_MAX = 24
_HEADING_MAX = 40
_YEAR_HEADING = re.compile(r"^((19|20)\d{2})\s*年?\S{0,16}$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based over the document's body paragraphs: /report#p{number}
    text: str
    start: int
    end: int
    section: tuple[str, ...]
    period: str


@dataclass
class Document:
    doc_id: str
    title: str
    source: str  # the file's full text, as published
    path: Path
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class _Line:
    text: str
    start: int
    end: int


def _blocks(source: str) -> list[list[_Line]]:
    """Group non-empty lines into blocks separated by blank lines, keeping offsets."""
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    offset = 0
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            start = offset + lead
            current.append(_Line(stripped, start, start + len(stripped)))
        elif current:
            blocks.append(current)
            current = []
        offset += len(raw)
    if current:
        blocks.append(current)
    return blocks


def is_furniture_line(text: str) -> bool:
    return bool(_FURNITURE_LINE.search(text))


def is_caption(text: str) -> bool:
    """A photo caption: one short sentence standing alone, or one marked as a picture."""
    if _CAPTION_HINT.search(text):
        return True
    body = text.rstrip(_SENTENCE_END)
    # Captions name a scene ("全会现场。"); a short line with a figure in it is a fact, not a caption.
    return (
        len(text) <= _CAPTION_MAX
        and text[-1] in _SENTENCE_END
        and not any(c in body for c in _SENTENCE_END)
        and not any(c.isdigit() for c in text)
    )


def is_menu(block: list[_Line]) -> bool:
    """A site menu: three or more very short unpunctuated lines with no blank line between."""
    return len(block) >= 3 and all(
        len(line.text) <= _MENU_LINE_MAX and not any(c in line.text for c in _SENTENCE_END + ",，:：")
        for line in block
    )


def is_heading(text: str) -> bool:
    if _MD_HEADING.match(text):
        return True
    if len(text) > _HEADING_MAX:
        return False
    return text[-1] not in _SENTENCE_END


def _heading_text(text: str) -> str:
    match = _MD_HEADING.match(text)
    title = match.group(2) if match else text
    return title.rstrip(":：").strip()


def _period_of(path: tuple[str, ...]) -> str:
    """The year of the nearest dated heading above: "2023成就和经验" makes its paragraphs 2023's."""
    for title in path:
        match = _YEAR_HEADING.match(title)
        if match:
            return match.group(1)
    return ""


class _Outline:
    """Tracks the current section path.

    Markdown headings nest by their level. Plain-text reports have no levels: a dated line
    ("2023成就和经验") or one ending in a colon ("写在前面:") opens a top section, and the run of
    heading lines after a paragraph replaces the sub-sections under it.
    """

    def __init__(self) -> None:
        self.top = ""
        self.sub: tuple[str, ...] = ()
        self._run: list[str] = []
        self._levels: list[tuple[int, str]] = []  # markdown: (level, title) from the top down

    def heading(self, raw: str) -> None:
        title = _heading_text(raw)
        md = _MD_HEADING.match(raw)
        if md:
            level = len(md.group(1))
            while self._levels and self._levels[-1][0] >= level:
                self._levels.pop()
            self._levels.append((level, title))
            self.top, self.sub = self._levels[0][1], tuple(t for _, t in self._levels[1:])
        elif _YEAR_HEADING.match(title) or raw.endswith((":", "：")):
            self.top, self.sub, self._run = title, (), []
        else:
            self._run.append(title)
            self.sub = tuple(self._run)

    def paragraph(self) -> None:
        # The next heading after a paragraph starts a new run under the same top section.
        self._run = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(part for part in (self.top, *self.sub) if part)


def parse_document(source: str, path: Path) -> Document:
    blocks = [b for b in _blocks(source) if not is_menu(b)]
    lines = [line for block in blocks for line in block if not is_furniture_line(line.text)]
    if not lines:
        raise CorpusError(f"{path} holds no text", user_message="报告内容为空，请联系管理员。")
    doc = Document(doc_id=path.stem, title=_heading_text(lines[0].text), source=source, path=path)
    outline = _Outline()
    for line in lines[1:]:
        if is_caption(line.text):
            continue
        if is_heading(line.text):
            outline.heading(line.text)
        else:
            outline.paragraph()
            doc.paragraphs.append(
                Paragraph(
                    number=len(doc.paragraphs) + 1,
                    text=line.text,
                    start=line.start,
                    end=line.end,
                    section=outline.path,
                    period=_period_of(outline.path),
                )
            )
    if not doc.paragraphs:
        raise CorpusError(f"{path} has a title but no paragraphs", user_message="报告内容为空，请联系管理员。")
    return doc


def report_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES))
        elif path.exists():
            files.append(path)
        else:
            raise CorpusError(f"report file not found: {path}", user_message="报告文件缺失，请联系管理员。")
    if not files:
        raise CorpusError(f"no .txt or .md report under {[str(p) for p in paths]}")
    return files


def read_source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path} is not UTF-8 text: {exc}") from exc
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc


def load_documents(paths: list[Path]) -> list[Document]:
    """Load every report under ``paths``, with furniture removed and structure recognised."""
    files = report_files(paths)
    documents = [parse_document(read_source(path), path) for path in files]
    stems = [d.doc_id for d in documents]
    if len(set(stems)) < len(stems):  # a/report.txt and b/report.txt: ids must still differ
        root = Path(os.path.commonpath([f.resolve().parent for f in files]))
        for doc in documents:
            doc.doc_id = doc.path.resolve().relative_to(root).as_posix()
    return documents


def document_from_stored(stored: Any) -> Document:
    """Parse a report again from the text the library keeps (for re-embedding), keeping its facts."""
    doc = parse_document(stored.text, Path(f"{stored.doc_id}.md"))
    doc.doc_id = stored.doc_id
    doc.title = stored.title
    for name in ("year", "date", "source_line", "format"):
        if hasattr(doc, name):
            setattr(doc, name, getattr(stored, name))
    return doc

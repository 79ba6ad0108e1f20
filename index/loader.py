"""Read report files and recognise their structure: furniture, headings, periods, paragraphs.

A report is kept as its source text (a .txt/.md file's exact text; for other formats the report
text their reader makes); every block below records character offsets into it, so a citation can
point at the place it came from.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import CorpusError
from core.settings import CorpusSettings, DocumentOverride
from index.metadata import covered_year, labelled_date, source_line
from index.outline import (
    SENTENCE_END,
    Heading,
    Outline,
    heading_text,
    is_heading,
    numbering_level,
    period_of,
)
from index.readers import SUFFIXES, read_report

SECTION_SEP = " › "
log = logging.getLogger(__name__)

# Page furniture of news sites: the editor line, dates and sources, photo credits.
_FURNITURE_LINE = re.compile(
    r"^(编辑|责任编辑|责编|校对|审核|来源|作者|记者|通讯员)\s*[:：]"
    r"|更新时间\s*[:：]|发布时间\s*[:：]|^\s*[（(]?\s*(资料图片|图片来源|摄影?)\b"
)
_CAPTION_HINT = re.compile(r"[（(](资料图片|图片|[^)）]{0,8}摄)[)）]\s*$")
_MENU_LINE_MAX = 8
_CAPTION_MAX = 24


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
    source: str  # the report text offsets index into: a .txt/.md file as published, else its reader's text
    path: Path
    paragraphs: list[Paragraph] = field(default_factory=list)
    year: int = 0  # the year the report looks back on ('今年' in a question); 0 if nothing tells
    date: str = ""  # publication date, YYYY-MM-DD, or ""
    source_line: str = ""  # where it was published: "来源：吉林日报—大吉网"
    format: str = ""  # txt, md, docx, pdf, html
    headings: list[Heading] = field(default_factory=list)  # in reading order, the title line excluded


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
    if numbering_level(text):  # "（一）坚持项目为王。" is the report's own outline
        return False
    if _CAPTION_HINT.search(text):
        return True
    body = text.rstrip(SENTENCE_END)
    # Captions name a scene ("全会现场。"); a short line with a figure in it is a fact, not a caption.
    return (
        len(text) <= _CAPTION_MAX
        and text[-1] in SENTENCE_END
        and not any(c in body for c in SENTENCE_END)
        and not any(c.isdigit() for c in text)
    )


def is_menu(block: list[_Line]) -> bool:
    """A site menu: three or more very short unpunctuated lines with no blank line between."""
    return len(block) >= 3 and all(
        len(line.text) <= _MENU_LINE_MAX and not any(c in line.text for c in SENTENCE_END + ",，:：")
        for line in block
    )


def parse_document(source: str, path: Path) -> Document:
    blocks = [b for b in _blocks(source) if not is_menu(b)]
    furniture = [line.text for block in blocks for line in block if is_furniture_line(line.text)]
    lines = [line for block in blocks for line in block if not is_furniture_line(line.text)]
    if not lines:
        raise CorpusError(f"{path} holds no text", user_message="报告内容为空，请联系管理员。")
    doc = Document(doc_id=path.stem, title=heading_text(lines[0].text), source=source, path=path)
    doc.paragraphs, doc.headings = _paragraphs(lines[1:])
    if not doc.paragraphs:
        raise CorpusError(f"{path} has a title but no paragraphs", user_message="报告内容为空，请联系管理员。")
    doc.date, doc.source_line = labelled_date(furniture), source_line(furniture)
    doc.year = covered_year(doc.title, (p.period for p in doc.paragraphs), doc.date) or 0
    doc.format = path.suffix.lower().lstrip(".")
    return doc


def _paragraphs(lines: list[_Line]) -> tuple[list[Paragraph], list[Heading]]:
    paragraphs: list[Paragraph] = []
    headings: list[Heading] = []
    outline = Outline()
    for line in lines:
        if is_caption(line.text):
            continue
        if is_heading(line.text):
            outline.heading(line.text)
            headings.append(Heading(line.text, line.start, line.end))
            continue
        outline.paragraph(line.text)
        paragraphs.append(
            Paragraph(
                number=len(paragraphs) + 1,
                text=line.text,
                start=line.start,
                end=line.end,
                section=outline.path,
                period=period_of(outline.path),
            )
        )
    return paragraphs, headings


def _is_report_file(path: Path) -> bool:
    # Word leaves "~$name.docx" lock files beside open documents; they are not reports.
    return path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith(("~$", "."))


def report_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if _is_report_file(p)))
        elif path.exists():
            files.append(path)
        else:
            raise CorpusError(f"report file not found: {path}", user_message="报告文件缺失，请联系管理员。")
    if not files:
        raise CorpusError(f"no report ({', '.join(SUFFIXES)}) under {[str(p) for p in paths]}")
    return files


def load_document(path: Path, override: DocumentOverride | None = None, *, fallback_year: int = 0) -> Document:
    """Read one report in any supported format; ``override`` corrects what the file says about itself."""
    report = read_report(path)
    doc = parse_document(report.text, path)
    override = override or DocumentOverride()
    doc.format = report.format
    doc.title = override.title or doc.title
    # The file's own lines (发布时间：, 来源：) are what readers see; metadata only fills gaps.
    doc.date = override.date or doc.date or report.date
    doc.source_line = override.source or doc.source_line or report.source_line
    doc.year = override.year or covered_year(doc.title, (p.period for p in doc.paragraphs), doc.date) or fallback_year
    return doc


def document_ids(files: list[Path]) -> list[str]:
    """File stems; where two files share a stem (a/report.txt, b/report.txt), paths from their common folder."""
    stems = [f.stem for f in files]
    if len(set(stems)) == len(stems):
        return stems
    root = Path(os.path.commonpath([f.resolve().parent for f in files]))
    return [f.resolve().relative_to(root).as_posix() for f in files]


def load_documents(
    paths: list[Path], overrides: Mapping[str, DocumentOverride] | None = None, *, fallback_year: int = 0
) -> list[Document]:
    """Load every report under ``paths``, with furniture removed and structure recognised.

    ``overrides`` are keyed by doc id (the file name without its extension).
    """
    overrides = overrides or {}
    files = report_files(paths)
    documents = []
    for path, doc_id in zip(files, document_ids(files), strict=True):
        override = overrides.get(doc_id) or overrides.get(path.stem)
        doc = load_document(path, override, fallback_year=fallback_year)
        doc.doc_id = doc_id
        documents.append(doc)
    for unused in set(overrides) - {key for d in documents for key in (d.doc_id, d.path.stem)}:
        log.warning("corpus.documents.%s matches no report file; its override is unused", unused)
    return documents


def document_from_stored(stored: Any) -> Document:
    """Parse a report again from the text the library keeps (for re-embedding), keeping its facts."""
    doc = parse_document(stored.text, Path(f"{stored.doc_id}.md"))
    doc.doc_id = stored.doc_id
    doc.title, doc.year, doc.date = stored.title, stored.year, stored.date
    doc.source_line, doc.format = stored.source_line, stored.format
    return doc


def load_corpus(corpus: CorpusSettings) -> list[Document]:
    """The configured reports, with their overrides, and corpus.report_year where nothing names a year."""
    return load_documents(corpus.paths, corpus.documents, fallback_year=corpus.report_year)

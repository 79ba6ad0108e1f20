"""Headings and the section path they open.

Three layouts nest into one outline: markdown ``#`` levels (what the DOCX and HTML readers
write), Chinese official numbering (一、 > （一） > 1. > （1）), and the seed report's plain layout
(a dated top heading such as "2023成就和经验", then runs of unnumbered heading lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_END = "。！？；!?;"
HEADING_MAX = 40
# "（一）坚持项目为王，扩大有效投资。" standing alone is a heading; longer, it is a paragraph's lead.
LEAD_PHRASE_MAX = 30

MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMERALS = "一二三四五六七八九十百零〇"
_NUMBERING = (  # level 1 to 4, as Chinese official documents number their sections
    re.compile(rf"^[{_NUMERALS}]+、"),
    re.compile(rf"^[（(][{_NUMERALS}]+[）)]"),
    re.compile(r"^\d{1,2}[.．、](?!\d)"),  # "1." but not "1.5亿元"
    re.compile(r"^[（(]\d{1,2}[）)]"),
)
_YEAR_HEADING = re.compile(r"^((19|20)\d{2})\s*年?\S{0,16}$")

# Ranks order the kinds of heading from outermost to innermost; a heading closes every open
# section of its rank or deeper. Markdown levels (1–6) stay outermost so that numbering inside a
# "## …" section nests under it. A plain "写在前面:" ranks with 一、, so "各位代表：" is replaced
# by the first 一、 instead of holding the whole report.
_YEAR_RANK = 10
_NUMBERED_RANK = 10  # + level: 一、 is 11, （1） is 14
_COLON_RANK = 11
_RUN_RANK = 20


def numbering_level(text: str) -> int:
    """1 for 一、, 2 for （一）, 3 for 1. or 1、, 4 for （1）; 0 when the line is not numbered."""
    return next((level for level, pattern in enumerate(_NUMBERING, 1) if pattern.match(text)), 0)


def strip_numbering(text: str) -> str:
    level = numbering_level(text)
    return _NUMBERING[level - 1].sub("", text, count=1).strip() if level else text


def _is_numbered_heading(text: str) -> bool:
    if len(text) <= HEADING_MAX and text[-1] not in SENTENCE_END:
        return True
    # The lead phrase alone: one short sentence without a figure ("（一）全县GDP增长6.2%。" is a fact).
    body = strip_numbering(text)
    return (
        len(body) <= LEAD_PHRASE_MAX
        and not any(c in body[:-1] for c in SENTENCE_END)
        and not any(c.isdigit() for c in body)
    )


def is_heading(text: str) -> bool:
    if MD_HEADING.match(text):
        return True
    if numbering_level(text):
        return _is_numbered_heading(text)
    return len(text) <= HEADING_MAX and text[-1] not in SENTENCE_END


def heading_text(text: str) -> str:
    match = MD_HEADING.match(text)
    title = match.group(2) if match else text
    if numbering_level(title):
        title = title.rstrip(SENTENCE_END)
    return title.rstrip(":：").strip()


def period_of(path: tuple[str, ...]) -> str:
    """The year of the nearest dated heading above: "2023成就和经验" makes its paragraphs 2023's."""
    for title in path:
        match = _YEAR_HEADING.match(strip_numbering(title))
        if match:
            return match.group(1)
    return ""


def heading_rank(raw: str) -> int:
    md = MD_HEADING.match(raw)
    if md:
        return len(md.group(1))
    level = numbering_level(raw)
    if level:
        return _NUMBERED_RANK + level
    if _YEAR_HEADING.match(heading_text(raw)):
        return _YEAR_RANK
    return _COLON_RANK if raw.endswith((":", "：")) else _RUN_RANK


@dataclass(frozen=True)
class Heading:
    """A heading line as the parser met it, with its offsets into the report text."""

    text: str  # as written: "## 经济", "（一）经济运行稳中向好"
    start: int
    end: int

    @property
    def title(self) -> str:
        return heading_text(self.text)

    @property
    def rank(self) -> int:
        return heading_rank(self.text)


class Outline:
    """Tracks the open sections while the parser walks down the report.

    Unnumbered plain headings come in runs: the seed's two-line headings ("着力稳经济促发展" /
    "综合经济实力实现新提升") are both kept, and the next run after a paragraph replaces them.
    """

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []  # (rank, title), outermost first
        self._after_paragraph = False

    def heading(self, raw: str) -> None:
        rank = heading_rank(raw)
        if rank != _RUN_RANK or self._after_paragraph:
            self._close(rank)
        self._open.append((rank, heading_text(raw)))
        self._after_paragraph = False

    def paragraph(self, raw: str) -> None:
        # "（二）项目建设提速增效。…" is a paragraph, yet it still ends the sections under （一）.
        level = numbering_level(raw)
        if level:
            self._close(_NUMBERED_RANK + level)
        self._after_paragraph = True

    def _close(self, rank: int) -> None:
        while self._open and self._open[-1][0] >= rank:
            self._open.pop()

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title in self._open if title)

"""A parsed report's heading tree, as data: sections with their span, period, points and items.

Built from the headings and paragraphs the loader recognised (index/loader.py), by the same nesting
rules (index/outline.py), for every input format. Pure functions: nothing here reads files or indexes.

- A run of unnumbered heading lines (the seed's "着力稳经济促发展" / "综合经济实力实现新提升") is one
  section: a title and its subtitle, joined by "，".
- A numbered paragraph ("（四）营商环境持续优化。深入推进…") is a section of its own, holding that
  paragraph: the county report numbers some of its sections that way.
- Node ids are positional ("s2-3-1": third child of the second top section, its first child), so
  the same report text always gives the same ids, for /report?doc=ID#s2-3-1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from index.leads import enumeration, figure_clause, lead_phrase, lead_sentence
from index.loader import Document, Paragraph
from index.outline import Heading, heading_text, numbering_level, period_of, strip_numbering

_RUN_RANK = 20  # index.outline's rank of an unnumbered plain heading line
_NUMBERED_RANK = 10
ROOT_ID = "top"


@dataclass(frozen=True)
class Point:
    """One paragraph under a section: what it says first, and its main figure."""

    paragraph: int  # Paragraph.number: /report#p{paragraph}
    lead: str  # the lead sentence, which states the point
    figure: str  # the clause with the paragraph's main figure, or ""
    items: tuple[str, ...]  # a "一是…；二是…" enumeration inside the paragraph, if any
    start: int
    end: int
    phrase: str  # the point in a few words (a list item)


@dataclass(frozen=True)
class OutlineNode:
    id: str
    level: int  # 0 for the report itself, 1 for its top sections
    title: str  # without its number: "经济运行稳中向好"
    number: str  # "（一）", "1.", or ""
    period: str  # "2023", "2024", or "" where no dated heading is above
    start: int  # character span in Document.source, heading line(s) included
    end: int
    points: tuple[Point, ...] = ()  # the paragraphs directly under this node
    children: tuple[OutlineNode, ...] = ()
    path: tuple[str, ...] = ()  # the titles from the top section down to this one

    @property
    def items(self) -> tuple[str, ...]:
        """What "包括哪几方面" lists: the sub-sections, else each paragraph's point (or its 一是/二是)."""
        if self.children:
            return tuple(child.title for child in self.children)
        return tuple(item for p in self.points for item in (p.items if len(p.items) >= 2 else (p.phrase,)))

    def walk(self) -> Iterator[OutlineNode]:
        """This node and every node below it, in reading order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, node_id: str) -> OutlineNode | None:
        return next((n for n in self.walk() if n.id == node_id), None)

    def node_of(self, paragraph: int) -> OutlineNode | None:
        """The innermost section holding paragraph number ``paragraph``."""
        return next((n for n in self.walk() if any(p.paragraph == paragraph for p in n.points)), None)

    @property
    def paragraphs(self) -> tuple[int, ...]:
        """Every paragraph number under this node, its sub-sections' included."""
        return tuple(p.paragraph for n in self.walk() for p in n.points)


def point_of(paragraph: Paragraph) -> Point:
    text = paragraph.text
    return Point(
        paragraph=paragraph.number,
        lead=lead_sentence(text),
        figure=figure_clause(text),
        items=tuple(enumeration(text)),
        start=paragraph.start,
        end=paragraph.end,
        phrase=lead_phrase(text),
    )


def _numbered(title: str) -> tuple[str, str]:
    """("（一）", "经济运行稳中向好") from "（一）经济运行稳中向好"."""
    bare = strip_numbering(title)
    return title[: len(title) - len(bare)].strip(), bare


@dataclass
class _Draft:
    rank: int
    titles: list[str]
    start: int
    end: int
    period: str = ""
    points: list[Point] = field(default_factory=list)
    children: list[_Draft] = field(default_factory=list)

    def add_point(self, point: Point) -> None:
        self.points.append(point)
        self.end = max(self.end, point.end)

    def freeze(self, node_id: str, level: int, above: tuple[str, ...]) -> OutlineNode:
        number, title = _numbered("，".join(self.titles))
        path = (*above, title) if level else ()
        prefix = f"{node_id}-" if level else "s"
        children = tuple(child.freeze(f"{prefix}{n}", level + 1, path) for n, child in enumerate(self.children, 1))
        end = max([self.end, *(c.end for c in children)])
        points = tuple(self.points)
        return OutlineNode(node_id, level, title, number, self.period, self.start, end, points, children, path)


class _TreeBuilder:
    """Walks headings and paragraphs in reading order, closing sections as index.outline.Outline does."""

    def __init__(self, doc: Document) -> None:
        self.root = _Draft(rank=-1, titles=[doc.title], start=0, end=0)
        self.open = [self.root]
        self.last_was_run_heading = False

    def heading(self, heading: Heading) -> None:
        rank = heading.rank
        if rank == _RUN_RANK and self.last_was_run_heading:
            self.open[-1].titles.append(heading.title)  # the subtitle of a two-line heading
            self.open[-1].end = heading.end
        else:
            self._close(rank)
            self._open(_Draft(rank, [heading.title], heading.start, heading.end))
        self.last_was_run_heading = rank == _RUN_RANK

    def paragraph(self, paragraph: Paragraph) -> None:
        self.last_was_run_heading = False
        level = numbering_level(paragraph.text)
        if not level:
            self.open[-1].add_point(point_of(paragraph))
            return
        self._close(_NUMBERED_RANK + level)
        number = paragraph.text[: len(paragraph.text) - len(strip_numbering(paragraph.text))]
        title = number + heading_text(lead_sentence(paragraph.text).rstrip("。！？!?"))
        node = _Draft(_NUMBERED_RANK + level, [title], paragraph.start, paragraph.end, paragraph.period)
        node.add_point(point_of(paragraph))
        self.open[-1].children.append(node)  # it holds only itself: later paragraphs stay with the parent

    def _open(self, node: _Draft) -> None:
        node.period = self.open[-1].period or period_of((node.titles[0],))  # the outermost dated heading
        self.open[-1].children.append(node)
        self.open.append(node)

    def _close(self, rank: int) -> None:
        while len(self.open) > 1 and self.open[-1].rank >= rank:
            self.open.pop()


def build_outline(doc: Document) -> OutlineNode:
    """The report's heading tree; the root (level 0, id "top") holds the top sections and any
    paragraphs before the first heading."""
    builder = _TreeBuilder(doc)
    events: list[Heading | Paragraph] = sorted([*doc.headings, *doc.paragraphs], key=lambda e: e.start)
    for event in events:
        if isinstance(event, Heading):
            builder.heading(event)
        else:
            builder.paragraph(event)
    root = builder.root
    root.end = len(doc.source)
    return root.freeze(ROOT_ID, 0, ())

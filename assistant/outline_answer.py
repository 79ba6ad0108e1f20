"""Overview and list answers drawn from the report's outline, each line cited.

- overview of a section: its title (the point), then one line per sub-section or paragraph: what
  it leads with, and the clause with its main figure;
- overview of one paragraph: its lead sentence, then its following sentences' key clauses;
- list: every item at the matched level: the sub-sections, or the paragraphs' points.

At most ``MAX_LINES`` lines; the answer links to the whole section (查看全部).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from assistant.citations import curate
from core.types import Answer, AnswerForm, AnswerLine, Passage, SectionLink
from index.leads import clauses, figure_strength, sentences
from index.outline_tree import OutlineNode, Point
from index.search.outline_search import Match

MAX_LINES = 6
SIBLINGS_CLOSE = 0.1  # two sibling sections this close both answer a list question: their parent lists them
KEYWORD_TIE = 0.05  # sections whose keyword scores are this close (relative) share the question's words alike
TIED_SECTIONS = 3  # this many such sections: the question's words are what they have in common


@dataclass(frozen=True)
class Draft:
    """A line before numbering: its text, and the report offset of the sentence it comes from."""

    text: str
    at: int
    quote: str
    level: int = 1
    highlight: str = ""  # the clause of ``quote`` the line says, marked in the citation


class PassageFinder:
    """The chunk that holds a character offset of a report (chunks cover each paragraph in order)."""

    def __init__(self, passages: list[Passage]) -> None:
        self.by_doc: dict[str, list[Passage]] = {}
        for passage in passages:
            self.by_doc.setdefault(passage.doc, []).append(passage)
        for found in self.by_doc.values():
            found.sort(key=lambda p: p.start)
        self.starts = {doc: [p.start for p in found] for doc, found in self.by_doc.items()}

    def at(self, doc: str, offset: int) -> Passage | None:
        found = self.by_doc.get(doc, [])
        i = bisect.bisect_right(self.starts.get(doc, []), offset) - 1
        return found[i] if 0 <= i < len(found) and offset < found[i].end else None


def _trim(text: str) -> str:
    return text.strip().rstrip("。；;，,！？!?")


def _point_line(point: Point, source: str) -> Draft:
    """"千方百计稳定经济运行：前三季度全市GDP增长5.8%"."""
    lead = _trim(point.phrase or point.lead)
    figure = _trim(point.figure)
    if not figure or figure in lead:
        return Draft(lead, point.start, point.lead)
    at = max(source.find(point.figure, point.start), point.start)
    return Draft(f"{lead}：{figure}", at, _sentence_at(source, at, point.end), highlight=figure)


def _sentence_at(source: str, at: int, end: int) -> str:
    """The sentence of the report that holds offset ``at`` (within its paragraph, ending by ``end``)."""
    return next((s for s in sentences(source[_sentence_start(source, at) : end])), "")


def _sentence_start(source: str, at: int) -> int:
    return max(source.rfind(mark, 0, at) for mark in "。！？!?\n") + 1


_MIN_LINE = 8  # shorter, a clause without a figure is a fragment ("即将过去的一年里", "2024年")


def _key_clause(sentence: str) -> str:
    """A sentence's clause with the strongest figure, or its first clause that says something when it
    gives none ("" when every clause is a fragment: the line is left out)."""
    parts = clauses(sentence)
    if not parts:
        return ""
    best = max(parts, key=figure_strength)
    if figure_strength(best):
        return best
    return next((p for p in parts if len(p) >= _MIN_LINE), "")


def section_overview(node: OutlineNode, source: str) -> list[Draft]:
    first = next((p for n in node.walk() for p in n.points), None)
    head = Draft(node.title, first.start if first else node.start, first.lead if first else node.title, level=0)
    if node.children:
        lines = []
        for child in node.children:
            point = next((p for n in child.walk() for p in n.points), None)
            if point is not None:
                line = _point_line(point, source)
                lines.append(Draft(f"{child.title}：{line.text}", line.at, line.quote, highlight=line.highlight))
    else:
        lines = [_point_line(p, source) for p in node.points]
    return [head, *lines]


def paragraph_overview(point: Point, source: str) -> list[Draft]:
    head = Draft(_trim(point.lead), point.start, point.lead, level=0)
    lines = []
    cursor = point.start + len(point.lead)
    for sentence in sentences(source[cursor : point.end]):
        clause = _key_clause(sentence)
        at = source.find(sentence, cursor)
        if clause and at >= 0:
            lines.append(Draft(_trim(clause), at, sentence, highlight=_trim(clause)))
    return [head, *lines]


def section_items(node: OutlineNode, source: str) -> list[Draft]:
    head = Draft(node.title, node.start, node.title, level=0)
    if node.children:
        lines = []
        for child in node.children:
            point = next((p for n in child.walk() for p in n.points), None)
            at = point.start if point else child.start
            lines.append(Draft(child.title, at, point.lead if point else child.title))
        return [head, *lines]
    if any(len(p.items) >= 2 for p in node.points):
        return [head, *(Draft(_trim(item), p.start, p.lead) for p in node.points for item in p.items)]
    return [head, *(Draft(_trim(p.phrase or p.lead), p.start, p.lead) for p in node.points)]


def drafts_for(
    form: AnswerForm, matches: list[Match], source: str, root: OutlineNode
) -> tuple[list[Draft], OutlineNode]:
    """The lines that answer, and the section they come from."""
    unit = matches[0].unit
    parent = _common_parent(matches[:3], root)
    if form == "list" and parent is not None:
        return section_items(parent, source), parent
    if form == "list":
        if unit.point is not None and len(unit.point.items) >= 2:
            point = unit.point
            head = Draft(_trim(point.lead), point.start, point.lead, level=0)
            return [head, *(Draft(_trim(item), point.start, point.lead) for item in point.items)], unit.node
        return section_items(unit.node, source), unit.node
    if unit.point is not None:
        return paragraph_overview(unit.point, source), unit.node
    return section_overview(unit.node, source), unit.node


def _common_parent(matches: list[Match], root: OutlineNode) -> OutlineNode | None:
    """"要在哪几个方面勇当先锋" matches every "在…上勇当先锋" section alike: the list is their parent's.

    Alike: close in score, or sharing the question's words equally (several sections tie on the
    keyword score, while their own topics, which the question does not name, move the meaning apart)."""
    sections = [m for m in matches if m.unit.point is None and m.keyword > 0]
    if len(sections) < 2:
        return None
    tied = [m for m in sections if abs(m.keyword - sections[0].keyword) <= KEYWORD_TIE * sections[0].keyword]
    if sections[1].score < sections[0].score - SIBLINGS_CLOSE and len(tied) < TIED_SECTIONS:
        return None
    first, second = sections[0].unit.node, sections[1].unit.node
    if first.id.rsplit("-", 1)[0] != second.id.rsplit("-", 1)[0] or first.level < 2:
        return None  # not siblings, or top sections (their parent is the whole report)
    return root.find(first.id.rsplit("-", 1)[0])


def compose(form: AnswerForm, matches: list[Match], source: str, root: OutlineNode, finder: PassageFinder) -> Answer:
    """The answer, with its lines as data and as text ("标题[1]\\n- 一项[2]…") for plain clients."""
    match = matches[0]
    drafts, node = drafts_for(form, matches, source, root)
    limit = MAX_LINES if form == "overview" else len(drafts)  # a list gives every item
    passages: list[Passage] = []
    quotes: dict[int, str] = {}
    highlights: dict[int, str] = {}
    lines: list[AnswerLine] = []
    for draft in drafts[:limit]:
        passage = finder.at(match.unit.doc, draft.at)
        cites: tuple[int, ...] = ()
        if passage is not None:
            if passage not in passages:
                passages.append(passage)
            n = passages.index(passage) + 1
            if draft.highlight and n not in highlights:  # the sentence with a figure, marked, over a bare lead
                quotes[n], highlights[n] = draft.quote, draft.highlight
            quotes.setdefault(n, draft.quote)
            cites = (n,)
        lines.append(AnswerLine(draft.text, cites, draft.level))
    text = "\n".join(_as_text(line) for line in lines)
    answer = curate(text, passages, quotes, highlights)
    first = node.points[0].paragraph if node.points else _first_paragraph(node)
    link = SectionLink(match.unit.doc, first, node.title) if first else None
    return Answer(text=answer.text, citations=answer.citations, form=form, lines=tuple(lines), section=link)


def _as_text(line: AnswerLine) -> str:
    markers = "".join(f"[{n}]" for n in line.cites)
    return f"{line.text}{markers}" if line.level == 0 else f"- {line.text}{markers}"


def _first_paragraph(node: OutlineNode) -> int:
    return next((p.paragraph for n in node.walk() for p in n.points), 0)

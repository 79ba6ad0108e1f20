"""The outline's searchable units (section titles, paragraphs' leads) and their keyword tokens as stored.

Broad questions are searched over these units (``index.search.outline_search``). Tokenising them with
jieba is most of the cost of opening a large library's outlines (minutes at 2,000 reports), so each
report's unit tokens are written with it, as one record beside the report in its segment, and read
back when the outlines are built. The record names the tokenizer and a fingerprint of the units it
was made for: a new tokenizer or a new outline parser makes the tokens again rather than misread them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from index.loader import Document
from index.outline_tree import OutlineNode, Point, build_outline
from index.text import tokenizer, tokens

OUTLINE_SUFFIX = "#outline"  # the id of a report's unit-tokens record: the report's id and this

UnitTokens = tuple[list[str], list[str]]  # what the title or lead says, and the unit's words


@dataclass(frozen=True)
class Unit:
    """A searchable part of an outline: a section (``point`` None) or one paragraph's lead."""

    doc: str
    node: OutlineNode  # the section, or the section holding the paragraph
    point: Point | None
    text: str  # the title or the lead sentence: what e5 compares with the question
    # The report's text (the one string, not a copy) and the unit's span of it: a section's span holds
    # its subsections', so copies would hold a library's text several times over (GBs at 2,000 reports).
    source: str = field(default="", repr=False)
    start: int = 0
    end: int = 0

    @property
    def body(self) -> str:
        """All the text the unit stands for: its paragraph, or its section's span."""
        return self.source[self.start : self.end]

    @property
    def words(self) -> str:
        """What BM25 reads: the title, or the lead and the paragraph it opens. The lead names the point;
        the paragraph's own words ("文艺演出" under "文体惠民工程") let a question in other words find
        it. The lead counts twice."""
        if self.point is None:
            return self.text
        return f"{self.point.lead} {self.point.lead} {self.body}"

    @property
    def period(self) -> str:
        return self.node.period


def units_of(doc: Document, root: OutlineNode) -> list[Unit]:
    units = []
    for node in root.walk():
        if node.level and node.title:
            units.append(Unit(doc.doc_id, node, None, node.title, doc.source, node.start, node.end))
        for point in node.points:
            if point.lead:
                # e5 reads the point in a few words: a long first sentence (an introduction) is close to
                # every question.
                units.append(
                    Unit(doc.doc_id, node, point, point.phrase or point.lead, doc.source, point.start, point.end)
                )
    return units


def tokenise(units: list[Unit]) -> list[UnitTokens]:
    return [(tokens(u.text), tokens(u.words)) for u in units]


def packed_tokens(doc: Document) -> str:
    """The record written with a report: its units' tokens, the tokenizer and the units' fingerprint."""
    units = units_of(doc, build_outline(doc))
    made = [[" ".join(text), " ".join(words)] for text, words in tokenise(units)]
    record = {"tokenizer": tokenizer(), "fingerprint": _fingerprint(units), "units": made}
    return json.dumps(record, ensure_ascii=False)


def unpacked_tokens(packed: str | None, units: list[Unit]) -> list[UnitTokens] | None:
    """The stored tokens of these units; None when there are none, or they were made by another
    tokenizer or for other units."""
    if not packed:
        return None
    try:
        record: Any = json.loads(packed)
    except ValueError:
        return None
    if record.get("tokenizer") != tokenizer() or record.get("fingerprint") != _fingerprint(units):
        return None
    return [(text.split(), words.split()) for text, words in record["units"]]


def _fingerprint(units: list[Unit]) -> str:
    digest = hashlib.sha256()
    for unit in units:
        digest.update(f"{unit.text}\x1f{unit.words}\x1e".encode())
    return digest.hexdigest()[:16]

"""Citation markers [n] in answer text: parse, drop the ones that point at no passage, cite the rest."""

from __future__ import annotations

import re

from core.types import Answer, Citation, Passage

# The models we talk to write [n]; some write 【n】. Both mean passage n.
MARKER = re.compile(r"\s?(?:\[(\d{1,3})\]|【(\d{1,3})】)")


def cited_numbers(text: str) -> list[int]:
    return [int(m.group(1) or m.group(2)) for m in MARKER.finditer(text)]


def curate(
    text: str, passages: list[Passage], quotes: dict[int, str] | None = None, highlights: dict[int, str] | None = None
) -> Answer:
    """Keep markers that name one of ``passages`` (numbered from 1); cite only those passages.

    Numbers are kept as the answerer saw them, so text streamed before curation still matches.
    ``quotes`` maps a passage number to the sentence the answer took from it, when known.
    """

    def keep_valid(match: re.Match[str]) -> str:
        n = int(match.group(1) or match.group(2))
        return f"[{n}]" if 1 <= n <= len(passages) else ""

    curated = MARKER.sub(keep_valid, text)
    curated = re.sub(r"(\[\d+\])\1+", r"\1", curated).strip()
    used = sorted(set(cited_numbers(curated)))
    citations = [
        _citation(n, passages[n - 1], (quotes or {}).get(n, ""), (highlights or {}).get(n, "")) for n in used
    ]
    return Answer(text=curated, citations=citations)


def _citation(n: int, passage: Passage, quote: str, highlight: str = "") -> Citation:
    return Citation(
        n=n,
        doc=passage.doc,
        section=passage.section,
        period=passage.period,
        text=passage.text,
        start=passage.start,
        end=passage.end,
        score=passage.score,
        paragraph=passage.paragraph,
        quote=quote,
        title=passage.title,
        highlight=highlight,
    )

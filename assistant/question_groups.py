"""Near-duplicate questions grouped, so owners read one line per gap, not one per citizen.

Questions are compared by their character bigrams (Jaccard), after the width, script and punctuation a
citizen happened to type are folded away (assistant/question_text.py). Why not the e5 vectors: e5-small
scores nearly every pair of Chinese questions 0.8–0.95 (README, "What still gets through"), so no
threshold separates "松原的邮编是多少" from "松原的GDP是多少"; bigrams do (about 0.7 against 0.35), cost
no model in the console, and give the same groups on every run. Different years of one question
("2023年…" / "2024年…") share most bigrams and land in one group: for an owner it is one gap.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.question_text import normalise

THRESHOLD = 0.5  # measured on pairs in the tests: rewordings ≥ 0.6, other questions ≤ 0.4
_NOISE = re.compile(r"[\s\W_]+")  # punctuation and spaces, both widths (after folding)


class Asked(Protocol):  # read-only, so frozen dataclasses and rows fit
    @property
    def id(self) -> int: ...
    @property
    def question(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def created_at(self) -> str: ...


def shingles(question: str) -> frozenset[str]:
    """The character bigrams of the folded question ("松原的邮编？" → 松原, 原的, 的邮, 邮编)."""
    text = _NOISE.sub("", normalise(question).lower())
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass
class QuestionGroup:
    ids: list[int] = field(default_factory=list)
    texts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    first_seen: str = ""
    last_seen: str = ""

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def question(self) -> str:
        """The wording asked most often (the earliest among equals) stands for the group."""
        return self.texts.most_common(1)[0][0]

    @property
    def variants(self) -> list[str]:
        return [text for text, _ in self.texts.most_common() if text != self.question]

    @property
    def reason(self) -> str:
        return self.reasons.most_common(1)[0][0] if self.reasons else ""

    def add(self, row: Asked) -> None:
        self.ids.append(row.id)
        self.texts[row.question] += 1
        if row.reason:
            self.reasons[row.reason] += 1
        self.first_seen = min(self.first_seen or row.created_at, row.created_at)
        self.last_seen = max(self.last_seen, row.created_at)


def group_questions(rows: Sequence[Asked], threshold: float = THRESHOLD) -> list[QuestionGroup]:
    """Groups, most asked first; each row joins the first group whose first question is close enough.

    Candidates come from an index of bigrams, so n questions cost about n × (groups sharing a bigram),
    not n²."""
    groups: list[QuestionGroup] = []
    heads: list[frozenset[str]] = []  # each group's first question, the one later rows are compared with
    by_bigram: dict[str, set[int]] = defaultdict(set)
    for row in sorted(rows, key=lambda r: (r.created_at, r.id)):
        mine = shingles(row.question)
        candidates = sorted({g for bigram in mine for g in by_bigram.get(bigram, ())})
        match = next((g for g in candidates if similarity(mine, heads[g]) >= threshold), None)
        if match is None:
            match = len(groups)
            groups.append(QuestionGroup())
            heads.append(mine)
            for bigram in mine:
                by_bigram[bigram].add(match)
        groups[match].add(row)
    return sorted(groups, key=lambda g: (g.count, g.last_seen), reverse=True)  # most asked, then latest

"""Make a follow-up question standalone without an LLM, by carrying the earlier subject over."""

from __future__ import annotations

import re

from core.types import Message
from index.text import named_years, tokens, year_words

# "那旅游收入呢？", "长岭那边呢？", "它的目标是什么？": elliptical questions lean on the previous one.
_ELLIPTICAL = re.compile(
    r"^(那|那么|还有|另外|再问|而|此外)|呢\s*[？?。]?\s*$|那边|这边|这个|那个|这些|那些|它|其中|他们|该项"
)
_SHORT = 8


def is_elliptical(question: str) -> bool:
    return len(question) <= _SHORT or bool(_ELLIPTICAL.search(question))


def carry_over(question: str, previous: str, report_year: int) -> str:
    """The question plus what it leaves implicit from ``previous``: its subject, and its time."""
    extra: list[str] = []
    if is_elliptical(question):
        own = set(tokens(question))
        extra += [
            t
            for t in dict.fromkeys(tokens(previous))
            if t not in own and not t.isdigit() and not named_years(t, report_year)  # time: below
        ]
    if not named_years(question, report_year):
        extra += year_words(previous)
    return f"{question} {' '.join(extra)}".strip() if extra else question


def standalone_question(question: str, history: list[Message], report_year: int) -> str:
    """Fold the user's earlier questions into the last one, oldest first."""
    asked = [m.content for m in history if m.role == "user"]
    if not asked:
        return question
    context = asked[0]
    for earlier in asked[1:]:
        context = carry_over(earlier, context, report_year)
    return carry_over(question, context, report_year)

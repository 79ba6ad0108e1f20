"""The short answer to a fact question: the clause of the best sentence that holds what was asked.

"松原今年粮食产量能到多少？" is answered "粮食产量再创新高、有望突破160亿斤" rather than with the
whole sentence about floods and harvests; the whole sentence stays in the citation, the clause
highlighted there.
"""

from __future__ import annotations

import re

from index.text import NUMBER, is_time_word, tokens

_CLAUSE_END = re.compile(r"[，,；;：:]")
_MIN_CLAUSE = 10  # shorter, a clause leans on the one before it ("均创历史新高")
_FIGURE_BONUS = 0.5
_METRIC_BONUS = 1.0  # the clause that names the metric asked for ("完成投资422亿元" for 多少投资)
# Unsure which clause answers (a paraphrase shares few words with any; two share as many): the whole
# sentence is the answer then, rather than a confident wrong clause.
_MIN_SHARED = 0.4
_MIN_MARGIN = 0.15
CARRIED = 0.5  # the weight of a word a follow-up's standalone form carries over from the earlier question


def clauses(sentence: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_END.split(sentence.rstrip("。！？!?")) if c.strip()]


def answer_clause(question: str, sentence: str, wants_figure: bool, metric: str = "", focus: str = "") -> str:
    """The clause sharing most of the question's words (with a figure, when one is asked, naming the
    metric, when one is asked); a clause too short to stand alone keeps the one before it. When no
    clause clearly answers, the whole sentence. ``focus``: the user's own words, which count four
    times as much as the words a follow-up's standalone form adds from the earlier question."""
    whole = sentence.rstrip("。！？!?")
    parts = clauses(sentence)
    if len(parts) < 2:
        return whole
    own = set(tokens(focus))
    # A follow-up ("旅游收入呢？") asks about its own words; those carried over only place it.
    weights = {w: len(w) * (2 if w in own else CARRIED) for w in tokens(question) if not is_time_word(w)}

    def shared(clause: str) -> float:
        lowered = clause.lower()  # tokens are lower-cased: "gdp" is the report's "GDP"
        return sum(wt for w, wt in weights.items() if w in lowered) / max(1, sum(weights.values()))

    def score(clause: str) -> float:
        bonus = _FIGURE_BONUS if wants_figure and NUMBER.search(clause) else 0.0
        return shared(clause) + bonus + (_METRIC_BONUS if metric and metric in clause else 0.0)

    ranked = sorted(range(len(parts)), key=lambda i: -score(parts[i]))
    best, second = ranked[0], ranked[1]
    named = bool(metric) and metric in parts[best] and metric not in parts[second]
    if not named and (shared(parts[best]) < _MIN_SHARED or score(parts[best]) - score(parts[second]) < _MIN_MARGIN):
        return whole
    clause = parts[best]
    if len(clause) < _MIN_CLAUSE and best > 0:
        clause = f"{parts[best - 1]}，{clause}"
    return clause

"""What a question names that the evidence does not say: the near-miss signals the judge weighs.

A near miss shares words with the report but asks what it does not state: another place's figure
("白城市的粮食产量"), a metric the report never gives ("人均可支配收入"), a year it has no figure
of that kind for ("2022年的粮食产量"), or a judgement ("哪家医院最好"). Similarity cannot see
these; the words can.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from assistant.question_terms import asked_head, asks_judgement, is_metric, places_named
from index.text import tokens, years_in_text

Known = Callable[[str], bool]


@dataclass(frozen=True)
class NearMiss:
    judgement: bool = False  # asks for an opinion or a ranking
    places_missing: tuple[str, ...] = ()  # places named that the answer's sentence does not name
    years_missing: tuple[int, ...] = ()  # years named that are no period of the report and the sentence lacks
    unknown_head: str = ""  # the metric asked for, which the library never mentions, in any words
    head_missing: str = ""  # the metric asked for, which the library names but the answer's sentence does not

    def reason(self) -> str:
        """Why this is a near miss, for operators; empty when it is none."""
        if self.judgement:
            return "asks for a judgement or a ranking, which the report does not make"
        if self.places_missing:
            return f"names {', '.join(self.places_missing)}, which the answer's sentence does not"
        if self.years_missing:
            return f"asks about {list(self.years_missing)}, for which the report gives no such figure"
        if self.unknown_head:
            return f"asks for {self.unknown_head}, a metric the report never mentions"
        if self.head_missing:
            return f"asks for {self.head_missing}; the best sentence gives another figure"
        return ""


def near_miss(
    question: str,
    context: str,
    *,
    known: Known,
    home_places: AbstractSet[str],
    named_years: set[int],
    periods: set[str],
    said_otherwise: Known | None = None,
) -> NearMiss:
    """``context``: the best sentence with its section heading; ``known``: the library uses a word;
    ``said_otherwise``: the library uses a synonym of it."""
    places = places_named(question, known)
    head = metric_asked(question, known)
    metric = bool(head)
    return NearMiss(
        judgement=asks_judgement(question),
        places_missing=tuple(p for p in places if p not in home_places and p not in context),
        years_missing=tuple(
            sorted(y for y in named_years if str(y) not in periods and y not in years_in_text(context))
        ),
        unknown_head=head if metric and _unknown(head, known, said_otherwise) else "",
        head_missing=head if metric and known(head) and not names_metric(context, head) else "",
    )


def metric_asked(question: str, known: Known) -> str:
    """The metric a fact question asks a figure of ("失业率", "旅客吞吐量"), or ""."""
    head = asked_head(question, places_named(question, known))
    return head if head and is_metric(head) else ""


def names_metric(context: str, metric: str) -> bool:
    """The sentence names the metric, in its words: "旅游综合收入" names 旅游收入 (旅游, 收入)."""
    parts = [t for t in tokens(metric) if len(t) > 1] or [metric]
    return all(part.lower() in context.lower() for part in parts)


def _unknown(word: str, known: Known, said_otherwise: Known | None) -> bool:
    """Neither the word nor a synonym of it is in the library."""
    return not known(word) and not (said_otherwise and said_otherwise(word))

"""What a question names that the evidence does not say: the near-miss signals the judge weighs.

A near miss shares words with the report but asks what it does not state: another place's figure
("白城市的粮食产量"), a metric the report never gives ("人均可支配收入"), a year it has no figure
of that kind for ("2022年的粮食产量"), or a judgement ("哪家医院最好"). Similarity cannot see
these; the words can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.question_terms import asked_head, asks_judgement, places_named
from index.text import years_in_text

Known = Callable[[str], bool]


@dataclass(frozen=True)
class NearMiss:
    judgement: bool = False  # asks for an opinion or a ranking
    places_missing: tuple[str, ...] = ()  # places named that the answer's sentence does not name
    years_missing: tuple[int, ...] = ()  # years named that are no period of the report and the sentence lacks
    unknown_head: str = ""  # the thing asked about, which the library never mentions, in any words

    def reason(self) -> str:
        """Why this is a near miss, for operators; empty when it is none."""
        if self.judgement:
            return "asks for a judgement or a ranking, which the report does not make"
        if self.places_missing:
            return f"names {', '.join(self.places_missing)}, which the answer's sentence does not"
        if self.years_missing:
            return f"asks about {list(self.years_missing)}, for which the report gives no such figure"
        if self.unknown_head:
            return f"asks for {self.unknown_head}, which the report never mentions"
        return ""


def near_miss(
    question: str,
    context: str,
    *,
    known: Known,
    home_places: set[str],
    named_years: set[int],
    periods: set[str],
    said_otherwise: Known | None = None,
) -> NearMiss:
    """``context``: the best sentence with its section heading; ``known``: the library uses a word;
    ``said_otherwise``: the library uses a synonym of it."""
    places = places_named(question, known)
    head = asked_head(question, places)
    return NearMiss(
        judgement=asks_judgement(question),
        places_missing=tuple(p for p in places if p not in home_places and p not in context),
        years_missing=tuple(
            sorted(y for y in named_years if str(y) not in periods and y not in years_in_text(context))
        ),
        unknown_head=head if head and _unknown(head, known, said_otherwise) else "",
    )


def _unknown(word: str, known: Known, said_otherwise: Known | None) -> bool:
    """Neither the word, nor its last two characters ("公立学校": 学校), nor a synonym is in the library."""
    if known(word) or (len(word) > 2 and known(word[-2:])):
        return False
    return not (said_otherwise and said_otherwise(word))

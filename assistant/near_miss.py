"""What a question names that the evidence does not say: the near-miss signals the judge weighs.

A near miss shares words with the report but asks what it does not state: another place's figure
("白城市的粮食产量"), a metric the report never gives ("人均可支配收入"), a year it has no figure
of that kind for ("2022年的粮食产量"), or a judgement ("哪家医院最好"). Similarity cannot see
these; the words can.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from assistant.question_terms import asked_head, asks_judgement, bodies_named, is_metric, places_named, tagged_words
from assistant.stated import asks_level, base_years, names_place, only_changes_of, part_of_year_only
from index.text import STOPWORDS, tokens, years_in_text

Known = Callable[[str], bool]


@dataclass(frozen=True)
class NearMiss:
    judgement: bool = False  # asks for an opinion or a ranking
    places_missing: tuple[str, ...] = ()  # places named that the answer's sentence does not name
    bodies_unknown: tuple[str, ...] = ()  # organisations named that the library never mentions
    years_missing: tuple[int, ...] = ()  # years named that are no period of the report and the sentence lacks
    unknown_head: str = ""  # the metric asked for, which the library never mentions, in any words
    head_missing: str = ""  # the metric asked for, which the library names but the answer's sentence does not
    rate_only: str = ""  # the level of this metric asked, where the sentence gives only its change
    part_of_year: bool = False  # the whole year asked, where the sentence gives part of it

    def reason(self) -> str:
        """Why this is a near miss, for operators; empty when it is none."""
        if self.judgement:
            return "asks for a judgement or a ranking, which the report does not make"
        if self.places_missing:
            return f"names {', '.join(self.places_missing)}, which the answer's sentence does not"
        if self.bodies_unknown:
            return f"names {', '.join(self.bodies_unknown)}, which the reports never mention"
        if self.years_missing:
            return f"asks about {list(self.years_missing)}, for which the report gives no such figure"
        if self.unknown_head:
            return f"asks for {self.unknown_head}, a metric the report never mentions"
        if self.head_missing:
            return f"asks for {self.head_missing}; the best sentence gives another figure"
        if self.rate_only:
            return f"asks for the level of {self.rate_only}; the report gives only its change"
        if self.part_of_year:
            return "asks for the whole year; the sentence gives part of it"
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
    # "较2020年翻一番" gives no 2020 figure, unless the question too compares with that year
    stated = years_in_text(context) - (set() if base_years(question) else base_years(context))
    metric = bool(head)
    return NearMiss(
        judgement=asks_judgement(question),
        places_missing=tuple(p for p in places if p not in home_places and not names_place(context, p)),
        bodies_unknown=bodies_named(question, known),
        years_missing=tuple(sorted(y for y in named_years if str(y) not in periods and y not in stated)),
        unknown_head=head if metric and _unknown(head, known, said_otherwise) else "",
        head_missing=head if metric and known(head) and not names_metric(context, head) else "",
        rate_only=head if metric and asks_level(question) and only_changes_of(context, head) else "",
        part_of_year=part_of_year_only(question, context),
    )


def metric_asked(question: str, known: Known) -> str:
    """The metric a fact question asks a figure of ("失业率", "旅客吞吐量"), or ""."""
    head = asked_head(question, places_named(question, known))
    return metric_phrase(question, head, known) if head and is_metric(head) else ""


# Words that end a metric's name on its left: particles, pronouns, numbers, times, places, punctuation.
_NOT_IN_A_METRIC = ("u", "p", "r", "m", "t", "ns", "x", "c", "q", "f")
METRIC_WORDS = 4  # how many words a metric's name may take before its head ("人均|可|支配|收入")


def metric_phrase(question: str, head: str, known: Known) -> str:
    """The metric as the question words it, whole: "固定资产投资" for the head 投资, as long as the
    library uses the longer phrase ("投资" alone is also the investment in projects). A qualifier the
    library never uses makes another metric: "人均可支配收入" is no 收入 the report gives."""
    words = tagged_words(question)
    at = next((i for i, (word, _) in enumerate(words) if word == head), None)
    if at is None:
        return head
    start = at
    while start > 0 and at - start < METRIC_WORDS and _in_a_metric(*words[start - 1]):
        start -= 1
    run = [word for word, _ in words[start : at + 1]]
    if any(len(word) > 1 and not known(word) for word in run[:-1]):
        return "".join(run)
    phrases = ("".join(run[i:]) for i in range(len(run)))  # longest first
    return next((phrase for phrase in phrases if known(phrase)), head)


def _in_a_metric(word: str, flag: str) -> bool:
    return not flag.startswith(_NOT_IN_A_METRIC) and word not in STOPWORDS


def names_metric(context: str, metric: str) -> bool:
    """The sentence names the metric, in its words: "旅游综合收入" names 旅游收入 (旅游, 收入).

    Not as the first half of another metric: "常住人口城镇化率" is a rate, no count of 常住人口."""
    if metric in context:
        return any(not _modifies_a_metric(context, at + len(metric)) for at in _occurrences(context, metric))
    parts = [t for t in tokens(metric) if len(t) > 1] or [metric]
    return all(part.lower() in context.lower() for part in parts)


def _occurrences(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


def _modifies_a_metric(context: str, end: int) -> bool:
    """The word ending at ``end`` is followed by a metric of its own ("常住人口|城镇化率")."""
    import jieba

    following = next(iter(jieba.cut(context[end : end + 8])), "")
    return len(following) > 1 and is_metric(following)


def _unknown(word: str, known: Known, said_otherwise: Known | None) -> bool:
    """Neither the word nor a synonym of it is in the library."""
    return not known(word) and not (said_otherwise and said_otherwise(word))

"""What the judge weighs after the search: the best sentences in the order that answers the question's
type and metric first, and the evidence built from them (type, near-miss signals, closeness).

The chain hands over the ranked sentences; the judge (``assistant/judge.py``) decides on the Evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import reduce

from assistant.answer_types import AnswerType, asked_unit, expected_type, states_unit
from assistant.extractive import Candidate
from assistant.judge import Evidence
from assistant.near_miss import NearMiss, metric_asked, names_metric, near_miss
from assistant.outlines import Outlines
from assistant.question_text import is_english
from assistant.stated import asks_level, only_changes_of
from index.search.hybrid import HybridRetriever, SearchResult
from index.text import years_in_text

TYPE_WINDOW = 5  # how many of the best sentences may supply a typed answer ("多少钱" → an amount in 元)


class Weigher:
    def __init__(self, retriever: HybridRetriever, outlines: Outlines | None) -> None:
        self.retriever = retriever
        self.outlines = outlines

    def weigh(
        self, question: str, asked: str, result: SearchResult, ranked: list[Candidate]
    ) -> tuple[list[Candidate], Evidence]:
        """``question``: as searched; ``asked``: in the user's own words (for the near-miss checks).
        Returns the sentences, a typed answer first, and the evidence they make."""
        wanted = expected_type(question)
        typed = [c for c in ranked[:TYPE_WINDOW] if self._gives(wanted, c, result, question)] if wanted else []
        if self.outlines:  # "优良天数比例要达到多少": the typed sentence that names the ratio, before other figures
            typed.sort(key=self._states_metric(asked, result))
        sentences = typed + [c for c in ranked if c not in typed]
        evidence = Evidence(
            best_dense=max((c.dense for c in sentences), default=0.0),
            coverage=result.coverage,
            unknown_years=sorted(y for y in result.years if y not in self.retriever.view.known_years),
            wanted=wanted,
            typed=bool(typed),
            near_miss=self._near_miss(asked, sentences, result),
        )
        return sentences, evidence

    def _states_metric(self, question: str, result: SearchResult) -> Callable[[Candidate], tuple[bool, bool]]:
        """Sort key: sentences that name the metric asked come first, and of those, when a level is
        asked, the ones that give one ("完成固定资产投资136亿元" before "固定资产投资增长10%")."""
        assert self.outlines is not None
        metric = metric_asked(question, self.outlines.current().uses)
        level = bool(metric) and asks_level(question)

        def key(sentence: Candidate) -> tuple[bool, bool]:
            context = _context(sentence, result)
            return (bool(metric) and not names_metric(context, metric), level and only_changes_of(context, metric))

        return key

    def _near_miss(self, question: str, sentences: list[Candidate], result: SearchResult) -> NearMiss:
        if not sentences or self.outlines is None:
            return NearMiss()
        parsed = self.outlines.current()
        return near_miss(
            question,
            _context(sentences[0], result),
            known=parsed.uses,
            home_places=self.retriever.places,
            named_years=years_in_text(question) | _bare_years(question),
            periods=self.retriever.periods,
            said_otherwise=parsed.said_otherwise,
        )

    def _gives(self, wanted: AnswerType, sentence: Candidate, result: SearchResult, question: str) -> bool:
        """The sentence is of the asked type, from the period asked about ("明年…多少": a 2024 figure)."""
        asked = {str(y) for y in result.years} & self.retriever.periods
        period = result.passages[sentence.passage - 1].period
        unit = asked_unit(question) if wanted.name in ("money", "quantity") else ""
        # The report's own place is no answer: jieba tags "青禾" a person's name.
        text = reduce(lambda text, place: text.replace(place, "。"), self.retriever.places, sentence.text)
        return (
            wanted.fits(text)
            and (not unit or states_unit(sentence.text, unit))
            and (not asked or period in asked | {""})
        )


def _context(sentence: Candidate, result: SearchResult) -> str:
    """The sentence with its section heading: "着力稳经济促发展 粮食产量再创新高…"."""
    return f"{result.passages[sentence.passage - 1].section} {sentence.text}"


def _bare_years(question: str) -> set[int]:
    """ "in 2020": an English question names a year without 年 (a Chinese "2000亩" is no year)."""
    return {int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", question)} if is_english(question) else set()

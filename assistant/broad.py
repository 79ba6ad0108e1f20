"""Broad and list questions answered from the outline, when a part of the report matches them."""

from __future__ import annotations

import logging

from assistant.judge import judge_outline
from assistant.outline_answer import compose
from assistant.outlines import Outlines
from assistant.question_forms import asked_periods, question_form
from assistant.question_terms import bodies_named, places_named, topic_terms
from core.settings import Settings
from core.types import Answer
from index.search.hybrid import HybridRetriever
from index.search.outline_search import Match
from index.text import named_years

log = logging.getLogger(__name__)


class BroadAnswerer:
    def __init__(self, settings: Settings, retriever: HybridRetriever, outlines: Outlines) -> None:
        self.settings = settings
        self.retriever = retriever
        self.outlines = outlines

    def answer(self, question: str, doc: str | None) -> Answer | None:
        """The overview or list answer, or None: not such a question, or no part of the outline fits
        (the chunk search then takes the question, and may refuse it)."""
        form = question_form(question)
        if form not in ("overview", "list"):
            return None
        parsed = self.outlines.current()
        year = self.retriever.year_of(doc) if doc else self.settings.corpus.report_year
        named = named_years(question, year)
        periods = asked_periods(question, named, self.retriever.periods)
        places = self.retriever.places
        # "2023年民生工作", "这一年在生态上做了什么": a year the question names is the period answered from,
        # not only preferred (periods guessed from words like 打算 stay a preference: in a library they
        # are not every report's)
        strict = bool({str(y) for y in named} & periods)
        matches = parsed.search.search(question, self._scope(doc), periods, ignore=places, strict=strict)
        topic = [t for t in topic_terms(question) if t not in places]
        matches = on_topic_first(matches, topic)
        elsewhere = tuple(p for p in places_named(question, parsed.uses) if p not in places)
        verdict = judge_outline(matches, topic, parsed.is_rare, elsewhere + bodies_named(question, parsed.uses))
        if not verdict.answer:
            log.info("outline not used: %s", verdict.reason)
            return None
        found = matches[0].unit.doc
        return compose(form, matches, parsed.sources[found], parsed.search.outlines[found], parsed.finder)

    def _scope(self, doc: str | None) -> frozenset[str] | None:
        """One report when asked, else the home reports first, as the chunk search does."""
        if doc:
            return frozenset({doc})
        return self.retriever.home_documents() or None


def on_topic_first(matches: list[Match], terms: list[str]) -> list[Match]:
    """Parts of the outline that use a word of the question's topic before those that only resemble it
    ("2023年抓项目有什么成绩": the paragraph on 项目建设, not the whole "2023成就和经验")."""
    if not terms:
        return matches
    return sorted(matches, key=lambda m: not any(t in m.unit.words for t in terms))

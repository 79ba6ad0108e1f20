"""The grounding guard: a sentence of a model's answer is shown only if the passages it cites back it.

A small model reads passages well but may still state a figure from the wrong sentence ("常住人口约为
16442人[1]", where 16442 is an income in [1]), invent a name, or cite the wrong [n]. Each sentence is
checked on its own, in this order, and the first rule it breaks is its reason:

- empty: it states something: two Chinese characters or more besides its markers and the report's title
  ("2023[1]", "《松原:…》[1]" are no answer), and it is no question (a model may echo the one asked);
- citation: it carries at least one [n] that names a passage;
- figure: every figure in it (value and unit, "1.74万" = "17400") occurs in a passage it cites;
- name: every person, place and organisation it names (jieba's nr/ns/nt) occurs in a passage it cites;
- terms: the passages cited so far cover the question's informative words about as well as all the
  passages the model was given (the judge's term coverage): the answer cites what is about the question.

The extractive answers need none of this: they quote the report.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant.citations import cited_numbers
from assistant.figures import Figure, figures
from assistant.judge import ANSWER, REFUSAL, Verdict
from core.types import Passage

# The cited passages must cover at least this share of the question's word weight that the passages
# given to the model cover at all.
TERM_SHARE = 0.6
_NAME_FLAGS = {"nr", "nrfg", "nrt", "ns", "nt"}
_ADMIN_SUFFIX = re.compile(r"(?:省|市|县|区|镇|乡|村)$")
_MARKER = re.compile(r"\[\d{1,3}\]|【\d{1,3}】")
_TITLE = re.compile(r"《[^》]*》")
Coverage = Callable[[list[Passage]], float]  # share of the question's words (IDF-weighted) the passages mention


@dataclass(frozen=True)
class Check:
    """The guard's decision on one sentence: shown, or not and by which rule."""

    sentence: str
    verdict: Verdict
    rule: str = ""  # empty, citation, figure, name, terms or refusal; "" when shown

    @property
    def kept(self) -> bool:
        return self.verdict.answer


class GroundingGuard:
    """Checks the sentences of one answer in order; ``coverage`` measures the question's term coverage."""

    def __init__(self, passages: list[Passage], coverage: Coverage | None = None) -> None:
        self.passages = passages
        self.coverage = coverage
        self.available = coverage(passages) if coverage else 0.0
        self.contexts = [_context(p) for p in passages]
        self._figures: dict[int, list[Figure]] = {}
        self.cited: set[int] = set()  # passages cited by the sentences shown so far

    def check(self, sentence: str) -> Check:
        if REFUSAL.rstrip("。")[:12] in sentence:
            return Check(sentence, Verdict.refuse("the model said it found no answer"), "refusal")
        cited = sorted({n for n in cited_numbers(sentence) if 1 <= n <= len(self.passages)})
        rules = (("empty", self._says), ("citation", _cites), ("figure", self._figures_in), ("name", self._names_in))
        for rule, test in rules:
            verdict = test(sentence, cited)
            if not verdict.answer:
                return Check(sentence, verdict, rule)
        verdict = self._terms(cited)
        if not verdict.answer:
            return Check(sentence, verdict, "terms")
        self.cited.update(cited)
        return Check(sentence, ANSWER)

    def _says(self, sentence: str, cited: list[int]) -> Verdict:
        text = _TITLE.sub("", _MARKER.sub("", sentence)).strip()
        for title in {p.title for p in self.passages if p.title}:
            text = text.replace(title, "")
        if text.endswith(("？", "?")):
            return Verdict.refuse("asks a question instead of answering")
        if len(re.findall(r"[\u4e00-\u9fff]", text)) < 2:
            return Verdict.refuse("says nothing but figures, markers or the report's title")
        return ANSWER

    def _figures_in(self, sentence: str, cited: list[int]) -> Verdict:
        backing = [f for n in cited for f in self._passage_figures(n)]
        for figure in figures(sentence):
            if not any(figure.matches(b) for b in backing):
                return Verdict.refuse(f"figure {figure.text} is not in {_marks(cited)}")
        return ANSWER

    def _passage_figures(self, n: int) -> list[Figure]:
        if n not in self._figures:
            self._figures[n] = figures(self.contexts[n - 1])
        return self._figures[n]

    def _names_in(self, sentence: str, cited: list[int]) -> Verdict:
        context = " ".join(self.contexts[n - 1] for n in cited)
        for name in names(_MARKER.sub("", sentence)):
            stem = _ADMIN_SUFFIX.sub("", name)
            if name not in context and not (len(stem) >= 2 and stem in context):
                return Verdict.refuse(f"name {name} is not in {_marks(cited)}")
        return ANSWER

    def _terms(self, cited: list[int]) -> Verdict:
        """Once a shown sentence has cited passages about the question, later ones may add detail."""
        if self.coverage is None or self.available <= 0 or self.cited:
            return ANSWER
        share = self.coverage([self.passages[n - 1] for n in cited]) / self.available
        if share < TERM_SHARE:
            return Verdict.refuse(f"{_marks(cited)} cover {share:.2f} of the question's terms the passages cover")
        return ANSWER


def _cites(sentence: str, cited: list[int]) -> Verdict:
    return ANSWER if cited else Verdict.refuse("cites no passage it was given")


def _context(passage: Passage) -> str:
    """What a passage states, with where it stands: its section, its report's title and its period
    ("2023" passages speak of 2023 as 今年)."""
    period = f"{passage.period}年" if passage.period.isdigit() else passage.period
    return f"{passage.title} {passage.section} {period} {passage.text}"


def _marks(cited: list[int]) -> str:
    return "".join(f"[{n}]" for n in cited)


@lru_cache(maxsize=4096)
def names(text: str) -> tuple[str, ...]:
    """People, places and organisations jieba finds in ``text``."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return tuple(dict.fromkeys(w for w, flag in jieba.posseg.cut(text) if flag in _NAME_FLAGS and len(w) >= 2))

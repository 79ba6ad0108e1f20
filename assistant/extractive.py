"""The default answerer, no LLM: quote the passages' sentences that best answer the question.

It only ever copies whole sentences of the passages, so it cannot write a figure that the
report does not contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache, partial

import numpy as np

from assistant.short_answer import answer_clause
from core.types import Passage
from index.chunking import section_leaf, split_sentences
from index.embedding.base import TextEmbedder
from index.lru import LRUCache
from index.text import NUMBER, is_time_word, tokens

# Questions that ask for an amount want a sentence with a figure in it.
_ASKS_AMOUNT = re.compile(r"多少|几|比例|占比|百分之|增长|增速|下降|提高|规模|目标|数量|总量|投资|产值|收入")
# Lists and open questions ("怎么样") are answered with several sentences, not just the best one.
_ASKS_SEVERAL = re.compile(
    r"哪些|哪几|哪[一二三四五六七八九十\d]+[个项家类大]|有什么|都有|包括|怎么样|怎样|如何|情况|进展|成效|成绩|举措|措施"
)
_PERIOD_WEIGHT = 0.15
_PRIOR_FACT = 0.1  # weight of the passage's retrieval score in a sentence's score
_PRIOR_OPEN = 0.3
# A fact question quotes only sentences nearly as good as the best; an open one reads wider.
_CLOSE_FACT = 0.03
_CLOSE_OPEN = 0.12
_MIN_SENTENCE = 12  # shorter ones are topic lines ("千方百计稳定经济运行。"), not answers


@dataclass(frozen=True)
class Composed:
    text: str  # with [n] markers
    quotes: dict[int, str]  # passage number → the sentence taken from it
    highlights: dict[int, str]  # passage number → the clause of that sentence the answer says


@dataclass(frozen=True)
class Candidate:
    passage: int  # 1-based number of the passage it came from
    text: str
    start: int = 0  # offset in the source text
    paragraph: int = 0
    score: float = 0.0
    dense: float = 0.0  # cosine similarity of the sentence alone to the question


def _candidates(passages: list[Passage]) -> list[Candidate]:
    found: list[Candidate] = []
    seen: set[str] = set()
    for n, passage in enumerate(passages, start=1):
        for sentence in split_sentences(passage.text, passage.start):
            text = sentence.text.strip()
            if len(text) >= _MIN_SENTENCE and text not in seen:  # overlapping chunks repeat sentences
                seen.add(text)
                found.append(Candidate(n, text, sentence.start, passage.paragraph))
    return found


@lru_cache(maxsize=8192)
def _token_set(sentence: str) -> frozenset[str]:
    return frozenset(tokens(sentence))


def _topic(question: str, places: frozenset[str] = frozenset()) -> set[str]:
    """The question's words that say what it is about: no times, not the report's own place."""
    return {t for t in tokens(question) if not is_time_word(t) and not any(p in t for p in places)}


def _overlap(question_tokens: set[str], sentence: str) -> float:
    if not question_tokens:
        return 0.0
    sentence_tokens = _token_set(sentence)
    hits = sum(len(t) for t in question_tokens if t in sentence_tokens or t in sentence)
    return hits / sum(len(t) for t in question_tokens)


class ExtractiveAnswerer:
    def __init__(
        self, embedder: TextEmbedder, max_sentences: int = 3, warm_passages: int = 200, vectors: int = 65536
    ) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.warm_passages = warm_passages
        # Bounded: a large corpus has more sentences than memory should hold (65536 x 384 floats: 100 MB).
        self._vectors: LRUCache[str, np.ndarray] = LRUCache(max(vectors, 0))

    def _query_vector(self, text: str) -> np.ndarray:
        """Questions and report sentences embedded as queries (the embedder caches both: they recur)."""
        return self.embedder.embed_queries([text])[0]

    def _sentence_vectors(self, sentences: list[str]) -> np.ndarray:
        """Vectors of report sentences, each embedded once: they come from a finite corpus."""
        # No lock: each embedding runs on one core (torch pinned, or ONNX Runtime's single thread), so a
        # question never queues behind the warm-up or another question; at worst a sentence is done twice.
        embed = partial(self.embedder.embed_passages, while_answering=True)
        return np.stack(self._vectors.get_many(sentences, embed))

    def warm(self, passages: list[Passage]) -> None:
        """Embed the sentences of the first ``warm_passages`` passages ahead of the first questions, both
        as passages (ranking) and as queries (agreement); on a larger corpus the rest wait for a question."""
        sentences = [c.text for c in _candidates(passages[: self.warm_passages])]
        for start in range(0, len(sentences), 16):
            self._sentence_vectors(sentences[start : start + 16])
        for start in range(0, len(sentences), 16):
            self.embedder.embed_queries(sentences[start : start + 16])

    def rank(self, question: str, passages: list[Passage], years: frozenset[int] = frozenset()) -> list[Candidate]:
        """Every sentence of the passages, best answer first; ``years`` the question names."""
        candidates = _candidates(passages)
        if not candidates:
            return []
        q_vec = self._query_vector(question)
        dense = self._sentence_vectors([c.text for c in candidates]) @ q_vec
        q_tokens = set(tokens(question))
        wants_amount = bool(_ASKS_AMOUNT.search(question))
        # An open question ("政治建设有哪些新提升？") may name a section rather than a fact: let the
        # heading count as the sentence's words, and trust the retriever's passage ranking more.
        broad = wants_several(question)
        prior = _PRIOR_OPEN if broad else _PRIOR_FACT
        top = max(p.score for p in passages) or 1.0
        scored = []
        for cand, similarity in zip(candidates, dense, strict=True):
            passage = passages[cand.passage - 1]
            words = f"{section_leaf(passage.section)} {cand.text}" if broad else cand.text
            score = float(similarity) + 0.6 * _overlap(q_tokens, words)
            score += prior * passage.score / top
            if wants_amount and NUMBER.search(cand.text):
                score += 0.1
            score += _PERIOD_WEIGHT * _period_match(passages[cand.passage - 1].period, years)
            scored.append(replace(cand, score=score, dense=float(similarity)))
        return sorted(scored, key=lambda c: -c.score)

    def agreement(self, question: str, sentence: str) -> float:
        """Similarity of the question and a sentence embedded alike ("query: " both): e5's symmetric mode.

        The asymmetric query→passage score finds relevant passages but stays high for a sentence that
        merely shares the topic; read the same way as the question, an answer and a near miss differ more.
        """
        return float(self._query_vector(question) @ self._query_vector(sentence))

    def select(self, question: str, ranked: list[Candidate]) -> list[Candidate]:
        if not ranked:
            return []
        best = ranked[0]
        if not wants_several(question):
            return [c for c in ranked[: self.max_sentences] if c.score >= best.score - _CLOSE_FACT]
        # An open question is answered by the best sentence and what the report says right after it.
        following = sorted(
            (c for c in ranked if c.paragraph == best.paragraph and c.start > best.start), key=lambda c: c.start
        )
        close = [c for c in ranked[1:] if c.score >= best.score - _CLOSE_OPEN and c not in following]
        return [best, *following, *close][: self.max_sentences]

    def compose(
        self,
        question: str,
        ranked: list[Candidate],
        short: bool = False,
        metric: str = "",
        focus: str = "",
        places: frozenset[str] = frozenset(),
    ) -> Composed:
        """Answer text with [n] markers, the quote taken from each cited passage and, with ``short``
        (a fact question), the clause of it that answers: the answer is those clauses alone."""
        if short and not asks_two_things(question) and ranked:
            # One fact, one clause: of the near-tie sentences, the one that names most of the question's
            # topic ("2024年国土绿化目标": the sentence on 国土绿化, not another 2024 target).
            near = [c for c in ranked[: self.max_sentences] if c.score >= ranked[0].score - _CLOSE_OPEN]
            topic = _topic(question, places)
            chosen = [max(near, key=lambda c: _overlap(topic, c.text))]
        else:
            chosen = self.select(question, ranked)
        quotes: dict[int, str] = {}
        highlights: dict[int, str] = {}
        parts = []
        wants_figure = bool(_ASKS_AMOUNT.search(question))
        for cand in chosen:
            quotes.setdefault(cand.passage, cand.text)
            said = answer_clause(question, cand.text, wants_figure, metric, focus) if short else cand.text
            if short:
                highlights.setdefault(cand.passage, said)
            parts.append(f"{_as_sentence(said)}[{cand.passage}]")
        return Composed("".join(parts), quotes, highlights)


_ASKING_AGAIN = re.compile(r"多少|几[个项家户所条次座名人万亿千百]|是谁|什么时候")


def asks_two_things(question: str) -> bool:
    """ "发放了多少消费券？撬动了多少消费？": two figures asked, two clauses answer."""
    return len(_ASKING_AGAIN.findall(question)) >= 2 or question.count("？") + question.count("?") >= 2


def wants_several(question: str) -> bool:
    """Lists and open questions ("怎么样", "有哪些") deserve more than the single best sentence."""
    return bool(_ASKS_SEVERAL.search(question))


def _period_match(period: str, years: frozenset[int]) -> int:
    """+1 when the passage is about the year asked, -1 when it is about another, else 0."""
    if not years or not period:
        return 0
    return 1 if int(period) in years else -1


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1] in "。！？”" else text.rstrip("；;，,、") + "。"

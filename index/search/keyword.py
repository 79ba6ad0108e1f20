"""BM25 (Okapi, as rank_bm25 scores it) over an inverted index of precomputed term weights.

rank_bm25's ``get_scores`` walks every document in Python for every query token: ~0.1 s per
query at 10k chunks, seconds at 100k. Here each term's postings hold the document rows and the
finished BM25 term weight, so a query costs only the postings of its own words.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import count

import numpy as np


class KeywordIndex:
    """Same scores as ``rank_bm25.BM25Okapi(corpus).get_scores(query)`` (k1 1.5, b 0.75, epsilon 0.25)."""

    def __init__(self, corpus: Iterable[Sequence[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25):
        """``corpus`` is read once, a document at a time: 100k token lists need never exist together.
        The postings are built by numpy from one array of (term, document) pairs: a Python loop per
        token took 22 s at 100k chunks."""
        terms, rows, doc_lengths = _term_rows(corpus)
        self.size = len(doc_lengths)
        lengths = np.asarray(doc_lengths, dtype=np.float64)
        avgdl = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        norm = k1 * (1 - b + b * lengths / avgdl)  # per document: the length part of the denominator
        # each (term, document) pair once, sorted by term (in order of first use), then document
        width = max(self.size, 1)
        pairs, freq = np.unique(rows * width + np.repeat(np.arange(self.size), doc_lengths), return_counts=True)
        term_of_pair, self._rows = np.divmod(pairs, width)
        # sorted, and every term is used: its postings start where the term number changes (no second sort)
        starts = np.flatnonzero(np.diff(term_of_pair, prepend=-1))
        df = np.diff(starts, append=len(term_of_pair))
        idf = _okapi_idf(df.tolist(), self.size, epsilon)
        # a word no chunk uses is as rare as it gets (for coverage weights; it scores nothing)
        self.unseen_idf = max(idf, default=0.0)
        self._idf = np.asarray(idf, dtype=np.float64)
        self._bounds = np.append(starts, len(pairs))
        self._term = {term: i for i, term in enumerate(terms)}  # numbered in order of first use, as sorted
        tf = freq.astype(np.float64)
        self._weights = np.repeat(self._idf, df) * (tf * (k1 + 1) / (tf + norm[self._rows]))

    def __len__(self) -> int:
        return self.size

    def idf(self, token: str) -> float:
        """The term's BM25 idf; ``unseen_idf`` for a word no chunk contains."""
        at = self._term.get(token)
        return self.unseen_idf if at is None else float(self._idf[at])

    def terms(self) -> frozenset[str]:
        """Every word some document uses."""
        return frozenset(self._term)

    def rows(self, token: str) -> np.ndarray:
        """The documents (row numbers) that use the word."""
        at = self._term.get(token)
        return self._rows[self._bounds[at] : self._bounds[at + 1]] if at is not None else self._rows[:0]

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document, in corpus order; a repeated query word counts again."""
        out = np.zeros(self.size, dtype=np.float64)
        for term, times in Counter(query_tokens).items():
            at = self._term.get(term)
            if at is not None:
                start, end = self._bounds[at], self._bounds[at + 1]
                out[self._rows[start:end]] += times * self._weights[start:end]  # rows are unique within a posting
        return out


def _term_rows(corpus: Iterable[Sequence[str]]) -> tuple[dict[str, int], np.ndarray, array[int]]:
    """Every token as a number (its position of first use: ids in C, no Python loop per token), and
    each document's length. Returns (term → number, every token's number in corpus order, lengths)."""
    terms: dict[str, int] = {}
    position = count()
    numbers = array("q")
    doc_lengths = array("q")
    for doc in corpus:
        doc_lengths.append(len(doc))
        numbers.extend(map(terms.setdefault, doc, position))
    return terms, np.frombuffer(numbers, dtype=np.int64) if numbers else np.zeros(0, dtype=np.int64), doc_lengths


def _okapi_idf(document_frequency: list[int], size: int, epsilon: float) -> list[float]:
    """log((N - n + 0.5) / (n + 0.5)); words in over half the documents get epsilon x the mean idf.
    In Python floats, summed in order: rank_bm25's figures to the last bit."""
    idf = [math.log(size - n + 0.5) - math.log(n + 0.5) for n in document_frequency]
    if not idf:
        return idf
    floor = epsilon * (sum(idf) / len(idf))
    return [floor if value < 0 else value for value in idf]

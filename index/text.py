"""Chinese text helpers shared by retrieval and answering: tokens, numbers, named years."""

from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache
from importlib.metadata import version

# Function words and question words carry no topic; everything else is kept.
STOPWORDS = frozenset(
    """的 了 是 在 有 和 与 及 或 也 都 就 还 又 把 被 对 为 以 于 从 到 向 由 而 并 等 各 个 这 那 这些 那些
    这个 那个 其 该 之 所 吗 呢 吧 啊 呀 么 嘛 什么 多少 几 几个 哪 哪些 哪个 哪里 怎么 怎么样 怎样 如何 为什么
    是否 能不能 能否 可以 可不可以 有没有 请问 请 告诉 我 我们 你 你们 他 她 它 他们 大概 大约 一共 总共 到底
    具体 情况 方面 一下 呢 要 会 能 将 上 下 中 里 方面 进展 那边 这边""".split()
)
_PUNCT = re.compile(r"^[\W_]+$")
NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|‰|万|亿|千|百)?")

_YEAR = r"(?:19|20)\d{2}"
_EXPLICIT_YEAR = re.compile(rf"({_YEAR})\s*年")
# "这一年" is the year the report reviews, as "今年" is when it was written.
_RELATIVE_YEAR = {
    "前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0, "当年": 0, "这一年": 0, "明年": 1, "来年": 1, "后年": 2,
}  # fmt: skip


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def tokenizer() -> str:
    """Names what ``tokens`` depends on: jieba's version and our stopwords (stored tokens say it)."""
    stops = hashlib.sha256(" ".join(sorted(STOPWORDS)).encode("utf-8")).hexdigest()[:8]
    return f"jieba-{version('jieba')}-search-{stops}"


def tokens(text: str) -> list[str]:
    """Search-mode jieba tokens without stopwords and punctuation (measured best for BM25 here)."""
    return [
        t.lower()
        for t in _jieba().cut_for_search(text)
        if t.strip() and t not in STOPWORDS and not _PUNCT.match(t)
    ]


def named_years(question: str, report_year: int) -> set[int]:
    """Years a question names, explicitly ("2024年") or relative to the report's year ("明年")."""
    years = years_in_text(question)
    years |= {report_year + delta for word, delta in _RELATIVE_YEAR.items() if word in question}
    return years


_YEAR_WORDS = re.compile(rf"{_YEAR}\s*年|" + "|".join(_RELATIVE_YEAR))
_TIME_WORD = re.compile(r"(?:19|20)?\d{2,4}年?|[今明去前后本当上来]年")


def year_words(text: str) -> list[str]:
    """The words that name a year, as written ("2024年", "明年")."""
    return _YEAR_WORDS.findall(text)


def period_year(period: str) -> int:
    """A passage's period ("2023") as a number for numpy; 0 for no period."""
    return int(period) if period.isdigit() else 0


def is_time_word(token: str) -> bool:
    """A token that only names a time ("2024", "2024年", "明年"): no topic of its own."""
    return token.isdigit() or bool(_TIME_WORD.fullmatch(token))


def years_in_text(text: str) -> set[int]:
    """Years a text names explicitly ("比2022年提高")."""
    return {int(y) for y in _EXPLICIT_YEAR.findall(text)}


def first_year(text: str) -> int | None:
    """The first year a text names explicitly ("2023年工作总结和2024年工作安排" names 2023 first)."""
    match = _EXPLICIT_YEAR.search(text)
    return int(match.group(1)) if match else None


def numbers(text: str) -> list[str]:
    return [n.replace(" ", "") for n in NUMBER.findall(text)]

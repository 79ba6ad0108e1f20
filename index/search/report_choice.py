"""Which report a question is about: the one asked for, the one whose place it names, or the
home reports first; and each report's own year, so that "今年" means that report's year."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from core.errors import UnknownDocument
from index.store import StoredDocument
from index.text import is_time_word, tokens

# A place a report is about: "松原市", "青禾县" (not "全市", "我县": those are generic).
_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(市|县|区|旗|州|盟)(?=委|政府|人民|的|，|,|、|。|\s|全|是|在|要|经济|$)")
_GENERIC_PLACE = {"全", "我", "本", "该", "各", "城", "地", "省", "县", "市", "区", "开发", "园", "社"}


def place_of(doc: StoredDocument) -> str:
    """The place a report is about: the one its title and text name most ("松原" for 松原市)."""
    counts = Counter(
        m.group(1) for m in _PLACE.finditer(f"{doc.title}\n{doc.text[:4000]}") if m.group(1) not in _GENERIC_PLACE
    )
    for name in counts:
        counts[name] += 3 * doc.title.count(name)  # the title's place wins ties
    return counts.most_common(1)[0][0] if counts else ""


def scope(places: Mapping[str, str], query: str, doc: str | None) -> str:
    """The report a question is about: the one asked for, or the only one whose place it names.
    ``places`` maps every report of the library to its place."""
    if doc:
        if doc not in places:
            raise UnknownDocument(f"no document {doc!r} in the index")
        return doc
    if len(places) < 2:
        return ""
    named = {d for d, place in places.items() if place and place in query}
    return named.pop() if len(named) == 1 else ""


def only_elsewhere(docs_using: Callable[[str], frozenset[str]], query: str, home: frozenset[str]) -> list[str]:
    """Words of the question that other reports use and the home reports never do
    ("白鹭湖观鸟节"): the question is about one of those reports, not about home.
    ``docs_using``: the reports that use a word."""
    words = [
        w
        for w in dict.fromkeys(tokens(query))
        if len(w) > 1 and not is_time_word(w) and (users := docs_using(w)) - home and not users & home
    ]
    # One such word is chance ("开工" where home says "开复工"); a name jieba does not know
    # comes in pieces ("白鹭|湖观|鸟节"), so a question about another report brings several.
    return words if len(words) >= 2 else []


def home_documents(documents: Mapping[str, StoredDocument]) -> frozenset[str]:
    """The reports config.yaml lists, when the library also holds others (added by hand):
    an open question goes to them first. Empty when there is no such distinction."""
    home = frozenset(d for d, doc in documents.items() if doc.origin == "corpus")
    return home if home and len(home) < len(documents) else frozenset()


def year_of(documents: Mapping[str, StoredDocument], doc: str, default_year: int) -> int:
    """The year a report looks back on; the configured year for a report that does not say."""
    stored = documents.get(doc)
    return stored.year if stored and stored.year else default_year

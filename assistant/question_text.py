"""The question as the index reads it: half-width digits and letters, Simplified Chinese, and its language.

Citizens type on phones and on Traditional-Chinese systems: "２０２４年" and "城鎮新增就業" must find
what "2024年" and "城镇新增就业" find. English questions are answered too (e5 is multilingual), so the
chain needs to know which it has.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Full-width ASCII (！ to ～) sits at a fixed offset from ASCII; the ideographic space is U+3000.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Chinese punctuation stays as it is: the report uses it, and only digits and letters matter to search.
_KEEP = set("，。！？：；（）【】「」、")
_WIDTH = {k: v for k, v in _FULL_WIDTH.items() if chr(k) not in _KEEP}
_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CODE = re.compile(r"[<>{}=;\\]|://")


def fold_width(text: str) -> str:
    """"２０２４年ＧＤＰ增长５％" → "2024年GDP增长5%"."""
    return text.translate(_WIDTH)


def is_english(text: str) -> bool:
    """Mostly Latin letters, no more than a few Chinese characters (a name or a place may be quoted), and
    no markup or code: "<script>alert(1)</script>" is letters, not an English question."""
    latin, han = len(_LATIN.findall(text)), len(_HAN.findall(text))
    return latin >= 6 and latin > 3 * han and not _CODE.search(text)


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc  # the OpenCC project's own binding, with its dictionaries

    return opencc.OpenCC("t2s")


def to_simplified(text: str, known: frozenset[str] = frozenset()) -> str:
    """Traditional characters become Simplified; a character the reports themselves use is kept.

    OpenCC maps some characters that are also valid Simplified ones (乾 → 干, as in 乾坤), which would
    turn the report's own 乾安县 into 干安县: the reports are written in Simplified Chinese, so any
    character they contain is Simplified already.
    """
    if not _HAN.search(text):
        return text
    converted = _converter().convert(text)
    if len(converted) != len(text):
        return converted
    return "".join(old if old in known else new for old, new in zip(text, converted, strict=True))


def normalise(text: str, known: frozenset[str] = frozenset()) -> str:
    return to_simplified(fold_width(text), known)

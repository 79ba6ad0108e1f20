"""The figures a sentence states, as values with units, so that "1.74万人" and "17400人" are one figure.

A figure is a number with what it counts: Arabic (with 万/亿 magnitudes, thousands commas, full-width
digits), Chinese numerals before a measure word ("两个", "三大", "一万七千四百人"), percentages
("6.5%", "百分之五"), years ("2023年") and ranks ("第2位", "第二"). Its unit is what follows the number
("元", "人", "%", "年"), because the same digits may count something else: "16442元" is no "16442人".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_MAGNITUDE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
# Longest first; a unit not listed is the one Chinese character after the number.
_UNITS = tuple("个百分点 百分点 平方公里 平方米 立方米 千瓦时 千瓦 千米 千克 公里 公顷 公斤 人次".split())
_SAME_UNIT = {"个百分点": "百分点"}
# Characters after a number that are no unit: "120多个", "10以上", "3至5", "5、6".
_NOT_A_UNIT = set("多余近约左右以上下至到和与及或、的了是为在比之内外")
_ARABIC = re.compile(
    r"(?<![A-Za-z\d.])(?P<rank>第)?(?P<num>\d+(?:\.\d+)?)(?![A-Za-z\d])"
    r"(?P<mag>万亿|亿|万|千(?![瓦米克]))?(?=(?P<tail>.{0,5}))",  # the unit is read ahead, not consumed
    re.S,
)
_CN_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千万亿"
# A Chinese numeral is a figure after 第 or before a measure word; elsewhere it is part of a word
# ("统一", "十四五", "三季度").
_MEASURE = "个项家所座条批位名次倍成年月大类件户人亩吨元处台辆支"
_CN_FIGURE = re.compile(
    rf"(?P<rank>第)(?P<cn>[{_CN}]+)|(?P<cn2>[{_CN}]+(?:点[零〇一二三四五六七八九]+)?)(?P<more>[多余]?)(?P<unit>[{_MEASURE}])"
)
_PERCENT_CN = re.compile(rf"百分之(?P<num>\d+(?:\.\d+)?|[{_CN}]+(?:点[零〇一二三四五六七八九]+)?)")
_MARKER = re.compile(r"\[\d{1,3}\]|【\d{1,3}】")
# "1." "2、" "（3）" numbering lines
_ENUMERATOR = re.compile(r"(?m)^\s*(?:\d{1,2}(?:\.(?!\d)|[、)）])|[（(]\d{1,2}[)）])")


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    value: float
    unit: str  # "%", "元", "年", "第" (a rank) …; "" when the number stands alone

    def matches(self, other: Figure) -> bool:
        """The same value, and the same unit unless this figure names none."""
        close = abs(self.value - other.value) <= 1e-9 * max(1.0, abs(self.value))
        return close and (not self.unit or self.unit == other.unit)


def figures(text: str) -> list[Figure]:
    """Every figure of ``text``; citation markers and list numbering are not figures."""
    text = _plain(text)
    found = [_arabic(m) for m in _ARABIC.finditer(text)]
    found += [f for m in _CN_FIGURE.finditer(text) if (f := _chinese(m)) is not None]
    return found


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # full-width digits and ％
    text = _ENUMERATOR.sub(" ", _MARKER.sub(" ", text))
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 16,442 → 16442
    return _PERCENT_CN.sub(_percent, text)


def _percent(m: re.Match[str]) -> str:
    value = _number(m.group("num"))
    return m.group(0) if value is None else f"{value:g}%"


def _arabic(m: re.Match[str]) -> Figure:
    value = float(m.group("num")) * _MAGNITUDE.get(m.group("mag") or "", 1.0)
    unit = "第" if m.group("rank") else _unit(m.group("tail"))
    return Figure(m.group(0) + ("" if m.group("rank") else unit), value, unit)


def _unit(tail: str) -> str:
    tail = tail.lstrip(" 多余")
    if tail[:1] in ("%", "‰"):
        return tail[0]
    for unit in _UNITS:
        if tail.startswith(unit):
            return _SAME_UNIT.get(unit, unit)
    first = tail[:1]
    return first if first and "\u4e00" <= first <= "\u9fff" and first not in _NOT_A_UNIT else ""


def _chinese(m: re.Match[str]) -> Figure | None:
    numeral = m.group("cn") or m.group("cn2")
    if not re.search(r"[零〇一二两三四五六七八九十]", numeral):  # "万", "千" alone: a magnitude of an Arabic number
        return None
    value = _number(numeral)
    if value is None:
        return None
    if m.group("rank"):
        return Figure(m.group(0), value, "第")
    if value == 1:  # "一个", "一批", "一大": a word, not a count worth checking
        return None
    unit = m.group("unit")
    return Figure(m.group(0), value, unit)


def _number(numeral: str) -> float | None:
    """Arabic or Chinese digits as a value: "1.5", "一万七千四百" → 17400, "三点五" → 3.5; None if no number."""
    if re.fullmatch(r"\d+(?:\.\d+)?", numeral):
        return float(numeral)
    whole, _, fraction = numeral.partition("点")
    value = _chinese_integer(whole)
    if value is None or not all(c in _CN_DIGITS for c in fraction):
        return None
    digits = "".join(str(_CN_DIGITS[c]) for c in fraction)
    return float(f"{value}.{digits}") if digits else float(value)


def _chinese_integer(numeral: str) -> int | None:
    total = section = 0
    digit: int | None = None
    for ch in numeral:
        if ch in _CN_DIGITS:
            if digit not in (None, 0):  # "十四五", "一二": a name or a list, not a number
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        elif ch == "亿":
            total = (total + section + (digit or 0)) * 100_000_000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


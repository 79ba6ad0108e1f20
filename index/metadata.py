"""What a report says about itself: publication date, source line, and the year it covers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from index.text import first_year

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_LABEL = re.compile(r"(?:发布时间|更新时间|发布日期|日期|时间)\s*[:：]\s*(?=(?:19|20)\d{2})")
_SOURCE = re.compile(r"来源\s*[:：]\s*(\S+)")
# Reports delivered in the first months of a year (政府工作报告 at the spring sessions) look back
# on the year before; a December plenary looks back on its own year.
_LOOKS_BACK_UNTIL_MONTH = 3


def iso_date(text: str) -> str:
    """The first date written in ``text`` ("2023-12-14 07:57", "2024年1月5日") as YYYY-MM-DD, or ""."""
    match = _DATE.search(text)
    if not match:
        return ""
    try:
        return dt.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:  # "2023-13-45" is not a date
        return ""


def labelled_date(lines: Iterable[str]) -> str:
    """The date after 发布时间：/更新时间： in the page furniture."""
    for line in lines:
        label = _DATE_LABEL.search(line)
        if label:
            date = iso_date(line[label.end() :])
            if date:
                return date
    return ""


def source_line(lines: Iterable[str]) -> str:
    """The source as 来源：…, from a furniture line such as "更新时间:2023-12-14 来源:吉林日报—大吉网"."""
    for line in lines:
        match = _SOURCE.search(line)
        if match:
            return f"来源：{match.group(1)}"
    return ""


def covered_year(title: str, periods: Iterable[str], date: str) -> int | None:
    """The year a report looks back on: named in its title, else its first dated section, else its date."""
    named = first_year(title)
    if named:
        return named
    period = next((p for p in periods if p), "")
    if period:
        return int(period)
    if date:
        year, month = int(date[:4]), int(date[5:7])
        return year - 1 if month <= _LOOKS_BACK_UNTIL_MONTH else year
    return None

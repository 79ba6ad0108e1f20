"""Personal data in citizens' questions: ID-card and phone numbers are masked before text is kept."""

from __future__ import annotations

import re

ID_CARD_MASK = "[身份证号]"
PHONE_MASK = "[电话号码]"

# 18 characters: 17 digits and a digit or X check character (second-generation resident ID cards).
_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
# Mobile: 1[3-9] and 9 more digits, optionally +86 / 86, written whole or as 3-4-4 with - or spaces.
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
# Landline: a 3-4 digit area code starting with 0 (in brackets or not), 7-8 digits, an optional extension.
_LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[-\s]?\d{7,8}(?:[-转]\d{1,6})?(?!\d)")


def mask_personal_data(text: str) -> str:
    """``text`` with every ID-card, mobile and landline number replaced by a placeholder."""
    text = _ID_CARD.sub(ID_CARD_MASK, text)
    text = _MOBILE.sub(PHONE_MASK, text)
    return _LANDLINE.sub(PHONE_MASK, text)

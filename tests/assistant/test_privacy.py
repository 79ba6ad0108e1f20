"""Masking of personal numbers in questions before any text of them is kept."""

from __future__ import annotations

import pytest

from assistant.privacy import ID_CARD_MASK, PHONE_MASK, mask_personal_data


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证220702199003071234号", f"身份证{ID_CARD_MASK}号"),
        ("身份证号：22070219900307123X", f"身份证号：{ID_CARD_MASK}"),
        ("22070219900307123x的社保", f"{ID_CARD_MASK}的社保"),
        ("电话13812345678", f"电话{PHONE_MASK}"),
        ("手机 138-1234-5678 或 +86 139 1234 5678", f"手机 {PHONE_MASK} 或 {PHONE_MASK}"),
        ("8613812345678", PHONE_MASK),
        ("座机0438-1234567转8", f"座机{PHONE_MASK}"),
        ("（0438）12345678", PHONE_MASK),
        ("010-87654321", PHONE_MASK),
        ("身份证22070219900307123X，电话13812345678", f"身份证{ID_CARD_MASK}，电话{PHONE_MASK}"),
    ],
)
def test_id_cards_and_phone_numbers_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "2023年前三季度GDP增长5.8%，投资1000000亿元",
        "20231231",  # a date
        "2207021990030712345",  # 19 digits: not an ID card number
        "12345678901",  # 11 digits that are no mobile number
        "第1382345号文件",
        "查干湖冬捕2024年1月",
    ],
)
def test_report_figures_are_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text

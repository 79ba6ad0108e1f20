"""Questions as the index reads them: half-width, Simplified, and English told from Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.question_text import fold_width, is_english, normalise, to_simplified

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
CHARACTERS = frozenset(REPORT.read_text(encoding="utf-8"))


def test_full_width_digits_and_letters_become_half_width() -> None:
    assert fold_width("２０２４年ＧＤＰ增长多少％") == "2024年GDP增长多少%"
    assert fold_width("新建５Ｇ基站") == "新建5G基站"
    assert fold_width("城镇\u3000就业") == "城镇 就业"  # the ideographic space too


def test_chinese_punctuation_stays() -> None:
    question = "查干湖水质怎么样？（2023年）：好吗！"
    assert fold_width(question) == question


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("城鎮新增就業多少人？", "城镇新增就业多少人？"),
        ("查干湖景區接待遊客多少人次？", "查干湖景区接待游客多少人次？"),
        ("新能源產業發展得怎麼樣？", "新能源产业发展得怎么样？"),
    ],
)
def test_traditional_questions_become_simplified(traditional: str, simplified: str) -> None:
    assert to_simplified(traditional, CHARACTERS) == simplified


def test_the_reports_own_characters_are_kept() -> None:
    """乾 is Simplified too (乾安县): the report uses it, so conversion must not turn it into 干."""
    assert "乾" in CHARACTERS
    assert to_simplified("乾安縣中醫院", CHARACTERS) == "乾安县中医院"
    assert to_simplified("乾坤", CHARACTERS) == "乾坤"


def test_text_without_chinese_is_left_alone() -> None:
    assert to_simplified("What is the GDP growth?") == "What is the GDP growth?"


def test_normalise_folds_width_and_script_together() -> None:
    assert normalise("２０２４年城鎮新增就業目標", CHARACTERS) == "2024年城镇新增就业目标"


@pytest.mark.parametrize(
    "question",
    [
        "What is the target for new urban jobs in 2024?",
        "How many tourists visited 查干湖 scenic area?",  # a quoted place name does not make it Chinese
        "grain output",
    ],
)
def test_english_questions(question: str) -> None:
    assert is_english(question)


@pytest.mark.parametrize("question", ["松原GDP增长了多少？", "CCUS全产业链技术获得了什么称号？", "5G基站", "OK"])
def test_chinese_questions_with_latin_letters_are_not_english(question: str) -> None:
    assert not is_english(question)

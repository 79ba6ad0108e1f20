"""Cilin's true-synonym groups: everyday words the report says otherwise, and metrics it never gives."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.synonyms import Thesaurus
from index.text import tokens

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def thesaurus() -> Thesaurus:
    return Thesaurus()


@pytest.fixture(scope="module")
def report_words() -> Counter[str]:
    return Counter(tokens((ROOT / "data/songyuan-2023-plenary-report.txt").read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("word", "some_of"),
    [
        ("饭堂", {"食堂"}),
        ("飞机场", {"机场"}),
        ("老百姓", {"百姓", "人民"}),
        ("房子", {"住房", "房屋"}),
        ("冬天", {"冬季"}),
    ],
)
def test_synonyms(thesaurus: Thesaurus, word: str, some_of: set[str]) -> None:
    assert thesaurus.synonyms(word) & some_of
    assert word not in thesaurus.synonyms(word)


@pytest.mark.parametrize(("word", "used"), [("饭堂", "食堂"), ("飞机场", "机场"), ("老百姓", "人民")])
def test_the_report_says_it_otherwise(thesaurus: Thesaurus, report_words: Counter[str], word: str, used: str) -> None:
    assert word not in report_words
    assert thesaurus.said_otherwise(word, report_words.__contains__)
    assert used in thesaurus.used_synonyms(word, report_words.__contains__)


@pytest.mark.parametrize(
    "metric", "常住人口 失业率 房价 门票 利润总额 平均工资 机票 教学质量 进出口 人均可支配收入".split()
)
def test_metrics_the_report_never_gives_have_no_synonym_in_it(
    thesaurus: Thesaurus, report_words: Counter[str], metric: str
) -> None:
    assert not thesaurus.said_otherwise(metric, report_words.__contains__)


def test_related_and_isolated_groups_are_not_synonyms(thesaurus: Thesaurus) -> None:
    # Cilin Aa01B03# lists 良民 with 顺民 as merely related words.
    assert "顺民" not in thesaurus.synonyms("良民")


def test_single_characters_do_not_count_for_a_longer_word(thesaurus: Thesaurus) -> None:
    assert "小" in thesaurus.synonyms("小孩")
    assert not thesaurus.said_otherwise("小孩", {"小"}.__contains__)


def test_unknown_word(thesaurus: Thesaurus) -> None:
    assert thesaurus.synonyms("松原") == frozenset()

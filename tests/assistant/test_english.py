"""English questions become Chinese search words the reports use (CC-CEDICT, real report vocabularies)."""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.answer_types import expected_type
from assistant.english import EnglishBridge, lemmas
from index.text import tokens

ROOT = Path(__file__).resolve().parents[2]


def _bridge(report: str) -> EnglishBridge:
    counts = Counter(tokens((ROOT / report).read_text(encoding="utf-8")))
    return EnglishBridge(counts.__contains__, counts.__getitem__)


@pytest.fixture(scope="module")
def songyuan() -> EnglishBridge:
    return _bridge("data/songyuan-2023-plenary-report.txt")


@pytest.fixture(scope="module")
def qinghe() -> EnglishBridge:
    return _bridge("tests/data/fictional-qinghe-county-2024.txt")


def test_the_example_question(songyuan: EnglishBridge) -> None:
    words = songyuan.to_chinese("What is the 2024 target for new urban jobs in Songyuan?").split()
    assert {"2024年", "目标", "新增", "城镇", "就业", "松原"} <= set(words)
    assert words[-1] == "多少"


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        (
            "How much did Songyuan's GDP grow in the first three quarters of 2023?",
            {"GDP", "增长", "前三季度", "2023年"},
        ),
        (
            "How many visitors did the Chagan Lake scenic area receive from January to November?",
            {"查干湖", "景区", "接待", "1-11月"},
        ),
        ("What grain output does Songyuan aim to keep in 2024?", {"粮食产量", "目标"}),
        ("By how much did passenger throughput at Songyuan airport grow?", {"机场", "增长"}),
        (
            "How many new high-tech enterprises were recognised in Songyuan in 2023?",
            {"新增", "高新技术", "企业"},
        ),
        ("How much fixed asset investment was made?", {"固定资产", "投资"}),
    ],
)
def test_content_words_and_phrases(songyuan: EnglishBridge, question: str, wanted: set[str]) -> None:
    assert wanted <= set(songyuan.to_chinese(question).split())


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Songyuan", "松原"),
        ("Qian'an", "乾安"),
        ("Changling", "长岭"),
        ("Fuyu", "扶余"),
        ("Ningjiang", "宁江"),
        ("Jilin", "吉林"),
        ("Changchun", "长春"),
        ("Chagan Lake", "查干湖"),
    ],
)
def test_pinyin_place_names(songyuan: EnglishBridge, name: str, place: str) -> None:
    assert place in songyuan.to_chinese(f"What happened in {name} last year?").split()


def test_a_place_the_dictionary_lacks_is_spelled_in_the_reports_characters(qinghe: EnglishBridge) -> None:
    # 青禾 is fictional: no CEDICT entry, but its syllables in characters the report uses give it.
    assert "青禾" in qinghe.to_chinese("How much did Qinghe county's GDP grow in 2024?").split()


@pytest.mark.parametrize(
    ("question", "form", "kind"),
    [
        ("How many new urban jobs were created?", "多少", "quantity"),
        ("What percentage did GDP grow?", "多少", "quantity"),
        ("Who is the mayor of Songyuan?", "是谁", "person"),
        ("When does the Chagan Lake winter fishing start?", "什么时候", "date"),
        ("How long does it take to build the airport?", "多长时间", "duration"),
        ("How much does a ticket to the Chagan Lake scenic area cost?", "多少钱", "money"),
        ("Which enterprises were recognised?", "哪些", None),
    ],
)
def test_question_forms_are_the_ones_answer_typing_reads(
    songyuan: EnglishBridge, question: str, form: str, kind: str | None
) -> None:
    bridged = songyuan.to_chinese(question)
    assert bridged.split()[-1] == form
    found = expected_type(bridged)
    assert (found.name if found else None) == kind


@pytest.mark.parametrize(
    ("phrase", "year"), [("in 2023", "2023年"), ("next year", "明年"), ("this year", "今年"), ("last year", "去年")]
)
def test_years(songyuan: EnglishBridge, phrase: str, year: str) -> None:
    words = songyuan.to_chinese(f"How many new urban jobs {phrase}?").split()
    assert words[0] == year
    assert "年" not in words  # "year" itself is not translated again


def test_every_proposed_word_is_one_the_report_uses(songyuan: EnglishBridge) -> None:
    known = songyuan._known
    bridged = songyuan.to_chinese("How many tourists visited the ski resorts and hot springs of Songyuan in winter?")
    content = [w for w in bridged.split() if not re.fullmatch(r"\d{4}年|[今明去前]年|多少|\d.*", w)]
    assert content
    assert all(known(w) for w in content), content


def test_the_dictionary_is_read_once_across_threads(qinghe: EnglishBridge) -> None:
    fresh = EnglishBridge(qinghe._known)
    with ThreadPoolExecutor(4) as pool:
        lexicons = list(pool.map(lambda _: fresh.lexicon, range(8)))
    assert all(lex is lexicons[0] for lex in lexicons)


def test_lemmas() -> None:
    assert "enterprise" in lemmas("enterprises")
    assert "recognize" in lemmas("recognised")
    assert "plan" in lemmas("planned")
    assert "city" in lemmas("cities")
    assert "build" in lemmas("building")


def test_words_the_reports_never_use_are_named(songyuan: EnglishBridge) -> None:
    # The report gives no unemployment figure: the judge can see that the question's metric has no match.
    assert "unemployment" in songyuan.untranslated("What is Songyuan's unemployment rate in 2023?")
    assert songyuan.untranslated("How many new urban jobs does Songyuan plan to create in 2024?") == []

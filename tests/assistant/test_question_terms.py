"""The question's side of the near-miss checks: places named, judgements asked, topic words, asked head."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.question_terms import asked_head, asks_judgement, is_metric, places_named, topic_terms

REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
TEXT = REPORT.read_text(encoding="utf-8")


def uses(word: str) -> bool:
    return bool(word) and word in TEXT


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("白城市去年的粮食产量是多少？", ("白城",)),
        ("四平市新增城镇就业多少人？", ("四平",)),
        ("哈尔滨接待了多少游客？", ("哈尔滨",)),  # no suffix, and a name the report never uses
        ("吉林省和辽宁省的GDP各增长多少？", ("吉林", "辽宁")),
        ("前郭县入选了什么称号？", ("前郭",)),  # the report's own county is still a place named
        ("邻县的肉牛有多少头？", ("邻县",)),  # named by where it lies from the report's own place
        ("松原所属的省粮食产量是多少？", ("所属的省",)),  # 松原 without suffix: jieba's tag not trusted
        ("盐城市的粮食产量是多少？", ("盐城",)),  # a one-character name before 城市 is a city's name
    ],
)
def test_places_are_named_without_their_suffix(question: str, places: tuple[str, ...]) -> None:
    assert places_named(question, uses) == places


@pytest.mark.parametrize(
    "question",
    [
        "2024年全市新增就业多少人？",  # 全市 is no place, nor "年全"
        "开发区排名第几？",
        "城区新建了多少条街路？",
        "松原的GDP增长了多少？",  # the report's own name without a suffix: jieba's place tag is not trusted
        "新建学校多少所？",
        "海绵城市建设怎么样了？",
        "建设农业强县有哪几项？",  # what a place aims to be
    ],
)
def test_words_that_only_look_like_places_are_not_places(question: str) -> None:
    assert places_named(question, uses) == ()


def test_a_place_name_does_not_take_the_character_before_it() -> None:
    assert places_named("2023年前三季度松原市GDP增长了多少？", uses) == ("松原",)


def test_a_scenic_area_is_not_an_administrative_district() -> None:
    assert places_named("查干湖景区门票多少钱？", uses) == ()


@pytest.mark.parametrize(
    "question",
    [
        "松原哪家医院最好？",
        "哪个景点最值得去？",
        "给我推荐几个好玩的地方",
        "查干湖值不值得去？",
        "哪所学校排名第一的？",
    ],
)
def test_opinions_and_rankings_are_judgements(question: str) -> None:
    assert asks_judgement(question)


@pytest.mark.parametrize(
    "question",
    ["查干湖水质怎么样？", "哪些企业入驻了科创中心？", "通航业务量在全省排第几？", "最低的不良贷款率是多少？"],
)
def test_questions_about_stated_facts_are_not_judgements(question: str) -> None:
    assert not asks_judgement(question)


def test_topic_terms_drop_question_words_years_places_and_form_words() -> None:
    terms = topic_terms("2024年白城市生态方面有什么打算？", ("白城",))
    assert "生态" in terms
    assert not {"2024", "2024年", "白城", "白城市", "打算", "方面", "什么"} & set(terms)


@pytest.mark.xfail(
    strict=True, reason="the docstring's own example: jieba's precise mode cuts 松/原地/里 (it does not know 松原)"
)
def test_topic_terms_are_whole_words() -> None:
    assert "原地" not in topic_terms("松原地里种了什么？")


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("城镇登记失业率是多少？", "失业率"),
        ("查干湖景区的门票多少钱？", "门票"),
        ("有多少家企业入驻科创中心？", "企业"),  # after the question word when nothing named comes before
        ("公立图书馆有多少个？", "图书馆"),
    ],
)
def test_the_asked_head_is_the_thing_a_figure_is_asked_of(question: str, head: str) -> None:
    assert asked_head(question) == head


def test_a_question_without_a_question_word_has_no_head() -> None:
    assert asked_head("介绍一下查干湖") == ""


def test_a_whole_city_prefix_is_not_the_asked_head() -> None:
    assert asked_head("全市有多少个公立图书馆？") == "图书馆"


def test_the_home_place_is_not_the_asked_head() -> None:
    assert asked_head("2024年松原开复工多少个项目？") == "项目"


@pytest.mark.parametrize("word", ["失业率", "房价", "吞吐量", "利润总额", "常住人口", "固定资产投资", "CPI"])
def test_metrics_are_rates_amounts_and_counts(word: str) -> None:
    assert is_metric(word)


@pytest.mark.parametrize("word", ["饭堂", "学校", "项目", "房子", "图书馆"])
def test_everyday_things_are_no_metrics(word: str) -> None:
    assert not is_metric(word)

"""The extractive answerer quotes whole report sentences, so every figure it gives is the report's own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from asking import ask
from settings_support import NO_EVIDENCE_REFUSAL, with_changes

from assistant.extractive import Composed, ExtractiveAnswerer
from core.settings import Settings
from core.types import Answer, Passage
from index.embedding.hash_embedder import HashEmbedder
from index.text import numbers

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset.jsonl"
REPORT = Path(__file__).resolve().parents[2] / "data" / "songyuan-2023-plenary-report.txt"
QUOTE = re.compile(r"(.+?)\[(\d+)\]")  # a quoted sentence and the passage it names


def _squash(text: str) -> str:
    return "".join(text.split())


def assert_grounded(answer: Answer) -> None:
    """Each sentence of the answer sits in the passage it cites, figures and all."""
    source = REPORT.read_text(encoding="utf-8")
    cited = {c.n: c for c in answer.citations}
    quotes = QUOTE.findall(answer.text)
    assert quotes, answer.text
    assert "".join(s + f"[{n}]" for s, n in quotes) == answer.text  # nothing outside a cited sentence
    for sentence, n in quotes:
        citation = cited[int(n)]
        assert source[citation.start : citation.end] == citation.text
        body = sentence.rstrip("。")
        assert body.rstrip("；;，,、") in citation.text, (sentence, citation.text)
        for figure in numbers(sentence):
            assert figure in _squash(citation.text), (figure, citation.text)
    assert sorted(cited) == sorted({int(n) for _, n in quotes})  # only cited passages come back


# -- the real model ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_gdp_answer_quotes_the_figure_with_its_citation(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = ask(assistant, "2023年前三季度松原市GDP增长了多少？")
    assert not answer.refused and answer.notice == ""
    assert "5.8%" in answer.text
    assert_grounded(answer)
    [marker] = [n for s, n in QUOTE.findall(answer.text) if "5.8%" in s]
    citation = next(c for c in answer.citations if c.n == int(marker))
    assert "5.8%" in citation.text and "5.8%" in citation.quote
    assert citation.section.endswith("综合经济实力实现新提升") and citation.period == "2023"


@pytest.mark.slow
def test_every_figure_in_every_devset_answer_is_in_a_cited_passage(devset_run) -> None:  # type: ignore[no-untyped-def]
    _, recorder = devset_run
    answered = [a for _, a in recorder.answers if not a.refused]
    assert len(answered) >= 25
    for answer in answered:
        assert_grounded(answer)
    for _, answer in recorder.answers:
        if answer.refused:
            assert answer.citations == []


# -- logic, with the hash embedder ---------------------------------------------------------------


def _passage(n: int, text: str, period: str = "2023") -> Passage:
    return Passage(f"c{n}", text, "doc", "标题", "章 › 节", period, n, 10 * n, 10 * n + len(text), score=1.0 / n)


@pytest.fixture()
def answerer(hash_settings: Settings) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(HashEmbedder(hash_settings.embedding), max_sentences=2)


def test_short_topic_lines_are_never_quoted(answerer: ExtractiveAnswerer) -> None:
    passages = [_passage(1, "千方百计稳定经济运行。前三季度全市GDP增长5.8%，固定资产投资增长3.9%。")]
    ranked = answerer.rank("GDP增长了多少？", passages)
    assert [c.text for c in ranked] == ["前三季度全市GDP增长5.8%，固定资产投资增长3.9%。"]


def test_a_sentence_repeated_by_overlapping_chunks_is_a_single_candidate(answerer: ExtractiveAnswerer) -> None:
    shared = "新增规上工业企业24户、新增产值41亿元。"
    passages = [
        _passage(1, "开展服务企业月活动，帮助企业解决问题。" + shared),
        _passage(2, shared + "新登记经营主体4.8万户。"),
    ]
    texts = [c.text for c in answerer.rank("新增规上工业企业多少户？", passages)]
    assert texts.count(shared) == 1 and len(texts) == 3


def test_compose_quotes_at_most_max_sentences_with_valid_markers(answerer: ExtractiveAnswerer) -> None:
    passages = [
        _passage(1, "查干湖水质连续3年保持在Ⅳ类。查干湖入选国家水利风景区高质量发展典型案例。"),
        _passage(2, "查干湖景区累计接待游客460万人次，旅游综合收入突破40亿元。"),
    ]
    composed = answerer.compose("查干湖有哪些成绩？", answerer.rank("查干湖有哪些成绩？", passages))
    text, quotes = composed.text, composed.quotes
    found = QUOTE.findall(text)
    assert 1 <= len(found) <= 2
    for sentence, n in found:
        assert 1 <= int(n) <= len(passages)
        assert sentence.rstrip("。") in passages[int(n) - 1].text
        assert quotes[int(n)] in passages[int(n) - 1].text


def test_nothing_to_quote_gives_an_empty_answer(answerer: ExtractiveAnswerer) -> None:
    assert answerer.rank("问题？", []) == []
    assert answerer.compose("问题？", []) == Composed("", {}, {})
    assert answerer.rank("问题？", [_passage(1, "太短了。也很短。")]) == []


def test_hash_assistant_answers_are_grounded_for_every_devset_question(hash_settings: Settings) -> None:
    """The same property as the real-model test, over all devset questions, at hash-embedder speed."""
    from assistant.service import Assistant

    settings = with_changes(hash_settings, retrieval=NO_EVIDENCE_REFUSAL)
    assistant = Assistant.from_settings(settings)
    items = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    answered = 0
    for item in items:
        answer = ask(assistant, (item.get("turns") or [item["question"]])[0])
        if not answer.refused:
            answered += 1
            assert_grounded(answer)
    assert answered >= 25


def test_warm_up_embeds_every_sentence_once(hash_assistant) -> None:  # type: ignore[no-untyped-def]
    extractive = hash_assistant.chain.extractive
    hash_assistant.warm_up()
    cached = len(extractive._vectors)
    assert cached > len(hash_assistant.retriever.passages)  # sentences, not chunks
    ask(hash_assistant, "2023年前三季度松原市GDP增长了多少？")
    assert len(extractive._vectors) == cached  # answering needed nothing new

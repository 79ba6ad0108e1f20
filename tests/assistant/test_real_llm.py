"""The LLM mode end to end with a real model: Qwen2.5-Coder-0.5B-Instruct (Q4_K_M) behind llama-cpp-python's
OpenAI-compatible server, the real e5 index of the real report, the grounding guard on.

Greedy decoding (temperature 0) makes the model's replies repeatable, so the tests can name what this
model does: it answers some questions well, cites the wrong passage or makes up a figure or a name on
others. Each answer takes about 15 s on two cores: the module asks for seven.
"""

from __future__ import annotations

import pytest
from llm_support import MODEL_NAME
from settings_support import with_changes

from assistant.chain import FALLBACK_NOTICE
from assistant.citations import cited_numbers
from assistant.figures import figures
from assistant.grounding import names
from assistant.llm_stream import SentenceHold
from assistant.service import Assistant
from core.settings import Settings
from core.types import Answer, Delta, Message

pytestmark = [pytest.mark.llm, pytest.mark.slow]


@pytest.fixture(scope="module")
def llm(assistant: Assistant, real_settings: Settings, llm_base_url: str) -> Assistant:
    openai = {"base_url": llm_base_url, "model": MODEL_NAME, "temperature": 0.0, "max_tokens": 96, "timeout": 300}
    settings = with_changes(real_settings, answer={"provider": "openai", "openai": openai, "cache_size": 0})
    return Assistant(settings, assistant.embedder, record_unanswered=False)


def _stream(assistant: Assistant, messages: list[Message]) -> tuple[list[str], Answer]:
    events = list(assistant.stream(messages))
    final = events[-1]
    assert isinstance(final, Answer)
    return [e.text for e in events if isinstance(e, Delta)], final


def _grounded(answer: Answer) -> None:
    """Every sentence shown cites a passage, and every figure in it is in a passage it cites."""
    cited = {c.n: c for c in answer.citations}
    hold = SentenceHold()
    for sentence in hold.feed(answer.text) + hold.flush():
        numbers = cited_numbers(sentence)
        assert numbers and all(n in cited for n in numbers), sentence
        backing = [f for n in numbers for f in figures(f"{cited[n].period}年 {cited[n].text}")]
        assert all(any(f.matches(b) for b in backing) for f in figures(sentence)), sentence


def test_a_plain_answer_cites_the_passage_that_holds_it(llm: Assistant) -> None:
    answer = llm.answer([Message("user", "京能集团的风光互补项目投资了多少？")])
    assert not answer.refused and answer.notice == "" and "260亿元" in answer.text
    assert any("260亿元" in c.text for c in answer.citations)
    assert answer.grounding is not None and answer.grounding.kept >= 1
    _grounded(answer)


def test_a_streamed_answer_shows_only_whole_checked_sentences(llm: Assistant) -> None:
    shown, answer = _stream(llm, [Message("user", "松原今年全年预计接待游客多少人次？")])
    assert shown and "".join(shown) == answer.text and "2000万人次" in answer.text
    assert answer.notice == "" and answer.grounding is not None and len(shown) == answer.grounding.kept
    _grounded(answer)


def test_a_follow_up_is_made_standalone_by_the_model_then_answered(llm: Assistant) -> None:
    history = [
        Message("user", "京能集团的风光互补项目投资了多少？"),
        Message("assistant", "京能集团的风光互补项目投资了260亿元。[1]"),
    ]
    follow_up = Message("user", "中粮的生猪扩能项目呢？")
    turn = llm.chain.condense(llm.chain.prepare([*history, follow_up], None))
    assert turn.standalone != follow_up.content and "中粮" in turn.standalone and "投资" in turn.standalone
    answer = llm.answer([*history, follow_up])
    assert not answer.refused and "7.2亿元" in answer.text  # the model's own words, or the report's standing in
    if answer.notice != FALLBACK_NOTICE:
        _grounded(answer)


def test_a_made_up_answer_to_a_question_the_report_does_not_answer_is_not_shown(llm: Assistant) -> None:
    # The report names no leader; this model names a national leader anyway, citing a passage. ("松原市委
    # 书记是谁？" no longer reaches the model: the judge refuses a person question with no name in the passages.)
    shown, answer = _stream(llm, [Message("user", "松原市委由谁领导？")])
    assert answer.grounding is not None and [d.rule for d in answer.grounding.dropped] == ["name"]
    made_up = [n for n in names(answer.grounding.dropped[0].sentence) if "松原" not in n]
    assert made_up and not any(n in "".join(shown) + answer.text for n in made_up)
    assert answer.refused or answer.notice == FALLBACK_NOTICE  # refused, or the report's own sentences


def test_a_figure_the_cited_passage_does_not_hold_is_never_shown(llm: Assistant) -> None:
    # The report: "确保全年开复工新能源项目80个以上"; this model answers "120个" and cites another passage.
    shown, answer = _stream(llm, [Message("user", "明年要开工多少个新能源项目？")])
    assert answer.grounding is not None
    dropped = [d for d in answer.grounding.dropped if d.rule == "figure"]
    assert dropped and "120个" in dropped[0].sentence
    assert "120" not in "".join(shown) + answer.text
    assert "80个" in answer.text  # the extractive answer stands in

"""The grounding guard in the chain, with a scripted chat model: what a model answer may show, what
stands in when nothing of it is grounded, and where the decisions are counted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.chat_model import ScriptedChatModel
from settings_support import NO_EVIDENCE_REFUSAL, make_settings, with_changes

from assistant.chain import FALLBACK_NOTICE
from assistant.evaluate import Report, evaluate_item
from assistant.service import Assistant
from core.settings import Settings
from core.types import Answer, Delta, Message

INCOME = "脱贫人口人均纯收入达到多少？"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    state = tmp_path_factory.mktemp("grounded")
    settings = make_settings(state, retrieval=NO_EVIDENCE_REFUSAL, answer={"cache_size": 0})
    Assistant.from_settings(settings)  # builds the index once
    yield settings


def _assistant(settings: Settings, *replies: str, grounding: bool = True) -> Assistant:
    settings = with_changes(settings, answer={"openai": {"grounding": grounding}})
    base = Assistant.from_settings(settings, build=False)
    model = ScriptedChatModel(replies=list(replies))
    return Assistant(settings, base.embedder, chat_model=model, record_unanswered=False)


def _cited(settings: Settings, question: str, needle: str) -> int:
    """The number [n] of the passage the model is given for ``question`` that holds ``needle``."""
    passages = Assistant.from_settings(settings, build=False).retrieve([Message("user", question)])
    return next(n for n, p in enumerate(passages, 1) if needle in p.text)


def _stream(assistant: Assistant, question: str) -> tuple[str, Answer]:
    events = list(assistant.stream([Message("user", question)]))
    final = events[-1]
    assert isinstance(final, Answer)
    return "".join(e.text for e in events if isinstance(e, Delta)), final


def test_a_figure_from_the_wrong_sentence_is_never_shown(settings: Settings) -> None:
    n = _cited(settings, INCOME, "16442元")
    shown, answer = _stream(_assistant(settings, f"常住人口约为16442人[{n}]。"), INCOME)
    assert "16442人" not in shown and "16442人" not in answer.text
    assert answer.notice == FALLBACK_NOTICE and not answer.refused and answer.citations  # the report's words
    assert answer.grounding is not None and answer.grounding.fallback
    assert [(d.rule, d.sentence) for d in answer.grounding.dropped] == [("figure", f"常住人口约为16442人[{n}]。")]


def test_the_grounded_sentences_of_an_answer_stay(settings: Settings) -> None:
    n = _cited(settings, INCOME, "16442元")
    good, bad = f"脱贫人口人均纯收入达到16442元[{n}]。", "常住人口约为16442人[1]。"
    shown, answer = _stream(_assistant(settings, good + bad), INCOME)
    assert shown == answer.text == good and answer.notice == ""
    assert [c.n for c in answer.citations] == [n]
    assert answer.grounding is not None and answer.grounding.counts()["dropped"] == {"figure": 1}


@pytest.mark.parametrize(
    ("reply", "rule"),
    [
        ("脱贫人口人均纯收入达到16442元。", "citation"),
        ("脱贫人口收入由习近平亲自部署[{n}]。", "name"),
        ("16442[{n}]", "empty"),
    ],
)
def test_each_rule_keeps_an_ungrounded_answer_off_the_page(settings: Settings, reply: str, rule: str) -> None:
    n = _cited(settings, INCOME, "16442元")
    shown, answer = _stream(_assistant(settings, reply.format(n=n)), INCOME)
    assert reply.format(n=n) not in shown and answer.notice == FALLBACK_NOTICE
    assert answer.grounding is not None and [d.rule for d in answer.grounding.dropped] == [rule]


def test_with_the_guard_off_the_model_text_is_shown_as_it_is(settings: Settings) -> None:
    shown, answer = _stream(_assistant(settings, "常住人口约为16442人[1]。", grounding=False), INCOME)
    assert shown == answer.text == "常住人口约为16442人[1]。" and answer.grounding is None


def test_the_evaluation_counts_the_guards_decisions(settings: Settings) -> None:
    n = _cited(settings, INCOME, "16442元")
    assistant = _assistant(settings, f"脱贫人口人均纯收入达到16442元[{n}]。常住人口16442人[{n}]。", "另有说明。")
    items = [
        evaluate_item({"id": "a", "question": INCOME, "must": ["16442元"]}, assistant),
        evaluate_item({"id": "b", "question": INCOME, "must": ["16442元"]}, assistant),
    ]
    assert Report(items).grounding() == {
        "answers": 2,
        "kept": 1,
        "dropped": {"figure": 1, "citation": 1},
        "answers_with_drops": 2,
        "fallback": 1,
    }

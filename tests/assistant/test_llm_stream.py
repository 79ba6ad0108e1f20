"""Holding a model's stream back a sentence at a time, so that only checked sentences are shown."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import pytest
from test_grounding import PASSAGES

from assistant.grounding import GroundingGuard
from assistant.judge import REFUSAL
from assistant.llm_stream import SentenceHold, guarded
from core.types import Answer, Delta, Grounding

GOOD = "脱贫人口人均纯收入达到16442元[1]。"
BAD = "常住人口约为16442人[1]。"


def _pieces(text: str, size: int = 3) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _run(pieces: Iterable[str], guard: bool = True) -> tuple[list[str], Answer | None, Grounding | None]:
    flow: Generator[Delta, None, Any] = guarded(pieces, PASSAGES, GroundingGuard(PASSAGES) if guard else None)
    shown = []
    try:
        while True:
            shown.append(next(flow).text)
    except StopIteration as stop:
        answer, grounding = stop.value
    return shown, answer, grounding


@pytest.mark.parametrize("size", [1, 2, 5, 100])
def test_sentences_come_out_whole_with_the_markers_after_their_end(size: int) -> None:
    hold = SentenceHold()
    text = "增长5.8%。[1] 投资增长3.9%[2]！\n- 第三行[3]\n最后一句"
    out = [s for piece in _pieces(text, size) for s in hold.feed(piece)] + hold.flush()
    assert out == ["增长5.8%。[1]", " 投资增长3.9%[2]！", "\n- 第三行[3]", "\n最后一句"]


def test_a_sentence_is_held_while_its_marker_may_still_come() -> None:
    hold = SentenceHold()
    assert hold.feed("增长5.8%。") == [] and hold.feed("[") == [] and hold.feed("1]") == []
    assert hold.feed("下一句") == ["增长5.8%。[1]"]


def test_only_checked_sentences_are_shown_and_they_add_up_to_the_answer() -> None:
    shown, answer, grounding = _run(_pieces(f"{GOOD}{BAD}新增城镇就业17400人[2]。"))
    assert shown == [GOOD, "新增城镇就业17400人[2]。"]
    assert answer is not None and answer.text == "".join(shown) and [c.n for c in answer.citations] == [1, 2]
    assert grounding is not None and (grounding.kept, [d.rule for d in grounding.dropped]) == (2, ["figure"])
    assert answer.grounding == grounding and grounding.dropped[0].sentence == BAD


def test_nothing_grounded_leaves_the_answer_to_the_caller() -> None:
    shown, answer, grounding = _run(_pieces(BAD + "另有说明。"))
    assert shown == [] and answer is None
    assert grounding is not None and grounding.fallback and grounding.counts() == {
        "kept": 0,
        "dropped": {"figure": 1, "citation": 1},
        "fallback": True,
    }


def test_the_models_refusal_is_a_refusal_and_is_streamed() -> None:
    shown, answer, _ = _run(_pieces(REFUSAL))
    assert shown == [REFUSAL] and answer is not None and answer.refused and answer.text == REFUSAL


def test_line_breaks_between_kept_lines_are_kept_and_invalid_markers_curated() -> None:
    shown, answer, _ = _run(_pieces(f"要点如下：\n1. {GOOD}\n2. 新增城镇就业1.74万人[2][9]。"))
    assert shown == [f"1. {GOOD}", "\n2. 新增城镇就业1.74万人[2]。"]
    assert answer is not None and answer.text == "".join(shown)


def test_without_the_guard_pieces_pass_as_they_come() -> None:
    pieces = _pieces(BAD)
    shown, answer, grounding = _run(pieces, guard=False)
    assert shown == pieces and answer is not None and answer.text == BAD and grounding is None

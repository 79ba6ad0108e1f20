"""The short answer: the clause of the best sentence that holds what was asked."""

from __future__ import annotations

from assistant.short_answer import answer_clause

LAKE = "1—11月,查干湖景区累计接待游客460万人次,旅游综合收入突破40亿元,均创历史新高。"


def test_the_clause_with_the_asked_words_and_a_figure_answers() -> None:
    assert answer_clause("查干湖景区接待了多少游客？", LAKE, wants_figure=True) == "查干湖景区累计接待游客460万人次"


def test_a_follow_up_is_answered_by_its_own_words_not_the_carried_ones() -> None:
    standalone = "旅游收入呢？ 查干 景区 湖景区 接待 游客 今年"  # the earlier question's words carried over
    clause = answer_clause(standalone, LAKE, wants_figure=True, focus="旅游收入呢？")
    assert clause == "旅游综合收入突破40亿元"


def test_no_clear_clause_gives_the_whole_sentence() -> None:
    assert answer_clause("那里的冬天冷不冷？", LAKE, wants_figure=False) == LAKE.rstrip("。")

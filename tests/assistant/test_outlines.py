"""The parsed library per index generation, and the chain's use of it (hash embedder: logic only)."""

from __future__ import annotations

from typing import Any

from asking import ask


def test_the_parsed_library_is_built_once_per_generation(hash_assistant: Any) -> None:
    outlines = hash_assistant.outlines
    parsed = outlines.current()
    assert outlines.current() is parsed
    assert parsed.generation == hash_assistant.retriever.view.generation
    assert [d.doc_id for d in parsed.documents] == ["songyuan-2023-plenary-report"]
    assert parsed.search.units and "songyuan-2023-plenary-report" in parsed.search.outlines


def test_what_the_library_says(hash_assistant: Any) -> None:
    parsed = hash_assistant.outlines.current()
    assert parsed.uses("社区食堂") and not parsed.uses("地铁") and not parsed.uses("")
    assert parsed.is_rare("社区食堂") and not parsed.is_rare("查干湖") and not parsed.is_rare("地铁")
    assert "乾" in parsed.characters  # the report's own characters survive Traditional conversion


def test_a_list_question_is_answered_from_the_outline(hash_assistant: Any) -> None:
    answer = ask(hash_assistant, "2024年建设幸福宜居城市包括哪几方面？")
    assert answer.form == "list" and answer.section is not None
    assert [line.text for line in answer.lines[1:]] == [
        "要抓建管、提品质",
        "优服务、解难题",
        "保稳定、促和谐",
        "重民主、强法治",
    ]


def test_a_traditional_list_question_is_answered_like_its_twin(hash_assistant: Any) -> None:
    twin = ask(hash_assistant, "2024年建设幸福宜居城市包括哪几方面？")
    assert ask(hash_assistant, "2024年建設幸福宜居城市包括哪幾方面？").lines == twin.lines


def test_a_fact_question_does_not_use_the_outline(hash_assistant: Any) -> None:
    answer = ask(hash_assistant, "2023年建成了多少个社区食堂？")
    assert answer.form == "fact" and not answer.lines and answer.section is None

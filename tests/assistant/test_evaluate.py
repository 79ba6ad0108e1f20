"""Evaluation: exact metric arithmetic on a scripted assistant, sane figures on the real one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluate import ItemResult, Report, evaluate, format_table, load_questions, to_json
from core.errors import AssistantError
from core.types import Answer, Message, Passage

METRICS = {
    "questions", "hit@1", "hit@3", "hit@5", "mrr", "answer_accuracy", "refusal_accuracy",
    "latency_p50_ms", "latency_p95_ms",
}  # fmt: skip


def _p(text: str) -> Passage:
    return Passage("id", text, "doc", "标题", "节", "2023", 1, 0, len(text))


FILLER = [_p(f"无关段落{i}") for i in range(8)]


class ScriptedAssistant:
    """Answers and passages looked up by the last user question; records what it was asked."""

    def __init__(self, script: dict[str, tuple[Answer, list[Passage]]]) -> None:
        self.script = script
        self.answered: list[list[Message]] = []
        self.retrieved: list[list[Message]] = []

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
        self.answered.append(list(messages))
        return self.script[messages[-1].content][0]

    def retrieve(self, messages: list[Message], doc: str | None = None) -> list[Passage]:
        self.retrieved.append(list(messages))
        return self.script[messages[-1].content][1]


def _at(rank: int, evidence: str) -> list[Passage]:
    """Eight passages with the evidence (spaced out, to test whitespace folding) at ``rank``."""
    passages = list(FILLER)
    passages[rank - 1] = _p("前文 " + " ".join(evidence) + " 后文")
    return passages


ITEMS: list[dict[str, Any]] = [
    {"id": "a", "kind": "fact", "question": "qa", "evidence": "增长5.8%", "must": ["5.8%"]},
    {"id": "b", "kind": "fact", "question": "qb", "evidence": "297个", "must": ["297个"]},
    {"id": "c", "kind": "fact", "question": "qc", "evidence": "160亿斤", "must": ["160亿斤"]},
    {"id": "d", "kind": "refuse", "question": "qd", "refuse": True},
    {"id": "e", "kind": "refuse", "question": "qe", "refuse": True},
    {"id": "f", "kind": "multiturn", "turns": ["qf1", "qf2"], "evidence": "飞行营地", "must": ["飞行营地"]},
    {"id": "g", "kind": "list", "question": "qg", "must": ["风", "光"], "must_not": ["2023"]},
]
SCRIPT = {
    "qa": (Answer("增长 5.8%[1]"), _at(1, "增长5.8%")),  # hit at 1, answer ok
    "qb": (Answer("不知道"), _at(3, "297个")),  # hit at 3, answer wrong
    "qc": (Answer("160亿斤[1]"), _at(6, "160亿斤")),  # retrieval miss (beyond the top 5), answer ok
    "qd": (Answer("拒答", refused=True), []),  # refused rightly
    "qe": (Answer("乱答[1]"), FILLER),  # should have refused
    "qf1": (Answer("通航业务量全省第一[1]"), FILLER),
    "qf2": (Answer("长岭航空飞行营地顺利开航[1]"), _at(2, "飞行营地")),  # hit at 2, answer ok
    "qg": (Answer("风、光、储、氢，2023年已开工[1]"), FILLER),  # has must, but also must_not
}


@pytest.fixture()
def devset(tmp_path: Path) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in ITEMS) + "\n\n", encoding="utf-8")
    return path


def test_metrics_arithmetic_is_exact(devset: Path) -> None:
    report = evaluate(devset, ScriptedAssistant(SCRIPT))
    ranks = {i.id: i.rank for i in report.items}
    assert ranks == {"a": 1, "b": 3, "c": None, "d": -1, "e": -1, "f": 2, "g": -1}
    metrics = report.metrics()
    assert set(metrics) == METRICS
    assert metrics["questions"] == 7
    assert metrics["hit@1"] == 0.25  # a of a, b, c, f
    assert metrics["hit@3"] == 0.75  # a, b, f
    assert metrics["hit@5"] == 0.75
    assert metrics["mrr"] == round((1 + 1 / 3 + 0 + 1 / 2) / 4, 3)
    assert metrics["answer_accuracy"] == 0.6  # a, c, f of a, b, c, f, g
    assert metrics["refusal_accuracy"] == round(6 / 7, 3)  # only e is wrong


def test_metrics_per_kind(devset: Path) -> None:
    by_kind = evaluate(devset, ScriptedAssistant(SCRIPT)).by_kind()
    assert list(by_kind) == ["fact", "refuse", "multiturn", "list"]  # in the order the set first names them
    assert by_kind["fact"] == {"questions": 3, "judged": 3, "answer_accuracy": round(2 / 3, 3), "refusal_accuracy": 1.0}
    assert by_kind["refuse"] == {"questions": 2, "judged": 0, "answer_accuracy": None, "refusal_accuracy": 0.5}
    assert by_kind["multiturn"]["answer_accuracy"] == 1.0 and by_kind["list"]["answer_accuracy"] == 0.0


def test_item_verdicts(devset: Path) -> None:
    items = {i.id: i for i in evaluate(devset, ScriptedAssistant(SCRIPT)).items}
    assert {k: v.answer_ok for k, v in items.items()} == {
        "a": True, "b": False, "c": True, "d": None, "e": None, "f": True, "g": False,
    }  # fmt: skip
    assert {k: v.refusal_ok for k, v in items.items()} == {
        "a": True, "b": True, "c": True, "d": True, "e": False, "f": True, "g": True,
    }  # fmt: skip
    assert items["f"].answer == "长岭航空飞行营地顺利开航[1]"
    assert all(v.seconds >= 0 for v in items.values())


def test_a_multiturn_item_is_one_conversation(devset: Path) -> None:
    scripted = ScriptedAssistant(SCRIPT)
    evaluate(devset, scripted)
    turns = [m for m in scripted.answered if m[-1].content.startswith("qf")]
    assert [[(x.role, x.content) for x in m] for m in turns] == [
        [("user", "qf1")],
        [("user", "qf1"), ("assistant", "通航业务量全省第一[1]"), ("user", "qf2")],
    ]
    [asked] = [m for m in scripted.retrieved if m[-1].content == "qf2"]
    assert asked == turns[1]  # retrieval sees the conversation up to the last question


def test_items_without_evidence_are_not_retrieved(devset: Path) -> None:
    scripted = ScriptedAssistant(SCRIPT)
    evaluate(devset, scripted)
    assert sorted(m[-1].content for m in scripted.retrieved) == ["qa", "qb", "qc", "qf2"]


def test_latency_percentiles_come_from_the_items() -> None:
    items = [ItemResult(str(i), "fact", -1, None, True, s, "") for i, s in enumerate([0.3, 0.1, 0.2, 0.4, 5.0])]
    metrics = Report(items).metrics()
    assert metrics["latency_p50_ms"] == 300
    assert metrics["latency_p95_ms"] == 5000


def test_the_median_of_an_even_count_is_the_nearest_rank() -> None:
    for seconds, expected in [([0.1, 0.2], 100), ([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 300)]:
        items = [ItemResult(str(i), "fact", -1, None, True, s, "") for i, s in enumerate(seconds)]
        assert Report(items).metrics()["latency_p50_ms"] == expected


def test_an_empty_report_has_zero_metrics() -> None:
    metrics = Report([]).metrics()
    assert metrics["questions"] == 0 and metrics["hit@1"] == 0.0 and metrics["latency_p95_ms"] == 0


def test_table_and_json(devset: Path) -> None:
    report = evaluate(devset, ScriptedAssistant(SCRIPT))
    table = format_table(report)
    assert "hit@3" in table and "misses:" in table
    kinds = table.split("per kind")[1].split("misses:")[0].splitlines()[2:]
    assert [row.split() for row in kinds] == [
        ["fact", "3", "0.667", "3", "1.000"],
        ["refuse", "2", "-", "0", "0.500"],
        ["multiturn", "1", "1.000", "1", "1.000"],
        ["list", "1", "0.000", "1", "1.000"],
    ]
    missed = {line.split()[0] for line in table.split("misses:")[1].splitlines() if line.strip()}
    assert missed == {"b", "c", "e", "g"}
    data = json.loads(to_json(report))
    assert data["metrics"] == report.metrics()
    assert data["by_kind"] == report.by_kind()
    assert [i["id"] for i in data["items"]] == [i["id"] for i in ITEMS]


def test_load_questions_reports_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "question": "q"}\n\n{not json}\n', encoding="utf-8")
    with pytest.raises(AssistantError, match=r"bad\.jsonl:3 is not valid JSON"):
        load_questions(path)


def test_load_questions_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="cannot read question set"):
        load_questions(tmp_path / "none.jsonl")


@pytest.mark.slow
def test_the_real_assistant_on_the_devset(devset_run) -> None:  # type: ignore[no-untyped-def]
    report, recorder = devset_run
    metrics = report.metrics()
    assert set(metrics) == METRICS
    assert metrics["questions"] == 36
    assert 0.8 <= metrics["hit@1"] <= metrics["hit@3"] <= metrics["hit@5"] <= 1.0
    assert metrics["hit@3"] >= 0.95
    assert metrics["hit@1"] <= metrics["mrr"] <= 1.0
    assert metrics["answer_accuracy"] >= 0.8
    assert metrics["refusal_accuracy"] >= 0.85
    assert 0 < metrics["latency_p50_ms"] <= metrics["latency_p95_ms"] < 60_000
    assert len(recorder.answers) == 38  # two multi-turn items answer two turns each

"""Run a question set (the devset.jsonl format) through the assistant and measure it."""

from __future__ import annotations

import json
import math
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from core.errors import AssistantError
from core.types import Answer, Message, Passage


class Answering(Protocol):
    """What evaluation needs of ``assistant.service.Assistant``."""

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer: ...
    def retrieve(self, messages: list[Message], doc: str | None = None) -> list[Passage]: ...


NO_EVIDENCE = -1


@dataclass
class ItemResult:
    id: str
    kind: str
    rank: int | None  # 1-based rank of the first passage holding the evidence; None if not in top 5
    answer_ok: bool | None
    refusal_ok: bool
    seconds: float
    answer: str
    grounding: dict[str, Any] | None = None  # the guard's counts for a model's answer (Grounding.counts)


@dataclass
class Report:
    items: list[ItemResult] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int]:
        with_evidence = [i for i in self.items if i.rank != NO_EVIDENCE]
        judged = [i for i in self.items if i.answer_ok is not None]
        latencies = sorted(i.seconds for i in self.items)

        def hit(k: int) -> float:
            return _share(i.rank is not None and 0 < i.rank <= k for i in with_evidence)

        return {
            "questions": len(self.items),
            "hit@1": hit(1),
            "hit@3": hit(3),
            "hit@5": hit(5),
            "mrr": round(statistics.fmean([1 / i.rank if i.rank else 0.0 for i in with_evidence] or [0.0]), 3),
            "answer_accuracy": _share(i.answer_ok for i in judged),
            "refusal_accuracy": _share(i.refusal_ok for i in self.items),
            "latency_p50_ms": round(_percentile(latencies, 50) * 1000),
            "latency_p95_ms": round(_percentile(latencies, 95) * 1000),
        }

    def by_kind(self) -> dict[str, dict[str, float | int | None]]:
        """Per kind, in first-seen order: answer accuracy over its items with ``must`` (None when it
        has none), refusal accuracy over all its items, and how many of each there are."""
        kinds: dict[str, list[ItemResult]] = {}
        for item in self.items:
            kinds.setdefault(item.kind or "-", []).append(item)
        return {kind: _kind_metrics(items) for kind, items in kinds.items()}

    def grounding(self) -> dict[str, Any] | None:
        """What the grounding guard did over the whole set: model answers, sentences kept, sentences
        dropped by rule, and answers where nothing was left (the extractive answer stood in)."""
        counted = [i.grounding for i in self.items if i.grounding is not None]
        if not counted:
            return None
        dropped: dict[str, int] = {}
        for counts in counted:
            for rule, n in counts["dropped"].items():
                dropped[rule] = dropped.get(rule, 0) + n
        return {
            "answers": len(counted),
            "kept": sum(c["kept"] for c in counted),
            "dropped": dropped,
            "answers_with_drops": sum(bool(c["dropped"]) for c in counted),
            "fallback": sum(c["fallback"] for c in counted),
        }


def _kind_metrics(items: list[ItemResult]) -> dict[str, float | int | None]:
    judged = [i for i in items if i.answer_ok is not None]
    return {
        "questions": len(items),
        "judged": len(judged),
        "answer_accuracy": _share(i.answer_ok for i in judged) if judged else None,
        "refusal_accuracy": _share(i.refusal_ok for i in items),
    }


def _share(flags: Any) -> float:
    values = list(flags)
    return round(sum(bool(v) for v in values) / len(values), 3) if values else 0.0


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    # nearest-rank percentile of sorted values
    return values[max(0, math.ceil(pct / 100 * len(values)) - 1)]


def _squash(text: str) -> str:
    return "".join(text.split())


def load_questions(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AssistantError(f"cannot read question set {path}: {exc.strerror}") from exc
    items = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise AssistantError(f"{path}:{number} is not valid JSON: {exc.msg}") from exc
    return items


def _conversation(item: dict[str, Any], assistant: Answering, doc: str | None) -> tuple[Answer, list[Message]]:
    """Answer each turn in order (the assistant sees its own earlier answers); return the last."""
    turns = item.get("turns") or [item["question"]]
    messages: list[Message] = []
    answer = Answer(text="")
    for turn in turns:
        messages.append(Message("user", turn))
        answer = assistant.answer(messages, doc)
        messages.append(Message("assistant", answer.text))
    return answer, messages[:-1]


def evaluate_item(item: dict[str, Any], assistant: Answering, doc: str | None = None) -> ItemResult:
    """``doc``: ask every question of that report only."""
    started = time.perf_counter()
    answer, asked = _conversation(item, assistant, doc)
    seconds = time.perf_counter() - started
    rank: int | None = NO_EVIDENCE
    if item.get("evidence"):
        evidence = _squash(item["evidence"])
        # "doc": the evidence must come from that report (in a library, another may say the same)
        retrieved = assistant.retrieve(asked, doc)[:5]
        rank = next(
            (
                n
                for n, p in enumerate(retrieved, 1)
                if evidence in _squash(p.text) and item.get("doc") in (None, p.doc)
            ),
            None,
        )
    text = _squash(answer.text)
    answer_ok = None
    if item.get("must"):
        answer_ok = all(_squash(m) in text for m in item["must"]) and not any(
            _squash(m) in text for m in item.get("must_not", [])
        )
        if item.get("doc") and answer_ok and not answer.refused:
            answer_ok = all(c.doc == item["doc"] for c in answer.citations)  # cited from the right report
    refusal_ok = answer.refused == bool(item.get("refuse"))
    grounding = answer.grounding.counts() if answer.grounding else None
    return ItemResult(item["id"], item.get("kind", ""), rank, answer_ok, refusal_ok, seconds, answer.text, grounding)


def evaluate(path: Path, assistant: Answering, doc: str | None = None) -> Report:
    return Report([evaluate_item(item, assistant, doc) for item in load_questions(path)])


def _kind_table(report: Report) -> list[str]:
    rows = [f"{'kind':<12}{'questions':>10}{'answer':>9}{'(of)':>6}{'refusal':>9}"]
    for kind, m in report.by_kind().items():
        answer = "-" if m["answer_accuracy"] is None else f"{m['answer_accuracy']:.3f}"
        rows.append(f"{kind:<12}{m['questions']:>10}{answer:>9}{m['judged']:>6}{m['refusal_accuracy']:>9.3f}")
    return rows


def format_table(report: Report) -> str:
    metrics = report.metrics()
    rows = [f"{name:<18}{value}" for name, value in metrics.items()]
    rows += ["", "per kind (answer: all must present, over items with must; refusal: over all)", *_kind_table(report)]
    if (grounding := report.grounding()) is not None:
        rows += ["", f"grounding guard    {json.dumps(grounding, ensure_ascii=False)}"]
    misses = [
        f"  {i.id:<8} {i.kind:<10} rank={i.rank} answer_ok={i.answer_ok} refusal_ok={i.refusal_ok}: {i.answer[:60]}"
        for i in report.items
        if (i.rank is None) or i.answer_ok is False or not i.refusal_ok
    ]
    return "\n".join(["metric            value", *rows, *(["misses:", *misses] if misses else [])])


def to_json(report: Report) -> str:
    return json.dumps(
        {
            "metrics": report.metrics(),
            "by_kind": report.by_kind(),
            "grounding": report.grounding(),
            "items": [asdict(i) for i in report.items],
        },
        ensure_ascii=False,
        indent=2,
    )

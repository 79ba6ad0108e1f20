"""The LLM mode with a real model: time to the first shown token, time per answer, and on the dev set
answer accuracy, refusal accuracy and the grounding guard's counts, with the guard on and off.

Starts llama-cpp-python's OpenAI-compatible server on the model scripts/fetch-llm puts in models/
(Qwen2.5-Coder-0.5B-Instruct Q4_K_M, 2 threads, greedy decoding) unless ``--base-url`` names a server.
Each question is put to the model once, with the guard on; the model's reply is recorded (its pieces,
with their times) and replayed for the guard-off pass, so both rows judge the same model text. The
guard-off timings are therefore those of the same run: its first shown token is the model's first
piece, its answer ends with the model's last piece.

The dev set (tests/data/devset.jsonl, the same as the public sample) is sampled to bound the time: every
question the assistant must refuse, and every n-th of the others (``--sample``). Each model answer takes
15–30 s on 2 shared cores.

    .venv/bin/python bench/bench_llm.py [--sample 18] [--max-tokens 96] [--base-url URL]

Prints one table and writes bench/results/llm.json (each question with the model's text, what each
row showed, and what the guard dropped and why).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from common import DATA, ROOT, latency_summary, table, write_result

sys.path.insert(0, str(ROOT / "tests"))

from assistant.evaluate import ItemResult, Report, evaluate_item
from assistant.llm import make_chat_model
from assistant.service import Assistant
from core.settings import Settings, load_settings
from core.types import Answer, Delta, Message, Passage


class Recorder:
    """The real chat model, each reply kept with its pieces' times so the second pass replays it."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.replies: dict[str, list[tuple[float, str]]] = {}
        self.invoked: dict[str, Any] = {}
        self.last: dict[str, float] = {}  # the latest call: when it started, its first and last piece

    def stream(self, messages: Any) -> Any:
        key = repr(messages)
        if key in self.replies:
            for _, piece in self.replies[key]:
                yield SimpleNamespace(content=piece)
            return
        started = time.perf_counter()
        self.last = {"started": started}
        pieces = []
        for chunk in self.model.stream(messages):
            if chunk.content:
                pieces.append((time.perf_counter() - started, str(chunk.content)))
                self.last.setdefault("first", time.perf_counter())
            yield chunk
        self.last["end"] = time.perf_counter()
        self.replies[key] = pieces

    def invoke(self, messages: Any) -> Any:
        key = repr(messages)
        if key not in self.invoked:
            self.invoked[key] = self.model.invoke(messages)
        return self.invoked[key]


class Timed:
    """What evaluation asks of the assistant, with the times of each answer's stream."""

    def __init__(self, assistant: Assistant, recorder: Recorder) -> None:
        self.assistant = assistant
        self.recorder = recorder
        self.times: list[dict[str, float]] = []

    def answer(self, messages: list[Message], doc: str | None = None) -> Answer:
        started, first, final = time.perf_counter(), None, None
        self.recorder.last = {}
        for event in self.assistant.stream(messages, doc):
            if isinstance(event, Delta) and first is None and event.text:
                first = time.perf_counter()
            if isinstance(event, Answer):
                final = event
        end = time.perf_counter()
        model = self.recorder.last
        self.times.append(
            {
                "first_shown": ((first or end) - started) * 1000,
                "answer": (end - started) * 1000,
                # without the guard the model's first piece is shown at once, and the answer ends with its last
                "first_piece": ((model.get("first") or first or end) - started) * 1000,
                "model_end": ((model.get("end") or end) - started) * 1000,
                "model_called": float(bool(model)),
            }
        )
        assert final is not None
        return final

    def retrieve(self, messages: list[Message], doc: str | None = None) -> list[Passage]:
        return self.assistant.retrieve(messages, doc)


def sample(items: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    refuse = [i for i in items if i.get("refuse")]
    rest = [i for i in items if not i.get("refuse")]
    step = max(1, math.ceil(len(rest) / max(1, size - len(refuse))))
    return rest[::step] + refuse


def llm_settings(base: Settings, base_url: str, max_tokens: int, grounding: bool) -> Settings:
    openai = {"base_url": base_url, "model": "qwen2.5-coder-0.5b-instruct", "temperature": 0.0}
    openai |= {"max_tokens": max_tokens, "timeout": 600, "grounding": grounding}
    changes = {"answer": {"provider": "openai", "cache_size": 0, "openai": openai}}
    return Settings.model_validate(_merge(base.model_dump(), changes))


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def run(items: list[dict[str, Any]], base_url: str, max_tokens: int) -> dict[str, Any]:
    base = load_settings()
    on_settings = llm_settings(base, base_url, max_tokens, grounding=True)
    recorder = Recorder(make_chat_model(on_settings.answer.openai))
    on = Assistant.from_settings(on_settings, build=False, record_unanswered=False)
    on = Assistant(on_settings, on.embedder, chat_model=recorder, record_unanswered=False)
    off_settings = llm_settings(base, base_url, max_tokens, grounding=False)
    off = Assistant(off_settings, on.embedder, chat_model=recorder, record_unanswered=False)
    timed_on, timed_off = Timed(on, recorder), Timed(off, recorder)
    results_on, results_off, details = [], [], []
    for n, item in enumerate(items, 1):
        results_on.append(evaluate_item(item, timed_on))
        results_off.append(evaluate_item(item, timed_off))  # the same model text, replayed
        details.append(_detail(item, results_on[-1], results_off[-1], timed_on.times[-1]))
        print(f"[{n}/{len(items)}] {item['id']} {results_on[-1].seconds:.1f}s", file=sys.stderr)
    return {"on": Report(results_on), "off": Report(results_off), "times": timed_on.times, "details": details}


def _detail(item: dict[str, Any], on: ItemResult, off: ItemResult, times: dict[str, float]) -> dict[str, Any]:
    """One question as both rows saw it, for reading what the guard rejected."""
    return {
        "id": item["id"],
        "question": item.get("turns") or item["question"],
        "must": item.get("must"),
        "refuse": bool(item.get("refuse")),
        "on": {"answer": on.answer, "answer_ok": on.answer_ok, "refusal_ok": on.refusal_ok, "grounding": on.grounding},
        "off": {"answer": off.answer, "answer_ok": off.answer_ok, "refusal_ok": off.refusal_ok},
        "times_ms": {k: round(v) for k, v in times.items()},
    }


def summary(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    called = [t for t in outcome["times"] if t["model_called"]]
    rows = []
    for name, first, total in (("on", "first_shown", "answer"), ("off", "first_piece", "model_end")):
        metrics = outcome[name].metrics()
        first_ms = latency_summary([t[first] for t in called])
        total_ms = latency_summary([t[total] for t in called])
        rows.append(
            {
                "guard": name,
                "questions": metrics["questions"],
                "answer acc.": metrics["answer_accuracy"],
                "refusal acc.": metrics["refusal_accuracy"],
                "first shown p50/p95 s": f"{first_ms['p50_ms'] / 1000:.1f} / {first_ms['p95_ms'] / 1000:.1f}",
                "answer p50/p95 s": f"{total_ms['p50_ms'] / 1000:.1f} / {total_ms['p95_ms'] / 1000:.1f}",
                "model answers": len(called),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=DATA / "devset.jsonl")
    parser.add_argument("--sample", type=int, default=18, help="questions asked (every refusal item included)")
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--base-url", default="", help="an OpenAI-compatible server; default: start llama.cpp's")
    args = parser.parse_args()
    items = sample([json.loads(line) for line in args.set.read_text().splitlines() if line.strip()], args.sample)
    server = None
    if not args.base_url:
        from llm_support import LlamaServer, missing

        if reason := missing():
            raise SystemExit(reason)
        server = LlamaServer(ROOT / "bench" / "results" / "llama-server.log")
        server.log.parent.mkdir(parents=True, exist_ok=True)
        server.start()
    try:
        started = time.perf_counter()
        outcome = run(items, server.base_url if server else args.base_url, args.max_tokens)
    finally:
        if server is not None:
            server.stop()
    rows = summary(outcome)
    columns = list(rows[0])
    print(table(rows, columns))
    grounding = outcome["on"].grounding()
    print(f"\ngrounding guard: {json.dumps(grounding, ensure_ascii=False)}")
    write_result(
        "llm",
        {
            "set": str(args.set.relative_to(ROOT)) if args.set.is_relative_to(ROOT) else str(args.set),
            "sample": [i["id"] for i in items],
            "max_tokens": args.max_tokens,
            "seconds": round(time.perf_counter() - started, 1),
            "rows": rows,
            "grounding": grounding,
            "items": outcome["details"],
        },
    )


if __name__ == "__main__":
    main()

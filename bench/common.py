"""Shared by the benchmarks: question sets, percentiles, tables, JSON results, a server in a subprocess."""

from __future__ import annotations

import json
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_BIN = ROOT / ".venv" / "bin"
DATA = ROOT / "tests" / "data"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# -- questions -------------------------------------------------------------------------------


def conversations(*names: str) -> list[list[str]]:
    """Each item of the question sets as its user turns (a single question is a one-turn list)."""
    out = []
    for name in names or ("devset.jsonl",):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out.append(list(item.get("turns") or [item["question"]]))
    return out


def question_pool() -> list[str]:
    """Every distinct last question of the dev and team sets."""
    return list(dict.fromkeys(turns[-1] for turns in conversations("devset.jsonl", "team-questions.jsonl")))


def chat_body(turns: Sequence[str]) -> dict[str, Any]:
    """A chat request: earlier turns get a placeholder answer, as a client would send its history."""
    messages: list[dict[str, str]] = []
    for question in turns[:-1]:
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": "（上一轮回答）"}]
    messages.append({"role": "user", "content": turns[-1]})
    return {"messages": messages}


# -- figures ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
    }


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A plain text table: one header line, one line per row."""
    cells = [[_cell(row.get(c, "")) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_avg_at_start": os.getloadavg()[0],
    }


def write_result(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"bench": name, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": machine(), **payload}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwrote {path.relative_to(ROOT)}", file=sys.stderr)
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb(pid: int | None = None) -> float:
    """Resident memory now (VmRSS) of a process and its children, in MB."""
    pids = [pid or os.getpid()]
    if pid:
        pids += _children(pid)
    total = 0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        kids = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in _children(k)]


# -- a server in a subprocess -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(overlay: dict[str, Any] | None = None, state: Path | None = None) -> dict[str, str]:
    """The environment for an `assistant` subprocess: offline, plus a settings overlay for the bench."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "TOKENIZERS_PARALLELISM": "false"}
    if overlay is not None:
        state = state or RESULTS / "state"
        state.mkdir(parents=True, exist_ok=True)
        overlay = {"state_dir": str(state / "var"), **overlay}  # feedback and unanswered logs stay out of var/
        path = state / f"overlay-{os.getpid()}-{time.monotonic_ns()}.json"  # JSON is YAML
        path.write_text(json.dumps(overlay, default=str), encoding="utf-8")
        env["ASSISTANT_CONFIG"] = str(path)
    return env


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    started: float  # time.monotonic() at launch
    ready_after: float  # seconds from launch to /healthz 200
    log: Path


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server not ready within {timeout}s:\n{log.read_text()[-3000:]}")


@contextmanager
def serving(
    args: Sequence[str] = (), env: dict[str, str] | None = None, timeout: float = 600, code: Path | None = None
) -> Iterator[Served]:
    """`assistant serve` on a free loopback port until the block ends; ``code``: another checkout's code."""
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / f"serve-{port}.log"
    env = dict(env or bench_env())
    if code is not None:  # the same venv, that checkout's packages first
        env["PYTHONPATH"] = str(code)
        env.setdefault("ASSISTANT_EMBEDDING_MODEL", str(ROOT / "models" / "multilingual-e5-small"))
    command = [str(VENV_BIN / "python"), "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=code or ROOT,
            start_new_session=True,  # its own process group: workers stop with it
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, log, timeout)
        yield Served(url, process, started, time.monotonic() - started, log)
    finally:
        stop(process)


def baseline_code(commit: str) -> Path:
    """The code of ``commit`` (git archive) in bench/results/code-<commit>/, to measure it the same way."""
    sha = subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True, text=True, check=True)
    folder = RESULTS / f"code-{sha.stdout.strip()}"
    if not (folder / "assistant").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def stop(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

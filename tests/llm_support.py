"""A real OpenAI-compatible model server on loopback: llama-cpp-python's (`python -m llama_cpp.server`),
the kind deployers run, serving the small real model scripts/fetch-llm puts in models/.

scripts/test fetches the model and sets ASSISTANT_REQUIRE_LLM, so in CI a missing model or server
fails the run; run by hand without them, the tests that need the model are skipped with the fix.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from chroma_support import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent
MODEL_ENV = "ASSISTANT_TEST_LLM_MODEL"
REQUIRE_ENV = "ASSISTANT_REQUIRE_LLM"
DEFAULT_MODEL = ROOT / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
MODEL_NAME = "qwen2.5-coder-0.5b-instruct"


def missing() -> str:
    """Why the real model cannot be served here, or "" when it can."""
    model = Path(os.environ.get(MODEL_ENV) or DEFAULT_MODEL)
    if not model.is_file():
        return f"no model at {model}: run scripts/fetch-llm"
    # Found, not imported: llama_cpp opens os.devnull at import and never closes it (a ResourceWarning).
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed: pip install -e '.[llm]'"
    return ""


class LlamaServer:
    """One `python -m llama_cpp.server` process, two threads that sleep when idle (the machine is shared)."""

    def __init__(self, log: Path) -> None:
        self.model = Path(os.environ.get(MODEL_ENV) or DEFAULT_MODEL)
        self.port = free_port()
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 180) -> LlamaServer:
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model), "--model_alias", MODEL_NAME]
        cmd += ["--n_threads", "2", "--n_ctx", "4096", "--host", "127.0.0.1", "--port", str(self.port)]
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while not self._up():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"llama.cpp server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.5)
        return self

    def _up(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None

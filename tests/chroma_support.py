"""A real chroma server (`chroma run`, shipped with chromadb) on loopback, for store.mode: http.

scripts/test starts one for the whole run and names its port in ASSISTANT_TEST_CHROMA_PORT;
without it (pytest run by hand) the fixture starts its own. Tests that stop and restart a server
start their own with ``ChromaServer``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

PORT_ENV = "ASSISTANT_TEST_CHROMA_PORT"


def over_http(settings: Any, port: int, collection: str) -> Any:
    """The same settings with the store on a chroma server, in a collection of the test's own."""
    from settings_support import with_changes

    return with_changes(settings, store={"mode": "http", "port": port, "collection": collection})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chroma_cli() -> str:
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError("the chroma CLI ships with chromadb and should be in the venv")
    return found


def is_up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


class ChromaServer:
    """One `chroma run` process over a data folder; it can be stopped and started again on its port."""

    def __init__(self, data: Path, port: int | None = None) -> None:
        self.data = data
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> ChromaServer:
        cmd = [chroma_cli(), "run", "--path", str(self.data), "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not is_up(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"chroma server did not start on port {self.port}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None


def stop_process(proc: subprocess.Popen[bytes] | None) -> None:
    """Terminate a server the tests started, killing it if it does not stop within 15 s."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

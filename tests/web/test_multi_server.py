"""Past one process: `assistant serve` processes sharing one chroma server and one database,
with `assistant index` changing the library while they answer, and the store going away.

Real processes, real sockets, the commands a deployment runs; the hash embedder keeps it quick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from chroma_support import ChromaServer, free_port

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
CLI = Path(sys.executable).with_name("assistant")
COUNTY = """青禾县2024年工作报告（虚构文本，仅供测试）

2024年工作回顾

全县地区生产总值增长6.2%，新建高标准农田12万亩，青禾县粮食总产量达到31亿斤。
"""
SEED_QUESTION = "2023年前三季度松原市GDP增长了多少？"
COUNTY_QUESTION = "青禾县粮食总产量达到多少？"


def _profile(tmp_path: Path, store: str) -> dict[str, str]:
    overlay = tmp_path / "deploy.yaml"
    overlay.write_text(
        f"store:\n{store}  refresh_seconds: 0.5\n"
        "retrieval:\n  refusal_threshold: 0.0\n  agreement_threshold: 0.0\n"
        "server:\n  rate_limit_per_minute: 100000\n",
        encoding="utf-8",
    )
    config = os.pathsep.join(str(p) for p in [TESTS / "settings-test.yaml", TESTS / "settings-hash.yaml", overlay])
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_CORPUS"}
    return {**env, "ASSISTANT_CONFIG": config, "ASSISTANT_TEST_STATE": str(tmp_path / "state")}


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(CLI), *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(CLI), "serve", "--no-ui", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _chat(url: str, question: str, doc: str | None = None) -> httpx.Response:
    body: dict[str, object] = {"messages": [{"role": "user", "content": question}]}
    if doc:
        body["doc"] = doc
    return httpx.post(f"{url}/api/chat", json=body, timeout=30)


def _documents(url: str) -> set[str]:
    return {d["id"] for d in httpx.get(f"{url}/api/documents", timeout=10).json()["documents"]}


def _wait_for(condition, timeout: float = 15) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class Traffic:
    """Questions sent to every server in a loop until stopped; every failure is kept."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.failures: list[str] = []
        self.answered = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for url in self.urls:
                try:
                    response = _chat(url, SEED_QUESTION)
                    if response.status_code != 200:
                        self.failures.append(f"{url}: {response.status_code} {response.text[:200]}")
                    else:
                        self.answered += 1
                except httpx.HTTPError as exc:
                    self.failures.append(f"{url}: {exc!r}")

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


def test_two_servers_share_one_chroma_server_and_one_database(tmp_path: Path, chroma_port: int) -> None:
    collection = f"multi-{uuid.uuid4().hex[:8]}"
    env = _profile(tmp_path, f"  mode: http\n  port: {chroma_port}\n  collection: {collection}\n")
    _run(env, "index")
    county = tmp_path / "qinghe.txt"
    county.write_text(COUNTY, encoding="utf-8")
    with ExitStack() as stack:
        urls = [stack.enter_context(_server(env, tmp_path / f"server{n}.log")) for n in (1, 2)]
        ids = []
        for url in urls:
            response = _chat(url, SEED_QUESTION)
            assert response.status_code == 200 and "5.8%" in response.json()["answer"]
            ids.append(response.json()["id"])
            rated = httpx.post(f"{url}/api/feedback", json={"message_id": ids[-1], "rating": "up"}, timeout=10)
            assert rated.status_code == 201

        # `assistant index add` while both answer: no failed request, and both pick the report up
        with Traffic(urls) as traffic:
            _run(env, "index", "add", str(county))
            both = {"songyuan-2023-plenary-report", "qinghe"}
            assert all(_wait_for(lambda u=url: _documents(u) == both) for url in urls)
            for url in urls:
                scoped = _chat(url, COUNTY_QUESTION, doc="qinghe").json()
                assert "31亿斤" in scoped["answer"] and {c["doc"] for c in scoped["citations"]} == {"qinghe"}
            _run(env, "index", "remove", "qinghe")
            assert all(_wait_for(lambda u=url: _documents(u) == {"songyuan-2023-plenary-report"}) for url in urls)
        assert traffic.failures == [] and traffic.answered > 0

    from assistant.feedback import FeedbackStore

    store = FeedbackStore.for_state_dir(tmp_path / "state" / "var")
    assert sorted(row.message_id for row in store.feedback()) == sorted(ids)


def test_a_persistent_store_indexed_by_another_process_is_picked_up(tmp_path: Path) -> None:
    env = _profile(tmp_path, "  mode: persistent\n")
    _run(env, "index")
    county = tmp_path / "qinghe.txt"
    county.write_text(COUNTY, encoding="utf-8")
    with _server(env, tmp_path / "server.log") as url, Traffic([url]) as traffic:
        _run(env, "index", "add", str(county))
        assert _wait_for(lambda: "qinghe" in _documents(url))
        scoped = _chat(url, COUNTY_QUESTION, doc="qinghe").json()
        assert "31亿斤" in scoped["answer"]
    assert traffic.failures == []


def test_the_api_says_503_while_the_chroma_server_is_down_and_recovers(tmp_path: Path) -> None:
    chroma = ChromaServer(tmp_path / "chroma").start()
    try:
        env = _profile(tmp_path, f"  mode: http\n  port: {chroma.port}\n  collection: outage\n")
        _run(env, "index")
        with _server(env, tmp_path / "server.log") as url:
            assert _chat(url, SEED_QUESTION).status_code == 200
            chroma.stop()
            time.sleep(1)  # past store.refresh_seconds: the server looks at the store again
            down = _chat(url, "明年要开工多少个新能源项目？")
            assert down.status_code == 503 and down.json()["code"] == "store_unavailable"
            assert "检索服务暂时不可用" in down.json()["error"]
            assert httpx.get(f"{url}/report", timeout=10).status_code == 200  # pages still served
            chroma.start()
            assert _wait_for(lambda: _chat(url, "明年要开工多少个新能源项目？").status_code == 200)
    finally:
        chroma.stop()


def test_workers_write_the_json_request_log(tmp_path: Path, chroma_port: int) -> None:
    """`serve --workers 2`: each worker process logs its requests as JSON lines on stdout, as one process does."""
    env = _profile(tmp_path, f"  mode: http\n  port: {chroma_port}\n  collection: workers-{uuid.uuid4().hex[:8]}\n")
    cli = [sys.executable, "-m", "assistant.cli"]
    indexed = subprocess.run([*cli, "index"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert indexed.returncode == 0, indexed.stderr
    port, stdout = free_port(), tmp_path / "stdout.log"
    with stdout.open("w") as out:
        proc = subprocess.Popen(
            [*cli, "serve", "--workers", "2", "--no-ui", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: _healthy(url), timeout=120), stdout.read_text()
        response = httpx.post(f"{url}/api/chat", json={"messages": [{"role": "user", "content": SEED_QUESTION}]})
        assert response.status_code == 200
        request_id = response.headers["x-request-id"]
        assert _wait_for(lambda: request_id in stdout.read_text(), timeout=10), stdout.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    lines = [json.loads(line) for line in stdout.read_text().splitlines() if line.startswith("{")]
    chat = next(line for line in lines if line["request_id"] == request_id)
    assert (chat["method"], chat["route"], chat["status"], chat["refused"]) == ("POST", "/api/chat", 200, False)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False

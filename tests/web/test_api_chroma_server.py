"""The real assistant (e5, the report) on a chroma server (store.mode: http) instead of the embedded
store: the same retrieval figures on the dev set, and the API answering the same through it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chroma_support import over_http
from web_support import ask, serving

from assistant.evaluate import evaluate

pytestmark = pytest.mark.slow
DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset.jsonl"
GDP = "2023年前三季度松原市GDP增长了多少？"


@pytest.fixture(scope="module")
def http_assistant(assistant: Any, real_settings: Any, chroma_port: int) -> Any:
    from assistant.service import Assistant, ensure_index

    settings = over_http(real_settings, chroma_port, f"real-{uuid.uuid4().hex[:8]}")
    ensure_index(settings, assistant.embedder)
    return Assistant(settings, assistant.embedder)


@pytest.fixture(scope="module")
def http_url(http_assistant: Any) -> Iterator[str]:
    with serving(http_assistant.settings, http_assistant) as url:
        yield url


def test_the_dev_set_retrieves_the_same_through_a_chroma_server(http_assistant: Any, devset_run: Any) -> None:
    embedded, _ = devset_run
    served = evaluate(DEVSET, http_assistant)
    for metric in ("hit@1", "hit@3", "hit@5", "mrr", "answer_accuracy", "refusal_accuracy"):
        assert served.metrics()[metric] == embedded.metrics()[metric], metric


def test_the_api_answers_through_a_chroma_server(http_url: str) -> None:
    body = httpx.post(f"{http_url}/api/chat", json=ask(GDP), timeout=60).json()
    assert "5.8%" in body["answer"] and body["citations"][0]["doc"] == "songyuan-2023-plenary-report"
    hits = httpx.post(f"{http_url}/api/search", json={"query": "查干湖水质", "k": 3}, timeout=60).json()["results"]
    assert len(hits) == 3 and all(h["doc"] == "songyuan-2023-plenary-report" for h in hits)
    documents = httpx.get(f"{http_url}/api/documents", timeout=10).json()["documents"]
    assert [d["id"] for d in documents] == ["songyuan-2023-plenary-report"] and documents[0]["year"] == 2023
    page = httpx.get(f"{http_url}/report?doc=songyuan-2023-plenary-report", timeout=10)
    assert page.status_code == 200 and 'id="p4"' in page.text
    health = httpx.get(f"{http_url}/healthz", timeout=10).json()
    assert health["documents"] == 1 and health["chunks"] > 10

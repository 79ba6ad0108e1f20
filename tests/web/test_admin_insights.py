"""The console's 未回答的问题, 反馈 and 概览 over real HTTP: behind the login, filled by real questions
and ratings through the public API, marking handled with CSRF, CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from admin_support import add_account, logged_in

OFF_TOPIC = "松原市长的电话是多少？我的手机13812345678"
PAGES = [
    "/admin/unanswered",
    "/admin/feedback",
    "/admin/overview",
    "/admin/unanswered.csv",
    "/admin/feedback.csv",
    "/admin/insights/plotly.min.js",
    "/admin/insights/insights.js",
]


@pytest.fixture()
def console(serve: Callable[..., str], hash_settings: Any) -> Iterator[tuple[str, httpx.Client]]:
    add_account(hash_settings)
    url = serve(logging={"questions": True})
    with logged_in(url) as (client, _token):
        yield url, client


def _chat(url: str, question: str) -> dict[str, Any]:
    reply = httpx.post(f"{url}/api/chat", json={"messages": [{"role": "user", "content": question}]}, timeout=60)
    assert reply.status_code == 200
    return reply.json()


@pytest.mark.parametrize("path", PAGES)
def test_nothing_is_reachable_without_a_session(console: tuple[str, httpx.Client], path: str) -> None:
    url, _ = console
    reply = httpx.get(f"{url}{path}", timeout=30)
    assert reply.status_code in (303, 401) and "csv" not in reply.headers.get("content-type", "")
    if reply.status_code == 303:
        assert reply.headers["location"].startswith("/admin/login")


def test_a_refused_question_is_listed_masked_and_can_be_marked_handled(console: tuple[str, httpx.Client]) -> None:
    url, client = console
    for _ in range(2):
        assert _chat(url, OFF_TOPIC)["refused"]
    page = client.get("/admin/unanswered")
    assert page.status_code == 200 and "松原市长的电话是多少" in page.text
    assert "13812345678" not in page.text and "[电话号码]" in page.text
    assert '<td class="num">2</td>' in page.text
    form = {"ids": _ids(page.text), "action": "handle", "back": "show=open&doc=", "csrf_token": _csrf(page.text)}
    refused = client.post("/admin/unanswered/handle", data={**form, "csrf_token": "forged"})
    assert refused.status_code == 403
    done = client.post("/admin/unanswered/handle", data=form)
    assert done.status_code == 303
    assert "松原市长的电话" not in client.get("/admin/unanswered").text
    assert "松原市长的电话" in client.get("/admin/unanswered?show=handled").text


def _ids(html: str) -> str:
    found = re.search(r'name="ids" value="([\d,]+)"', html)
    assert found
    return found.group(1)


def _csrf(html: str) -> str:
    """The token of the mark-handled form (the one the page puts in every form)."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_unanswered_csv_has_the_bom_and_opens_with_csv(console: tuple[str, httpx.Client]) -> None:
    url, client = console
    _chat(url, OFF_TOPIC)
    reply = client.get("/admin/unanswered.csv")
    assert reply.headers["content-type"].startswith("text/csv") and "attachment" in reply.headers["content-disposition"]
    assert reply.content.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert header[0] == "问题" and "[电话号码]" in row[0]


def test_a_rating_appears_with_its_question_and_answer(console: tuple[str, httpx.Client]) -> None:
    url, client = console
    answer = _chat(url, "2023年前三季度松原市GDP增长了多少？")
    assert (
        httpx.post(
            f"{url}/api/feedback", json={"message_id": answer["id"], "rating": "down", "comment": "看不懂"}, timeout=30
        ).status_code
        == 201
    )
    page = client.get("/admin/feedback?rating=down")
    assert "GDP增长了多少" in page.text and "看不懂" in page.text and 'class="badge down"' in page.text
    assert answer["answer"].split("[")[0][:10] in page.text
    assert "GDP增长了多少" not in client.get("/admin/feedback?rating=up").text
    assert "GDP增长了多少" not in client.get("/admin/feedback?start=2020-01-01&end=2020-01-31").text
    rows = list(csv.reader(io.StringIO(client.get("/admin/feedback.csv?rating=down").content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == "👎 没用"


def test_the_overview_carries_the_charts_and_plotly_is_served_from_the_package(
    console: tuple[str, httpx.Client],
) -> None:
    url, client = console
    _chat(url, OFF_TOPIC)
    page = client.get("/admin/overview?days=7")
    assert page.status_code == 200 and 'id="charts-data"' in page.text and "每日提问数" in page.text
    assert '<span class="value" id="total-questions">1</span>' in page.text
    assert (
        "'unsafe-inline'" in page.headers["content-security-policy"]
        and "script-src" not in page.headers["content-security-policy"]
    )
    script = client.get("/admin/insights/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert script.status_code == 200 and script.headers["content-encoding"] == "gzip"
    assert b"plotly" in script.content[:2000].lower()

"""The console's 未回答的问题, 反馈 and 概览 in a real Chromium against the real app: log in by keyboard,
ask on the public page, see the refusal and the rating arrive, see Plotly draw the charts.

Screenshots: test-artifacts/admin-unanswered.png, admin-feedback.png, admin-overview.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_support import PASSWORD, USER, add_account
from test_browser import ARTIFACTS, GDP, ask_on_page, browser, open_page, wait_for_answer  # noqa: F401
from web_support import serving, with_sections

from assistant.feedback import sqlite_url

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNANSWERABLE = "松原市长的手机号码是多少？"
REWORDED = "松原市长手机号是多少"  # a near-duplicate: one row in 未回答的问题, counted twice


@pytest.fixture(scope="module")
def url(real_settings: Any, assistant: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app with the console on (an account in a database of its own) and question text kept."""
    accounts = sqlite_url(Path(tmp_path_factory.mktemp("console")) / "console.sqlite3")
    settings = with_sections(real_settings, database={"url": accounts}, logging={"questions": True})
    add_account(settings)
    kept, assistant.recorder.keep_questions = assistant.recorder.keep_questions, True  # for 最常问的问题
    try:
        with serving(settings, assistant, ui=True) as base:
            yield base
    finally:
        assistant.recorder.keep_questions = kept


def log_in_by_keyboard(page: Any) -> None:
    page.wait_for_selector("#username:focus")  # the login form takes focus itself
    page.keyboard.type(USER)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def test_refusal_rating_and_charts_reach_the_console(open_page: Callable[..., Any], url: str) -> None:  # noqa: F811
    console = open_page(f"{url}/admin/unanswered")
    log_in_by_keyboard(console)
    console.wait_for_url("**/admin/unanswered")

    for question in (UNANSWERABLE, REWORDED):  # two visitors: each question its own conversation
        visitor = open_page(f"{url}/")
        ask_on_page(visitor, question)
        visitor.locator("#chat [data-testid='bot']").last.wait_for(timeout=60_000)
        wait_for_answer(visitor)
    public = open_page(f"{url}/")
    ask_on_page(public, GDP)
    public.locator("#chat [data-testid='bot']", has_text="5.8%").wait_for(timeout=60_000)
    public.locator("#chat button[aria-label='踩']").last.click()  # Gradio's own zh-CN label for 👎

    console.reload()
    row = console.locator("#unanswered tr", has_text="松原市长的手机号码是多少")
    row.wait_for()
    assert "报告" in row.inner_text()  # the kind of refusal, in Chinese
    row.locator("summary").click()  # the other wordings, by the group's 相近问法
    assert row.locator("td.num").inner_text() == "2" and REWORDED in row.locator("details").inner_text()
    console.screenshot(path=ARTIFACTS / "admin-unanswered.png", full_page=True)
    row.get_by_role("button", name="标记已处理").focus()
    console.keyboard.press("Enter")  # by keyboard: the form posts with its CSRF token
    console.wait_for_selector("p.notice[role=status]")
    assert console.locator("#unanswered tr", has_text="松原市长的手机号码是多少").count() == 0

    console.goto(f"{url}/admin/feedback?rating=down")
    rated = console.locator("#feedback tr", has_text="GDP增长了多少")
    rated.first.wait_for()
    assert "5.8%" in rated.first.inner_text() and "没用" in rated.first.inner_text()
    rated.first.locator("summary").click()  # the citations
    console.screenshot(path=ARTIFACTS / "admin-feedback.png", full_page=True)

    console.goto(f"{url}/admin/overview?days=7")
    for chart in ("per_day", "rates", "latency", "reports", "top"):
        console.wait_for_selector(f"#chart-{chart} svg.main-svg")  # drawn by plotly.js
    assert console.locator("#chart-top").inner_text().count("松原") >= 1
    console.screenshot(path=ARTIFACTS / "admin-overview.png", full_page=True)

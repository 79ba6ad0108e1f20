"""The console in a real Chromium, against the real app (real model, chromadb, Gradio page): log in by
keyboard, upload a .docx, read its preview, confirm, follow the progress bar to the end, then ask the
public page about the new report and get an answer that cites it.

Its own index and database (a fresh real assistant), so the report it adds reaches no other test.
Screenshots: test-artifacts/admin-login.png, admin-library.png, admin-preview.png, admin-progress.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from admin_support import PASSWORD, USER, add_account
from settings_support import make_settings
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ask_on_page, wait_for_answer
from web_support import serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TESTS = Path(__file__).resolve().parents[1]
QINGHE = TESTS / "data" / "fictional-qinghe-county-2024.txt"
REPORT_ID = "青禾县2024年工作报告"
QUESTION = "青禾县2024年地区生产总值增长了多少？"


def write_docx(source: Path, target: Path) -> Path:
    """The county report as Word writes one: a Title, headings by level, then paragraphs."""
    from docx import Document

    lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    document = Document()
    document.add_heading(lines[0], 0)
    for line in lines[1:]:
        if line[:2] in {f"{n}、" for n in "一二三四五六七八九十"}:
            document.add_heading(line, 1)
        elif line.startswith("（") and "）" in line[:5] and len(line) < 30:
            document.add_heading(line, 2)
        else:
            document.add_paragraph(line)
    document.save(str(target))
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    from assistant.service import Assistant

    settings = make_settings(tmp_path_factory.mktemp("console-browser"), embedder="real")
    add_account(settings)
    with serving(settings, Assistant.from_settings(settings), ui=True) as url:
        yield url, settings


@pytest.fixture(scope="module")
def page(site: tuple[str, Any]) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        tab.on("dialog", lambda dialog: dialog.accept())
        yield tab
        context.close()
        browser.close()


def test_upload_a_docx_follow_it_live_and_ask_about_it(site: tuple[str, Any], page: Any, tmp_path: Path) -> None:
    url, _settings = site
    page.goto(f"{url}/admin/library")
    assert page.url.startswith(f"{url}/admin/login")  # no session: the login first
    page.screenshot(path=str(ARTIFACTS / "admin-login.png"))
    log_in_by_keyboard(page)
    page.wait_for_url(f"{url}/admin/library")
    assert page.locator("nav a[aria-current=page]").inner_text() == "报告库"
    assert page.locator("#reports tbody tr").count() == 1
    page.screenshot(path=str(ARTIFACTS / "admin-library.png"), full_page=True)

    page.set_input_files("#upload-file", str(write_docx(QINGHE, tmp_path / f"{REPORT_ID}.docx")))
    page.click("form.upload button.primary")
    page.wait_for_url("**/admin/library/preview/*")
    assert "青禾县委2024年工作报告" in page.locator("h1").inner_text()
    assert page.locator("#outline li", has_text="经济运行稳中向好").count() == 1
    assert int(page.locator("#chunk-count").inner_text()) >= 20
    assert page.locator("#chunks li", has_text="186.4亿元").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "admin-preview.png"), full_page=True)

    page.click("#confirm")
    page.wait_for_url("**/admin/library?job=*")
    follow_progress(page)
    row = page.locator(f"#reports tr[data-doc='{REPORT_ID}']")
    assert row.count() == 1 and USER in row.inner_text()

    ask_about_the_new_report(page, url)


def log_in_by_keyboard(page: Any) -> None:
    """The username field has focus on arrival; Tab to the password, Enter submits."""
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type(USER)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def follow_progress(page: Any) -> None:
    """The bar moves while the report is embedded (screenshot mid-way when the run is slow enough to
    catch it), then the page reloads with the job done and the report in the table."""
    bar = "#job-progress"
    page.wait_for_selector(bar)
    with suppress(Exception):  # a fast run may be done already: the screenshot then shows the end
        page.wait_for_function(f"() => document.querySelector('{bar}').value > 10", timeout=20_000)
    page.screenshot(path=str(ARTIFACTS / "admin-progress.png"), full_page=True)
    page.wait_for_function(
        f"() => document.querySelector('{bar}').value === 100"
        " && document.querySelector('#job-message').textContent.includes('已完成')"
        " && document.querySelector('#job').dataset.state === 'done'",
        timeout=120_000,
    )
    page.wait_for_load_state("load")
    page.wait_for_selector(f"#reports tr[data-doc='{REPORT_ID}']", timeout=10_000)


def ask_about_the_new_report(page: Any, url: str) -> None:
    page.goto(f"{url}/")
    ask_on_page(page, QUESTION)
    answer = wait_for_answer(page)
    assert "6.2%" in answer.inner_text()
    source = page.locator("#sources li.src").first
    source.wait_for()
    assert "青禾" in page.locator("#sources").inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-asked.png"), full_page=True)

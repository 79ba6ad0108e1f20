"""The page and the portal widget in a real Chromium, against the real app (real model, chromadb, report).

Needs a system Chromium (``apt-get install chromium fonts-wqy-microhei``); never ``playwright install``.
Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from web_support import API_KEY, serving, with_sections

from assistant.feedback import FeedbackStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ASSISTANT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
GDP = "2023年前三季度松原市GDP增长了多少？"
ATTACK = "<img src=x onerror=alert(1)>前三季度GDP增长了多少？"
ANSWER_TIMEOUT = 60_000

# Widget internals, reached through its open shadow root.
SHADOW = "document.querySelector('report-assistant').shadowRoot"
FOCUSED_IN_WIDGET = (  # the class (or id) of the widget part that has focus, if any
    f"() => {{ const r = {SHADOW}; return document.activeElement === r.host && r.activeElement"
    " ? r.activeElement.className || r.activeElement.id : null; }"
)
IMAGES = f"() => {SHADOW}.querySelectorAll('img').length + document.querySelectorAll('img').length"


@pytest.fixture(scope="module")
def url(real_settings: Any, assistant: Any) -> Iterator[str]:
    # With API keys set, and the origin allowlist enforced: the page and the widget are same-origin and need no key.
    keyed = with_sections(real_settings, server={"api_keys": [SecretStr(API_KEY)]})
    with serving(keyed, assistant, ui=True) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``open_page(url, width=…)``: a fresh context; every JS dialog is recorded on ``page.dialogs``."""
    contexts = []

    def start(address: str, width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(address)
        return page

    yield start
    for context in contexts:
        context.close()


def in_view(page: Any, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight + 1; }",
    )


# -- the Gradio page --------------------------------------------------------------------------


def ask_on_page(page: Any, question: str) -> None:
    page.wait_for_selector("#question textarea")
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")


def wait_for_answer(page: Any) -> Any:
    """The last assistant message, once its final text is in (the progress note is gone)."""
    page.wait_for_function(
        "() => { const m = [...document.querySelectorAll('#chat [data-testid=\"bot\"]')].pop();"
        " return m && !m.textContent.includes('正在查阅报告'); }",
        timeout=ANSWER_TIMEOUT,
    )
    return page.locator("#chat [data-testid='bot']").last


def test_page_streams_the_answer_and_lists_its_source(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/")
    assert page.locator("h1").first.inner_text().startswith("松原")
    ask_on_page(page, GDP)
    page.locator("#chat [data-testid='bot']", has_text="5.8%").wait_for(timeout=ANSWER_TIMEOUT)
    source = page.locator("#sources li.src").first
    source.wait_for()
    assert "5.8%" in source.locator("mark").first.inner_text()  # the quoted sentence
    assert source.locator("mark.hit").inner_text() == "前三季度全市GDP增长5.8%"  # and the clause that answers
    href = source.locator("a.src-link").get_attribute("href")
    assert re.fullmatch(r"/report\?doc=songyuan-2023-plenary-report#p\d+", href)
    report = open_page(f"{url}{href}")
    assert "5.8%" in report.locator(f"#{href.split('#')[1]}").inner_text()  # the link lands on the passage
    assert "2023 成就" in source.inner_text() and "综合经济实力" in source.inner_text()
    page.screenshot(path=ARTIFACTS / "gradio-page.png", full_page=True)


def test_clicking_a_marker_brings_its_passage_into_view(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/", width=600, height=700)  # narrow: the 来源 panel sits below the chat
    ask_on_page(page, GDP)
    marker = page.locator("#chat a.cite", has_text="[1]").first
    marker.wait_for(timeout=ANSWER_TIMEOUT)
    page.evaluate("window.scrollTo(0, 0)")
    assert not in_view(page, "#src-1-1")
    marker.click()
    page.wait_for_function(
        "() => { const el = document.getElementById('src-1-1'); const r = el.getBoundingClientRect();"
        " return document.activeElement === el && r.top >= 0 && r.bottom <= innerHeight + 1; }"
    )
    page.screenshot(path=ARTIFACTS / "gradio-page-marker.png")


def test_page_stores_a_thumbs_up(open_page: Callable[..., Any], url: str, real_settings: Any) -> None:
    store = FeedbackStore.for_state_dir(real_settings.state_dir)
    before = {row.id for row in store.feedback()}
    page = open_page(f"{url}/")
    ask_on_page(page, GDP)
    wait_for_answer(page)
    page.locator("#chat button[aria-label='赞']").last.click()  # Gradio's own zh-CN label for 👍
    deadline = time.monotonic() + 10
    while not (new := [row for row in store.feedback() if row.id not in before]):
        assert time.monotonic() < deadline, "the rating was not stored"
        time.sleep(0.1)
    assert [row.rating for row in new] == ["up"] and re.fullmatch(r"[0-9a-f]{32}", new[0].message_id)


def test_page_shows_markup_in_a_question_as_text(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/")
    ask_on_page(page, ATTACK)
    page.locator("#chat [data-testid='user']", has_text="<img src=x onerror=alert(1)>").wait_for()
    wait_for_answer(page)
    assert page.locator("#chat img").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert page.dialogs == []


# -- the portal widget ------------------------------------------------------------------------


def tab_to_launcher(page: Any) -> None:
    page.wait_for_selector("report-assistant")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_IN_WIDGET) == "launcher":
            return
    raise AssertionError("Tab never reached the widget's launcher")


def ask_widget(page: Any, question: str) -> Any:
    """Type into the focused input, press Enter; the answer bubble once it is final."""
    page.keyboard.type(question)
    page.keyboard.press("Enter")
    bubble = page.locator("report-assistant .log .msg:not(.user)").last
    page.wait_for_function(
        f"() => {{ const m = [...{SHADOW}.querySelectorAll('.log .msg:not(.user)')].pop();"
        " return m && !m.hasAttribute('aria-busy') && !m.textContent.includes('正在查阅报告'); }",
        timeout=ANSWER_TIMEOUT,
    )
    return bubble


def test_widget_works_with_the_keyboard_alone(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/widget/demo")
    tab_to_launcher(page)
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED_IN_WIDGET) == "q"  # the question box
    dialog = page.locator("report-assistant [role=dialog]")
    assert dialog.is_visible() and dialog.get_attribute("aria-modal") == "false"
    assert page.locator("report-assistant [role=log]").get_attribute("aria-live") == "polite"

    bubble = ask_widget(page, GDP)
    assert "5.8%" in bubble.inner_text()
    link = bubble.locator("a[href*='/report?doc=']").first
    assert re.fullmatch(re.escape(url) + r"/report\?doc=songyuan-2023-plenary-report#p\d+", link.get_attribute("href"))
    assert bubble.locator("a.cite").count() >= 1
    page.screenshot(path=ARTIFACTS / "widget-demo.png")

    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate(FOCUSED_IN_WIDGET) == "launcher"


def test_widget_sends_the_history_with_a_follow_up(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/widget/demo")
    page.locator("report-assistant .launcher").click()
    ask_widget(page, GDP)
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as request:
        ask_widget(page, "2024年在发展现代化大农业方面有哪些目标？")
    messages = request.value.post_data_json["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert "5.8%" in messages[1]["content"]


def test_widget_large_font_toggle(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/widget/demo")
    page.locator("report-assistant .launcher").click()
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    before = page.locator("report-assistant .log .msg").first.evaluate(size)
    toggle = page.locator("report-assistant button.big")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    after = page.locator("report-assistant .log .msg").first.evaluate(size)
    assert after >= before * 1.2
    page.screenshot(path=ARTIFACTS / "widget-large-font.png")


def test_widget_fills_a_360px_phone_screen(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/widget/demo", width=360, height=740)
    page.locator("report-assistant .launcher").click()
    panel = page.locator("report-assistant [role=dialog]").bounding_box()
    assert panel["x"] == 0 and panel["width"] == 360
    bubble = ask_widget(page, GDP)
    assert "5.8%" in bubble.inner_text()
    for part in ("textarea", "form button", "button.x", "button.big"):
        box = page.locator(f"report-assistant {part}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, part
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=ARTIFACTS / "widget-360.png")


def test_widget_shows_markup_in_a_question_as_text(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/widget/demo")
    page.locator("report-assistant .launcher").click()
    ask_widget(page, ATTACK)
    question = page.locator("report-assistant .msg.user").last
    assert question.inner_text() == ATTACK
    assert page.evaluate(IMAGES) == 0
    assert page.dialogs == []


def test_widget_reports_rate_limits_in_chinese(open_page: Callable[..., Any], serve: Callable[..., Any]) -> None:
    limited = serve(server={"rate_limit_per_minute": 1})
    page = open_page(f"{limited}/widget/demo")
    page.locator("report-assistant .launcher").click()
    ask_widget(page, GDP)
    bubble = ask_widget(page, GDP)
    assert bubble.inner_text() == "请求太频繁，请稍后再试"
    assert "err" in (bubble.get_attribute("class") or "")
    assert page.locator("report-assistant textarea").input_value() == GDP  # kept, to send again


# -- list and overview answers drawn as lists; the clause that answers a fact -------------------

LIST = "2024年建设幸福宜居城市包括哪几方面？"
OVERVIEW = "2023年松原经济总体怎么样？"
FACT, FIGURE = "2024年城镇新增就业目标是多少？", "1.7万人"
SECTION_LINK = r"/report\?doc=songyuan-2023-plenary-report#p\d+"


@pytest.fixture(scope="module")
def highlighting_url(url: str) -> str:
    """The real assistant marks the clause that answers a fact in its citation (Citation.highlight)."""
    return url


def check_lines(answer: Any, tag: str, link: str) -> list[str]:
    """The answer's items in a real <ol>/<ul>, each ending in its [n] links to passages that exist."""
    items = answer.locator(f"{tag} > li")
    assert items.count() >= 2
    for item in items.all():
        hrefs = [a.get_attribute("href") for a in item.locator("a.cite").all()]
        assert hrefs and all(re.fullmatch(link, h) for h in hrefs), hrefs
    return items.all_inner_texts()


def test_page_draws_a_list_answer_as_a_numbered_list(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/")
    ask_on_page(page, LIST)
    answer = page.locator("#chat [data-testid='bot']").last
    answer.locator("ol.answer-lines").wait_for(timeout=ANSWER_TIMEOUT)
    items = check_lines(answer, "ol.answer-lines", r"#src-1-\d+")
    assert any("提品质" in item for item in items)
    assert "幸福宜居城市" in answer.locator(".answer-point strong").first.inner_text()
    for href in {a.get_attribute("href") for a in answer.locator("a.cite").all()}:
        assert page.locator(href).count() == 1  # each marker has its passage in the 来源 panel
    more = answer.locator(".answer-more a", has_text="查看全部")
    assert re.fullmatch(SECTION_LINK, more.get_attribute("href")) and more.get_attribute("target") == "_blank"
    page.screenshot(path=ARTIFACTS / "page-list.png", full_page=True)


def test_page_draws_an_overview_as_a_bulleted_list(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/")
    ask_on_page(page, OVERVIEW)
    answer = page.locator("#chat [data-testid='bot']").last
    answer.locator("ul.answer-lines").wait_for(timeout=ANSWER_TIMEOUT)
    items = check_lines(answer, "ul.answer-lines", r"#src-1-\d+")
    assert any("5.8%" in item for item in items)
    assert answer.locator("ul.answer-lines > li").first.evaluate("li => getComputedStyle(li).display") == "list-item"
    page.screenshot(path=ARTIFACTS / "page-overview.png", full_page=True)


def test_page_marks_the_clause_that_answers_a_fact(open_page: Callable[..., Any], highlighting_url: str) -> None:
    page = open_page(f"{highlighting_url}/")
    ask_on_page(page, FACT)
    hit = page.locator("#sources li.src mark mark.hit").first
    hit.wait_for(timeout=ANSWER_TIMEOUT)
    assert FIGURE in hit.inner_text() and hit.inner_text() != hit.locator("xpath=..").inner_text()
    page.screenshot(path=ARTIFACTS / "page-fact.png", full_page=True)


def test_widget_draws_list_and_overview_answers_as_lists(open_page: Callable[..., Any], url: str) -> None:
    page = open_page(f"{url}/widget/demo", height=1000)
    page.locator("report-assistant .launcher").click()
    bubble = ask_widget(page, LIST)
    items = check_lines(bubble, ".ans ol", r"#m1-\d+")
    assert any("提品质" in item for item in items)
    assert bubble.locator(".ans p b").first.inner_text().startswith("在建设幸福宜居城市")
    more = bubble.locator(".ans a", has_text="查看全部")
    assert re.fullmatch(re.escape(url) + SECTION_LINK, more.get_attribute("href"))
    assert more.get_attribute("target") == "_blank" and more.get_attribute("rel") == "noopener"
    bubble.locator("a.cite").first.click()
    assert page.evaluate(FOCUSED_IN_WIDGET) is not None  # the marker moved focus to its passage
    page.screenshot(path=ARTIFACTS / "widget-list.png")

    page.locator("report-assistant button.new").click()  # a new conversation: not a follow-up of the list
    page.locator("report-assistant textarea").focus()
    bubble = ask_widget(page, OVERVIEW)
    assert any("5.8%" in item for item in check_lines(bubble, ".ans ul", r"#m2-\d+"))
    page.screenshot(path=ARTIFACTS / "widget-overview.png")


def test_widget_marks_the_clause_that_answers_a_fact(open_page: Callable[..., Any], highlighting_url: str) -> None:
    page = open_page(f"{highlighting_url}/widget/demo", height=1000)
    page.locator("report-assistant .launcher").click()
    bubble = ask_widget(page, FACT)
    hit = bubble.locator("q mark").first
    assert FIGURE in hit.inner_text() and hit.inner_text() != bubble.locator("q").first.inner_text()
    assert bubble.locator(".ans").count() == 0 and bubble.locator("a.cite").count() >= 1
    page.screenshot(path=ARTIFACTS / "widget-fact.png")

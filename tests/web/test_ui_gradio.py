"""The Gradio page through Gradio's own client, against the real app on a real socket; and its rendering."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from pydantic import SecretStr
from web_support import API_KEY, serving, with_sections

from core.types import Answer, AnswerForm, AnswerLine, Citation, SectionLink
from ui.markup import PENDING, answer_markup, chat_messages, notice_markup, passage_markup, sources_markup
from ui.turn import Turn

GDP = "2023年前三季度松原市GDP增长了多少？"
ATTACK = "<img src=x onerror=alert(1)> 前三季度GDP增长了多少？"


@pytest.fixture(scope="module")
def page_url(real_settings: Any, assistant: Any) -> Iterator[str]:
    # With API keys set: they guard /v1 and /api/search, never the public page.
    keyed = with_sections(real_settings, server={"api_keys": [SecretStr(API_KEY)]})
    with serving(keyed, assistant, ui=True) as url:
        yield url


@pytest.fixture()
def client(page_url: str) -> Any:
    from gradio_client import Client

    return Client(f"{page_url}/", verbose=False, download_files=False, analytics_enabled=False)


def message_text(message: dict[str, Any]) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


@pytest.mark.slow
def test_ask_answers_gdp_with_its_cited_passage(client: Any) -> None:
    box, chat, sources, notice = client.predict(GDP, api_name="/ask")
    assert box == "" and notice == ""
    assert [m["role"] for m in chat] == ["user", "assistant"]
    answer = message_text(chat[1])
    assert "5.8%" in answer
    assert '<a class="cite" href="#src-1-1"' in answer
    assert 'id="src-1-1"' in sources and "<mark>" in sources and "5.8%" in sources
    assert 'href="/report?doc=songyuan-2023-plenary-report#p' in sources and "2023 成就" in sources


@pytest.mark.slow
def test_the_conversation_is_kept_per_session(client: Any) -> None:
    client.predict(GDP, api_name="/ask")
    _, chat, sources, _ = client.predict("2024年在发展现代化大农业方面有哪些目标？", api_name="/ask")
    assert [m["role"] for m in chat] == ["user", "assistant"] * 2
    assert sources.index('id="src-2-') < sources.index('id="src-1-')  # newest answer's sources first


@pytest.mark.slow
def test_markup_in_a_question_stays_text(client: Any) -> None:
    _, chat, sources, _ = client.predict(ATTACK, api_name="/ask")
    question = message_text(chat[0])
    assert "<img" not in question and "&lt;img src=x onerror=alert(1)&gt;" in question
    assert "<img" not in sources


@pytest.mark.slow
def test_an_empty_question_gets_a_chinese_notice(client: Any) -> None:
    _, chat, _, notice = client.predict("   ", api_name="/ask")
    assert chat == [] and "请输入您的问题" in notice and "Traceback" not in notice


# -- rendering, without a server --------------------------------------------------------------

CITATION = Citation(
    n=2,
    doc="r",
    section="2023成就和经验 › 着力稳经济促发展",
    period="2023",
    text="千方百计稳定经济运行。前三季度全市GDP增长5.8%。<b>不是标签</b>",
    start=0,
    end=40,
    score=0.9,
    paragraph=4,
    quote="前三季度全市GDP增长5.8%。",
)


def test_answer_markup_links_markers_and_escapes_the_rest() -> None:
    html = answer_markup("增长5.8%<script>x</script>[2]，见[10]", turn=3)
    assert html.count("<a ") == 2 and 'href="#src-3-2"' in html and 'href="#src-3-10"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_sources_markup_highlights_the_quote_and_links_the_paragraph() -> None:
    html = sources_markup([Turn(question="GDP？", answer="…[2]", citations=(CITATION,), done=True)], 2023)
    assert '<li class="src" id="src-1-2"' in html
    assert "<mark>前三季度全市GDP增长5.8%。</mark>" in html
    assert 'href="/report?doc=r#p4"' in html and "2023 成就" in html
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_template_syntax_in_text_is_not_evaluated() -> None:
    turn = Turn(question="${alert(1)} {{x}}", citations=(CITATION,), done=True)
    html = sources_markup([turn], 2023)
    assert "${" not in html and "{{" not in html


def test_refusals_and_notices_are_shown() -> None:
    refused = Turn(question="q", answer="抱歉", refused=True, notice="智能回答服务暂时不可用", done=True)
    html = notice_markup(refused)
    assert "未在报告中找到" in html and "智能回答服务暂时不可用" in html
    assert notice_markup(Turn(question="q", answer="a", done=True)) == ""


def test_a_pending_answer_shows_progress() -> None:
    assert chat_messages([Turn(question="q")])[1]["content"] == PENDING


# -- list and overview answers, and the clause that answers a fact ----------------------------

LINES = (
    AnswerLine("在建设幸福宜居城市上勇当先锋<script>", (), level=0),
    AnswerLine("要抓建管、提品质", (1,)),
    AnswerLine("优服务、<b>解难题</b>", (2, 3)),
)
SECTION = SectionLink(doc="r&x", paragraph=39, title="幸福宜居城市")


def finished(form: AnswerForm, lines: tuple[AnswerLine, ...] = LINES) -> Turn:
    answer = Answer(text="标题\n- 要抓建管、提品质[1]\n- 优服务[2][3]", form=form, lines=lines, section=SECTION)
    return Turn(question="q").finish(answer)


def test_a_list_answer_is_a_numbered_list_of_its_lines_each_with_its_markers() -> None:
    html = chat_messages([finished("list")])[1]["content"]
    assert html.startswith('<p class="answer-point"><strong>在建设幸福宜居城市上勇当先锋&lt;script&gt;</strong></p>')
    assert '<ol class="answer-lines"><li>要抓建管、提品质<a class="cite" href="#src-1-1">[1]</a></li>' in html
    assert '<li>优服务、&lt;b&gt;解难题&lt;/b&gt;<a class="cite" href="#src-1-2">[2]</a>' in html
    assert '<a class="cite" href="#src-1-3">[3]</a></li></ol>' in html
    assert "<script>" not in html and "<b>" not in html and "<br>" not in html  # drawn from lines, not text
    assert '<a href="/report?doc=r%26x#p39" target="_blank" rel="noopener">查看全部</a>' in html


def test_an_overview_is_a_bulleted_list_and_several_points_each_open_their_own() -> None:
    two = (*LINES, AnswerLine("第二部分", (4,), level=0), AnswerLine("一项", (5,)))
    html = chat_messages([finished("overview", two)])[1]["content"]
    assert html.count('<ul class="answer-lines">') == 2 and "<ol" not in html
    assert html.index("第二部分") > html.index("</ul>") and 'href="#src-1-4">[4]</a></strong></p>' in html


def test_while_streaming_the_text_shows_and_the_final_answer_brings_the_lists() -> None:
    streaming = Turn(question="q").grow("标题\n- 要抓建管[1]")
    assert chat_messages([streaming])[1]["content"] == '标题<br>- 要抓建管<a class="cite" href="#src-1-1">[1]</a>'
    fact = Turn(question="q").finish(Answer(text="增长5.8%[1]", lines=LINES))
    assert "<ol" not in chat_messages([fact])[1]["content"]  # a fact's lines, if any, are not a list
    no_lines = Turn(question="q").finish(Answer(text="一项[1]", form="list"))
    assert chat_messages([no_lines])[1]["content"] == '一项<a class="cite" href="#src-1-1">[1]</a>'


def test_the_clause_that_answers_is_marked_inside_the_cited_sentence() -> None:
    cited = replace(CITATION, highlight="GDP增长5.8%")
    html = sources_markup([Turn(question="q", citations=(cited,), done=True)], 2023)
    assert '<mark>前三季度全市<mark class="hit">GDP增长5.8%</mark>。</mark>' in html


def test_a_highlight_is_escaped_and_found_even_outside_the_quote() -> None:
    hostile = replace(CITATION, text="甲<b>乙</b>丙。", quote="", highlight="<b>乙</b>")
    assert passage_markup(hostile) == '甲<mark class="hit">&lt;b&gt;乙&lt;/b&gt;</mark>丙。'
    missing = replace(CITATION, highlight="不在文中")
    assert passage_markup(missing) == passage_markup(CITATION)

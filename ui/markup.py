"""The page's HTML, drawn from data: answers, their passages (来源) and notices.

All user and model text is escaped before it becomes HTML; the only markup is our own: the ``[n]``
marker links (``#src-{turn}-{n}``), the lists of list and overview answers, and the 来源 panel.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import quote

from core.types import AnswerLine, Citation
from ui.turn import Turn

REPORT_URL = "/report"
PENDING = "正在查阅报告……"
REFUSED = "未在报告中找到可靠依据，本次没有作答。您可以换个问法，或询问报告中的工作成绩和目标。"
_MARKER = re.compile(r"\[(\d{1,3})\]")
_LIST_TAGS = {"list": "ol", "overview": "ul"}  # a list's items are counted, an overview's points are not


def _chat_text(value: str) -> str:
    """Text for a chat message; markdown is off there, so this is HTML (which Gradio sanitises too)."""
    return html.escape(value).replace("\n", "<br>")


def _html_text(value: str) -> str:
    """Text for gr.HTML, whose template engine would otherwise read ``${`` and ``{{``."""
    return html.escape(value).replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


def report_link(doc: str, paragraph: int = 0) -> str:
    return f"{REPORT_URL}?doc={quote(doc)}" + (f"#p{paragraph}" if paragraph else "")


# -- the chat ---------------------------------------------------------------------------------


def cite_link(n: int | str, turn: int) -> str:
    return f'<a class="cite" href="#src-{turn}-{n}">[{n}]</a>'


def answer_markup(text: str, turn: int) -> str:
    """The answer with each [n] turned into a link to its passage in the 来源 panel."""
    parts, last = [], 0
    for match in _MARKER.finditer(text):
        parts.append(_chat_text(text[last : match.start()]))
        parts.append(cite_link(match[1], turn))
        last = match.end()
    parts.append(_chat_text(text[last:]))
    return "".join(parts)


def _line(line: AnswerLine, turn: int) -> str:
    return _chat_text(line.text) + "".join(cite_link(n, turn) for n in line.cites)


def lines_markup(answer: Turn, turn: int) -> str:
    """A list or overview answer from its lines: each section point a short heading line, its items a
    real list (numbered for a list), then 查看全部 to the whole section in the report."""
    tag, parts, items = _LIST_TAGS[answer.form], list[str](), list[str]()

    def close_list() -> None:
        if items:
            parts.append(f'<{tag} class="answer-lines">{"".join(items)}</{tag}>')
            items.clear()

    for line in answer.lines:
        if line.level == 0:
            close_list()
            parts.append(f'<p class="answer-point"><strong>{_line(line, turn)}</strong></p>')
        else:
            items.append(f"<li>{_line(line, turn)}</li>")
    close_list()
    if answer.section and answer.section.paragraph:
        href = html.escape(report_link(answer.section.doc, answer.section.paragraph))
        parts.append(f'<p class="answer-more"><a href="{href}" target="_blank" rel="noopener">查看全部</a></p>')
    return "".join(parts)


def reply_markup(answer: Turn, turn: int) -> str:
    """What the chat shows for an answer: the streamed text, then, once final, its lists when it has some."""
    if not answer.answer:
        return PENDING
    if answer.done and answer.lines and answer.form in _LIST_TAGS:
        return lines_markup(answer, turn)
    return answer_markup(answer.answer, turn)


def chat_messages(turns: list[Turn]) -> list[dict[str, str]]:
    messages = []
    for number, turn in enumerate(turns, 1):
        messages.append({"role": "user", "content": _chat_text(turn.question)})
        messages.append({"role": "assistant", "content": reply_markup(turn, number)})
    return messages


# -- the 来源 panel ---------------------------------------------------------------------------


def period_label(period: str, report_year: int) -> str:
    if not period.isdigit():
        return "概述"
    return f"{period} 成就" if int(period) <= report_year else f"{period} 目标"


def _marked(text: str, part: str, inner: Callable[[str], str] = _html_text, css: str = "") -> str | None:
    """``text`` escaped with ``part`` (drawn by ``inner``) in a <mark>; None when ``part`` is not in it."""
    at = text.find(part) if part else -1
    if at < 0:
        return None
    before, after = text[:at], text[at + len(part) :]
    return f"{_html_text(before)}<mark{css}>{inner(part)}</mark>{_html_text(after)}"


def passage_markup(citation: Citation) -> str:
    """The passage with the cited sentence highlighted and, inside it, the clause that answers."""
    hit = ' class="hit"'

    def sentence(quote: str) -> str:
        return _marked(quote, citation.highlight, css=hit) or _html_text(quote)

    text = citation.text
    return _marked(text, citation.quote, sentence) or _marked(text, citation.highlight, css=hit) or _html_text(text)


def citation_markup(citation: Citation, turn: int, report_year: int, several: bool = False) -> str:
    """One passage; with several reports in the library it names its report."""
    n, paragraph = citation.n, citation.paragraph
    link = (
        f'<a class="src-link" href="{_html_text(report_link(citation.doc, paragraph))}" target="_blank" '
        f'rel="noopener">查看报告原文第{paragraph}段</a>'
        if paragraph
        else ""
    )
    doc = f'<span class="src-doc">{_html_text(citation.title or citation.doc)}</span>' if several else ""
    return (
        f'<li class="src" id="src-{turn}-{n}" tabindex="-1">'
        f'<div class="src-meta"><span class="src-n">[{n}]</span>{doc}'
        f'<span class="src-period">{_html_text(period_label(citation.period, report_year))}</span>'
        f'<span class="src-path">{_html_text(citation.section)}</span></div>'
        f'<p class="src-text">{passage_markup(citation)}</p>{link}</li>'
    )


def sources_markup(turns: list[Turn], report_year: int, years: dict[str, int] | None = None) -> str:
    """Every answer's passages, newest first, so a marker in an older answer still finds its own.
    ``years``: each report's own year (its 2024 is a look-back or a plan), when there are several."""
    years = years or {}
    several = len(years) > 1
    groups = [
        f'<section class="src-turn" aria-label="第{number}问的来源">'
        f"<h3>第{number}问：{_html_text(turn.question[:40])}</h3><ol>"
        + "".join(citation_markup(c, number, years.get(c.doc, report_year), several) for c in turn.citations)
        + "</ol></section>"
        for number, turn in reversed(list(enumerate(turns, 1)))
        if turn.citations
    ]
    body = "".join(groups) or '<p class="src-empty">提问后，这里会列出回答所依据的报告原文。</p>'
    return f'<div class="sources"><h2>来源</h2>{body}</div>'


# -- around the chat --------------------------------------------------------------------------


def notice_markup(turn: Turn | None = None, error: str = "") -> str:
    notices = [("error", error)] if error else []
    if turn is not None and turn.done and turn.refused:
        notices.append(("refused", REFUSED))
    if turn is not None and turn.notice:
        notices.append(("info", turn.notice))
    return "".join(f'<p class="notice notice-{kind}" role="alert">{_html_text(text)}</p>' for kind, text in notices)


def header_markup(title: str, doc: str = "") -> str:
    """``doc``: the one report's id; '' links to the list of reports."""
    href = report_link(doc) if doc else REPORT_URL
    return (
        f'<header class="page-head"><h1>{_html_text(title)}</h1>'
        "<p>根据报告原文回答，每条回答都标明出处。点击回答中的 [1] 等编号可查看对应原文。"
        f' <a href="{_html_text(href)}" target="_blank" rel="noopener">阅读报告全文</a></p></header>'
    )

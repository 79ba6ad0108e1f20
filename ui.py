"""The Gradio page: a thin edge over ``assistant.stream``; citations arrive as data and are drawn here.

All user and model text is escaped before it becomes HTML. The only markup is our own: the
``[n]`` marker links (``#src-{turn}-{n}``) and the 来源 panel they point into.
"""

from __future__ import annotations

import html
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from importlib.resources import files
from typing import TYPE_CHECKING
from urllib.parse import quote

import gradio as gr

from assistant.suggestions import suggest_questions
from core.errors import AssistantError
from core.settings import Settings
from core.types import Answer, Citation, Message

if TYPE_CHECKING:  # types only: the page needs none of their code
    from assistant.service import Assistant

log = logging.getLogger(__name__)

REPORT_URL = "/report"
LIBRARY_TITLE = "政府工作报告问答"
PENDING = "正在查阅报告……"
REFUSED = "未在报告中找到可靠依据，本次没有作答。您可以换个问法，或询问报告中的工作成绩和目标。"
_MARKER = re.compile(r"\[(\d{1,3})\]")

View = tuple[str, list[dict[str, str]], str, str, list["Turn"]]  # box, chat, sources, notice, state


def page_asset(name: str) -> str:
    """The page's own CSS and script, shipped as files beside the widget's (package data)."""
    return files("assistant.web").joinpath("static", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Turn:
    """One question and its answer as data; the chat and the 来源 panel are both drawn from these."""

    question: str
    answer: str = ""
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    reason: str = ""  # why it was refused, for the unanswered log
    notice: str = ""
    done: bool = False
    message_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def grow(self, text: str) -> Turn:
        return replace(self, answer=self.answer + text)

    def finish(self, answer: Answer) -> Turn:
        """The final answer is authoritative: it replaces whatever was streamed."""
        citations = tuple(answer.citations)
        return replace(
            self,
            answer=answer.text,
            citations=citations,
            refused=answer.refused,
            reason=answer.reason,
            notice=answer.notice,
            done=True,
        )


# -- rendering: data → escaped HTML ----------------------------------------------------------


def _chat_text(value: str) -> str:
    """Text for a chat message; markdown is off there, so this is HTML (which Gradio sanitises too)."""
    return html.escape(value).replace("\n", "<br>")


def _html_text(value: str) -> str:
    """Text for gr.HTML, whose template engine would otherwise read ``${`` and ``{{``."""
    return html.escape(value).replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


def answer_markup(text: str, turn: int) -> str:
    """The answer with each [n] turned into a link to its passage in the 来源 panel."""
    parts, last = [], 0
    for match in _MARKER.finditer(text):
        parts.append(_chat_text(text[last : match.start()]))
        parts.append(f'<a class="cite" href="#src-{turn}-{match[1]}">[{match[1]}]</a>')
        last = match.end()
    parts.append(_chat_text(text[last:]))
    return "".join(parts)


def chat_messages(turns: list[Turn]) -> list[dict[str, str]]:
    messages = []
    for number, turn in enumerate(turns, 1):
        messages.append({"role": "user", "content": _chat_text(turn.question)})
        answer = answer_markup(turn.answer, number) if turn.answer else PENDING
        messages.append({"role": "assistant", "content": answer})
    return messages


def period_label(period: str, report_year: int) -> str:
    if not period.isdigit():
        return "概述"
    return f"{period} 成就" if int(period) <= report_year else f"{period} 目标"


def passage_markup(citation: Citation) -> str:
    """The passage with the cited sentence highlighted, when the sentence is found in it."""
    text, quote = citation.text, citation.quote
    at = text.find(quote) if quote else -1
    if at < 0:
        return _html_text(text)
    before, after = text[:at], text[at + len(quote) :]
    return f"{_html_text(before)}<mark>{_html_text(quote)}</mark>{_html_text(after)}"


def report_link(doc: str, paragraph: int = 0) -> str:
    return f"{REPORT_URL}?doc={quote(doc)}" + (f"#p{paragraph}" if paragraph else "")


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


# -- the handlers -----------------------------------------------------------------------------


def conversation(turns: list[Turn]) -> list[Message]:
    """What the assistant reads back: the raw texts, never the rendered markup."""
    return [m for t in turns if t.done for m in (Message("user", t.question), Message("assistant", t.answer))]


def best_effort(record: Callable[..., object], *args: str) -> None:
    try:
        record(*args)
    except Exception:  # feedback and gap logging must never break the chat
        log.exception("could not record %s", getattr(record, "__name__", record))


class ChatPage:
    """The page's handlers, bound to one assistant; Gradio keeps each visitor's turns in a gr.State."""

    def __init__(self, settings: Settings, assistant: Assistant) -> None:
        self.assistant = assistant
        self.year = settings.corpus.report_year

    @property
    def years(self) -> dict[str, int]:
        """Each report's own year, read from the live library (a new report may come in at any time)."""
        return {d.doc_id: d.year or self.year for d in self.assistant.library()}

    def view(self, turns: list[Turn], box: str = "", notice: str = "", years: dict[str, int] | None = None) -> View:
        """``years``: the reports' years when the caller has them (read once per answer, not per piece)."""
        years = self.years if years is None else years
        return box, chat_messages(turns), sources_markup(turns, self.year, years), notice, turns

    def ask(self, question: str, turns: list[Turn], doc: str = "") -> Iterator[View]:
        turn = Turn(question=question.strip())
        years = self.years
        yield self.view([*turns, turn], years=years)
        try:
            messages = [*conversation(turns), Message("user", question)]
            for event in self.assistant.stream(messages, doc or None):
                turn = turn.finish(event) if isinstance(event, Answer) else turn.grow(event.text)
                yield self.view([*turns, turn], notice=notice_markup(turn), years=years)
        except AssistantError as exc:
            log.warning("question failed: %s: %s", type(exc).__name__, exc)
            yield self.view(turns, question, notice_markup(error=exc.user_message), years)
            return
        except Exception:
            log.exception("unexpected failure answering a question")
            yield self.view(turns, question, notice_markup(error=AssistantError.user_message), years)
            return

    def clear(self) -> View:
        return self.view([])

    def feedback(self, turns: list[Turn], data: gr.LikeData) -> None:
        """👍/👎 under an answer; the chat holds two messages per turn, the answer second."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if data.liked in (None, "") or not 0 <= index // 2 < len(turns):
            return  # taking a rating back stores nothing
        rating = "up" if data.liked in (True, "Like") else "down"
        best_effort(self.assistant.feedback.add_feedback, turns[index // 2].message_id, rating)


# -- the page ---------------------------------------------------------------------------------


def build_ui(settings: Settings, assistant: Assistant) -> gr.Blocks:
    """The page; ratings go to the assistant's database, the one the API writes to as well."""
    documents = assistant.documents()
    library = assistant.library()
    several = len(library) > 1
    title = LIBRARY_TITLE if several else documents[0].title
    page = ChatPage(settings, assistant)
    year = settings.corpus.report_year
    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        turns = gr.State([])
        # mount_gradio_app takes the page CSS, not build_ui: a gr.HTML head brings our own.
        only = "" if several else documents[0].doc_id
        head = f"<style>{page_asset('ui.css')}</style>"
        gr.HTML(header_markup(title, only), head=head, js_on_load=page_asset("ui.js"))
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                scope: gr.components.Component = (
                    gr.Dropdown(
                        choices=[("全部报告", ""), *((d.title, d.doc_id) for d in library)],
                        value="",
                        label="在哪份报告中查找",
                        elem_id="doc",
                        interactive=True,
                    )
                    if several
                    else gr.State("")
                )
                notice = gr.HTML("", elem_id="notice", label="提示")
                chat = gr.Chatbot(
                    label="对话",
                    elem_id="chat",
                    height=480,
                    buttons=["copy"],
                    feedback_options=("Like", "Dislike"),
                    render_markdown=False,  # messages are our escaped HTML, which Gradio sanitises again
                    latex_delimiters=[],
                    allow_tags=False,
                    placeholder="您好！请就这份报告提问，例如：2023年前三季度GDP增长了多少？",
                )
                with gr.Row():
                    box = gr.Textbox(
                        label="问题",
                        show_label=False,
                        placeholder="请输入您的问题，按回车发送",
                        elem_id="question",
                        scale=5,
                        max_lines=4,
                        autofocus=True,
                        container=False,
                    )
                    send = gr.Button("发送", variant="primary", scale=1, min_width=80)
                gr.HTML('<p class="hint">您可以这样问：</p>')
                with gr.Row(elem_id="suggestions"):
                    chips = [gr.Button(q, scale=0, min_width=0) for q in suggest_questions(documents, year)]
                clear = gr.Button("清空对话", variant="secondary", elem_id="clear")
            with gr.Column(scale=2, min_width=300):
                sources = gr.HTML(sources_markup([], year), elem_id="sources", label="来源")
        outputs = [box, chat, sources, notice, turns]

        def asking(listener: Callable[..., object], source: gr.components.Component, api_name: str = "") -> None:
            # One queue for every way of asking: four answers at a time, later visitors wait their turn.
            visibility = "public" if api_name else "private"
            listener(
                page.ask,
                [source, turns, scope],
                outputs,
                api_name=api_name or None,
                api_visibility=visibility,
                concurrency_id="ask",
                concurrency_limit=4,
            )

        asking(box.submit, box, "ask")
        asking(send.click, box)
        for chip in chips:
            asking(chip.click, chip)
        clear.click(page.clear, None, outputs, api_visibility="private")
        chat.clear(page.clear, None, outputs, api_visibility="private")
        chat.like(page.feedback, [turns], None, api_visibility="private")
    return demo

"""The Gradio page: a thin edge over ``assistant.stream``; answers arrive as data, ``ui.markup`` draws them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from importlib.resources import files
from typing import TYPE_CHECKING

import gradio as gr

from assistant.suggestions import suggest_questions
from core.errors import AssistantError
from core.settings import Settings
from core.types import Answer, Message
from ui.markup import chat_messages, header_markup, notice_markup, sources_markup
from ui.turn import Turn

if TYPE_CHECKING:  # types only: the page needs none of their code
    from assistant.service import Assistant

log = logging.getLogger(__name__)

LIBRARY_TITLE = "政府工作报告问答"

View = tuple[str, list[dict[str, str]], str, str, list["Turn"]]  # box, chat, sources, notice, state


def page_asset(name: str) -> str:
    """The page's own CSS and script, shipped as files beside the widget's (package data)."""
    return files("assistant.web").joinpath("static", name).read_text(encoding="utf-8")


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
            for event in self.assistant.stream(messages, doc or None, message_id=turn.message_id):
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
        best_effort(self.assistant.rate, turns[index // 2].message_id, rating)


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

"""Pure parts of the web edge: suggestions, the rate limiter, the report page, OpenAI messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.suggestions import question_for, suggest_questions
from assistant.web.openai_schemas import CompletionRequest
from assistant.web.ratelimit import SlidingWindowLimiter
from assistant.web.report_page import parse_range, render_report
from assistant.web.token_estimate import Usage, estimate_tokens
from core.errors import UnsupportedParameter
from index.loader import Document, Paragraph, parse_document


def test_questions_follow_the_heading_shape_and_tense() -> None:
    assert question_for("综合经济实力实现新提升", 2023, 2023) == "2023年综合经济实力有哪些新提升？"
    assert question_for("在推进新型工业化上勇当先锋,推动产业体系建设实现新突破", 2024, 2023) == (
        "2024年在推进新型工业化方面有哪些目标？"
    )
    assert question_for("乡村振兴", 2024, 2023) == "2024年在乡村振兴方面有哪些目标？"
    assert question_for("乡村振兴", 2022, 2023) == "2022年在乡村振兴方面做了哪些工作？"
    assert question_for("一个很长很长的标题而且没有任何可以识别的结构所以不提问", 2023, 2023) is None


def test_suggestions_alternate_periods_of_any_report() -> None:
    source = (
        "某市工作报告\n\n2022回顾\n\n城市面貌实现新变化\n\n新建公园12个，绿道30公里。改造老旧小区46个。\n\n"
        "群众收入实现新增长\n\n城乡居民人均收入增长6%。新增就业2.1万人。\n\n2023打算\n\n在扩大开放上下功夫\n\n力争引进外资5亿元。新开国际航线2条。\n"
    )
    doc = parse_document(source, Path("report.txt"))
    assert suggest_questions([doc], report_year=2022) == [
        "2022年城市面貌有哪些新变化？",
        "2023年在扩大开放方面有哪些目标？",
        "2022年群众收入有哪些新增长？",
    ]
    assert suggest_questions([doc], report_year=2022, limit=1) == ["2022年城市面貌有哪些新变化？"]


def test_limiter_slides_its_window() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(2, window=60, clock=lambda: now[0])
    assert limiter.hit("a") == 0 and limiter.hit("a") == 0
    assert limiter.hit("a") == 60 and limiter.hit("b") == 0
    now[0] = 30.0
    assert limiter.hit("a") == 30
    now[0] = 60.5
    assert limiter.hit("a") == 0  # both early requests have left the window
    now[0] = 70.0
    assert limiter.hit("a") == 0
    assert limiter.hit("a") == 50.5  # until the request at 60.5 leaves it


def test_report_page_escapes_text_and_marks_ranges() -> None:
    source = "标题\n\n<b>加粗</b>\n\n第一段<script>alert(1)</script>结束。\n"
    start = source.index("第一段")
    doc = Document(
        "d",
        "标题",
        source,
        Path("d.txt"),
        [
            Paragraph(1, source[start : start + 25].rstrip("\n"), start, start + 25, ("<b>加粗</b>",), ""),
        ],
    )
    page = render_report(doc, (start + 3, start + 11))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<h2>&lt;b&gt;加粗&lt;/b&gt;</h2>" in page
    assert '<p id="p1">' in page and "<mark>&lt;script&gt;</mark>" in page
    assert parse_range("5-9") == (5, 9)
    assert parse_range("9-5") is None and parse_range("x") is None and parse_range(None) is None


def test_openai_messages_keep_text_turns_only() -> None:
    request = CompletionRequest.model_validate(
        {
            "model": "gpt-4o",
            "temperature": 0,
            "stream_options": {"include_usage": True},
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "developer", "content": "Really."},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "GDP"},
                        {"type": "image_url", "image_url": {}},
                        {"type": "text", "text": "增长多少"},
                    ],
                },
                {"role": "assistant", "content": None},
                {"role": "user", "content": "投资呢"},
            ],
        }
    )
    assert [(m.role, m.content) for m in request.conversation()] == [
        ("user", "GDP增长多少"),
        ("assistant", ""),
        ("user", "投资呢"),
    ]


def test_what_clients_send_is_accepted_and_what_cannot_be_done_is_refused() -> None:
    sent = {
        "messages": [{"role": "user", "content": "GDP"}],
        "stream_options": {"include_usage": True},
        "user": {"id": "u1", "name": "Open WebUI forwards a user object"},
        "n": None,
        "stop": None,
        "tools": [{"type": "function", "function": {"name": "search_web"}}],
        "tool_choice": "auto",
        "response_format": {"type": "text"},
        "logit_bias": {"123": 1},
    }
    request = CompletionRequest.model_validate(sent)
    request.check_supported()
    assert request.include_usage and not CompletionRequest.model_validate({"messages": sent["messages"]}).include_usage
    for refused in ({"n": 2}, {"tool_choice": "required"}, {"tool_choice": {"type": "function"}},
                    {"response_format": {"type": "json_schema", "json_schema": {}}}):
        with pytest.raises(UnsupportedParameter):
            CompletionRequest.model_validate({**sent, **refused}).check_supported()


def test_tokens_are_estimated_per_chinese_character_and_per_four_other_characters() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("松原市GDP增长5.8%。") == 6 + 2  # 松原市增长。 one each, "GDP5.8%" in two
    usage = Usage.of(["You are brief.", "增长多少"], "增长5.8%")
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (4 + 4, 2 + 1, 11)

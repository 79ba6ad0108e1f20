"""CSV downloads of the console's lists, for Excel: UTF-8 with a BOM (without it Excel reads the Chinese
as the local code page), and no cell that Excel would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from assistant.feedback import FeedbackRow
from assistant.insights import citations_of, group_reason
from assistant.question_groups import QuestionGroup

RATINGS = {"up": "👍 有用", "down": "👎 没用"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel and LibreOffice evaluate in a cell


def safe_cell(value: object) -> str:
    """Citizens typed these: "=HYPERLINK(…)" must stay text (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def unanswered_csv(groups: Iterable[QuestionGroup]) -> bytes:
    header = ["问题", "次数", "拒答原因", "原因详情", "首次出现", "最近出现", "相近问法"]
    return to_csv(
        header,
        (
            [g.question, g.count, group_reason(g), g.reason, g.first_seen, g.last_seen, " | ".join(g.variants)]
            for g in groups
        ),
    )


def feedback_csv(rows: Iterable[FeedbackRow]) -> bytes:
    header = ["时间", "评价", "报告", "问题", "回答", "引用", "留言"]
    return to_csv(
        header,
        ([r.created_at, RATINGS[r.rating], r.doc, r.question, r.answer, _cited(r), r.comment] for r in rows),
    )


def _cited(row: FeedbackRow) -> str:
    return " | ".join(f"[{c.get('n')}] {c.get('section', '')}：{c.get('quote', '')}" for c in citations_of(row))

"""The 概览 charts as Plotly figures (JSON), built here in Python; the console page only hands them to
plotly.js (served from the installed plotly package: the product runs offline, no CDN).

One figure per question an owner asks: how many questions, how many refused, how satisfied, how fast,
what is asked most, which report. Rates are percentages; days without data are gaps, not zeros.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

from assistant.overview import Overview

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
ANSWERED, REFUSED, GOOD, SLOW = "#2f6fb2", "#d9822b", "#2e9d5b", "#9b3fb5"


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "font": {"family": FONT, "size": 13},
        "template": "plotly_white",
        "margin": {"l": 56, "r": 24, "t": 56, "b": 48},
        "height": 320,
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"tickformat": "%m-%d"},  # plotly.js has no Chinese month names bundled: 12-03, not "Dec 3"
        **extra,
    }


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def questions_per_day(data: Overview) -> go.Figure:
    days = [d.day for d in data.days]
    answered = [d.questions - d.refused for d in data.days]
    refused = [d.refused for d in data.days]
    figure = go.Figure(
        [
            go.Bar(x=days, y=answered, name="已回答", marker_color=ANSWERED),
            go.Bar(x=days, y=refused, name="未回答", marker_color=REFUSED),
        ]
    )
    return figure.update_layout(**_layout("每日提问数", barmode="stack", yaxis={"title": "问题数"}))


def rates_per_day(data: Overview) -> go.Figure:
    days = [d.day for d in data.days]
    figure = go.Figure(
        [
            go.Scatter(
                x=days,
                y=[_percent(d.refusal_rate) for d in data.days],
                name="拒答率",
                mode="lines+markers",
                line_color=REFUSED,
            ),
            go.Scatter(
                x=days,
                y=[_percent(d.satisfaction) for d in data.days],
                name="满意度（有用占比）",
                mode="lines+markers",
                line_color=GOOD,
            ),
        ]
    )
    return figure.update_layout(**_layout("拒答率与满意度", yaxis={"title": "%", "range": [-3, 103]}))


def latency_per_day(data: Overview) -> go.Figure:
    days = [d.day for d in data.days]
    figure = go.Figure(
        [
            go.Scatter(x=days, y=[d.p50 for d in data.days], name="p50", mode="lines+markers", line_color=ANSWERED),
            go.Scatter(x=days, y=[d.p95 for d in data.days], name="p95", mode="lines+markers", line_color=SLOW),
        ]
    )
    return figure.update_layout(**_layout("回答耗时（毫秒）", yaxis={"title": "毫秒", "rangemode": "tozero"}))


def top_questions(data: Overview) -> go.Figure:
    top = list(reversed(data.top))  # Plotly draws the first bar at the bottom: most asked on top
    figure = go.Figure([go.Bar(x=[n for _, n in top], y=[q for q, _ in top], orientation="h", marker_color=ANSWERED)])
    height = max(320, 120 + 28 * len(top))
    return figure.update_layout(
        **_layout(
            "最常问的问题",
            height=height,
            yaxis={"automargin": True},
            xaxis={"title": "次数", "dtick": 1 if top and top[-1][1] < 10 else None},
        )
    )


LABEL_CHARS = 14  # a report's title on an axis: long titles are cut, the full one shows on hover


def per_report(data: Overview, titles: dict[str, str]) -> go.Figure:
    """Horizontal bars: report titles are long Chinese sentences, unreadable on a slanted x axis."""
    reports = list(reversed(data.reports))
    full = [titles.get(r.doc, r.doc) if r.doc else "未指定报告" for r in reports]
    names = [_short(name) for name in full]
    hover = "%{customdata}<br>%{x} 次<extra></extra>"

    def bar(values: list[int], name: str, color: str) -> go.Bar:
        return go.Bar(
            x=values, y=names, name=name, orientation="h", marker_color=color, customdata=full, hovertemplate=hover
        )

    figure = go.Figure(
        [
            bar([r.questions - r.refused for r in reports], "已回答", ANSWERED),
            bar([r.refused for r in reports], "未回答", REFUSED),
        ]
    )
    height = max(320, 140 + 36 * len(reports))
    return figure.update_layout(
        **_layout("各报告的提问数", barmode="stack", height=height, yaxis={"automargin": True, "type": "category"})
    )


def _short(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1] + "…"


def charts(data: Overview, titles: dict[str, str], *, with_top: bool) -> dict[str, Any]:
    """Name → figure as plain JSON data (``Plotly.newPlot(el, fig.data, fig.layout)``)."""
    figures = {
        "per_day": questions_per_day(data),
        "rates": rates_per_day(data),
        "latency": latency_per_day(data),
        "reports": per_report(data, titles),
    }
    if with_top:
        figures["top"] = top_questions(data)
    return {name: json.loads(figure.to_json()) for name, figure in figures.items()}

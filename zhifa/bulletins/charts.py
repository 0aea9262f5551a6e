"""Charts as SVG text, drawn on the server: the same drawing goes into the PDF (WeasyPrint lays out
inline SVG; no script runs in a PDF) and onto the pages, where each bar and point carries a
``<title>`` that the browser shows on hover, and bars may link to the list behind them.

Only numbers and escaped labels go into the markup, so the result is safe to mark as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _

FONT = "'Noto Sans CJK SC', 'Noto Serif CJK SC', 'Microsoft YaHei', sans-serif"
#: Series colours (colour-blind-safe Okabe–Ito), the first for the main series.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    title: str = ""
    url: str = ""
    highlight: bool = False


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _nice_max(value: float) -> float:
    """A round axis end at or above ``value`` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def bar_chart(bars: list[Bar], *, title: str = "", maximum: float | None = None, unit: str = "") -> str:
    """Horizontal bars, one per row (the ranking: board names on the left, scores to the right)."""
    label_width, bar_area, row_h, top = 150, 400, 24, 30 if title else 8
    width = label_width + bar_area + 70
    height = top + row_h * len(bars) + 10
    present = [b.value for b in bars if b.value is not None]
    scale_max = maximum if maximum is not None else _nice_max(max(present, default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" font-family="{FONT}" font-size="12" class="chart chart-bar">'
    ]
    if title:
        parts.append(
            f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="14">{escape(title)}</text>'
        )
        parts.append(f"<title>{escape(title)}</title>")
    for n, bar in enumerate(bars):
        y = top + n * row_h
        length = 0.0 if bar.value is None else max(0.0, bar.value) / scale_max * bar_area
        colour = COLOURS[1] if bar.highlight else COLOURS[0]
        tip = escape(bar.title or f"{bar.label}：{'—' if bar.value is None else _fmt(bar.value)}{unit}")
        shape = (
            f'<g class="bar"><title>{tip}</title>'
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row_h - 8}" fill="{colour}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + 16}">'
            f"{'—' if bar.value is None else escape(_fmt(bar.value))}</text></g>"
        )
        if bar.url:
            shape = f'<a href="{escape(bar.url)}">{shape}</a>'
        parts.append(shape)
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{top + row_h * len(bars)}" stroke="#333"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int | float]


def line_chart(labels: list[str], series: list[Series], *, title: str = "", unit: str = "") -> str:
    """Lines over months (the trends), with a y axis of five ticks and a legend."""
    left, right, top, bottom = 48, 16, 34 if title else 14, 44
    width, plot_h = 640, 200
    height = top + plot_h + bottom
    plot_w = width - left - right
    highest = max((v for s in series for v in s.values), default=0)
    scale_max = _nice_max(float(highest))
    step_x = plot_w / max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + i * step_x

    def y(v: float) -> float:
        return top + plot_h - (v / scale_max) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" font-family="{FONT}" font-size="11" class="chart chart-line">'
    ]
    if title:
        parts.append(
            f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="14">{escape(title)}</text>'
        )
        parts.append(f"<title>{escape(title)}</title>")
    for k in range(5):
        value = scale_max * k / 4
        parts.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{width - right}" y2="{y(value):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y(value) + 4:.1f}" text-anchor="end">{escape(_fmt(value))}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(label[2:] if len(label) == 7 else label)}</text>'
        )
    for n, line in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, v in enumerate(line.values):
            tip = escape(f"{labels[i] if i < len(labels) else ''} {line.name}：{_fmt(v)}{unit}")
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}"><title>{tip}</title></circle>'
            )
        legend_x = left + n * 150
        parts.append(
            f'<rect x="{legend_x}" y="{height - 16}" width="12" height="4" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="{height - 11}">{escape(line.name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def ranking_chart(ranking: dict, *, title: str = "", url_for=None) -> str:
    """The ranking's scores as bars, best first (``url_for(board_id)`` links each bar)."""
    bars = [
        Bar(
            label=f"{row['rank'] or '—'}. {row['name']}",
            value=row["score"],
            title=_("%(name)s：第 %(rank)s 名，得分 %(score)s")
            % {
                "name": row["name"],
                "rank": row["rank"] or "—",
                "score": "—" if row["score"] is None else _fmt(row["score"]),
            },
            url=url_for(row["board"]) if url_for else "",
        )
        for row in ranking.get("rows", [])
    ]
    return bar_chart(bars, title=title, maximum=100)


def trend_chart(figures: dict, row: dict | None = None, *, title: str = "") -> str:
    """Inspections, hazards and major hazards over the twelve months, of the district or of one row."""
    from zhifa.bulletins.figures import indicator_label

    row = row or figures["district"]
    series = [
        Series(indicator_label(code), list(row["trend"][code]))
        for code in ("inspections", "hazards", "hazards_major")
    ]
    return line_chart(figures["trend_months"], series, title=title)

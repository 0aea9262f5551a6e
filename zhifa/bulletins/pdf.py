"""The bulletin as a PDF, through the document engine's PDF step (``zhifa.documents.rendering``:
WeasyPrint, the CJK fonts, no network).

The bulletin is not one of the numbered enforcement forms: its layout carries tables and charts the
form templates (plain text fields, sandboxed) do not, and a draft is regenerated freely, which an
issued document (immutable, numbered without gaps) must not be. So it has its own Django template,
``bulletins/pdf.html``, with the charts as inline SVG drawn by ``zhifa.bulletins.charts``; the bytes
are stored content-addressed (``zhifa.core.storage``) and the bulletin keeps their SHA-256.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from zhifa.bulletins import charts, present
from zhifa.documents.rendering import BODY_FONTS, TITLE_FONTS, html_to_pdf


def context(figures: dict) -> dict:
    weights = (figures.get("ranking") or {}).get("weights") or {}
    return {
        "figures": figures,
        "month_label": present.month_label(figures),
        "summary": present.summary(figures),
        "district_rows": present.district_rows(figures),
        "inspection_table": present.board_table(figures, present.INSPECTION_CODES),
        "case_table": present.board_table(figures, present.CASE_CODES),
        "ranking_rows": present.ranking_rows(figures.get("ranking") or {}),
        "weights": weights,
        "highlights": present.highlight_lines(figures),
        # Drawn here from numbers and escaped labels only (zhifa.bulletins.charts).
        "ranking_svg": mark_safe(charts.ranking_chart(figures.get("ranking") or {})),  # noqa: S308
        "trend_svg": mark_safe(charts.trend_chart(figures)),  # noqa: S308
        "body_fonts": BODY_FONTS,
        "title_fonts": TITLE_FONTS,
        "printed_at": timezone.localtime(),
    }


def render_html(figures: dict) -> str:
    return render_to_string("bulletins/pdf.html", context(figures))


def render_pdf(figures: dict) -> bytes:
    """The same figures always give the same text; the PDF is made once, when the bulletin is generated."""
    return html_to_pdf(render_html(figures))

"""The accident list. Every column reads the row or what the view selected: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.accidents.choices import AccidentLevel
from zhifa.accidents.models import Accident

LEVEL_CSS = {
    AccidentLevel.GENERAL: "badge",
    AccidentLevel.LARGER: "badge badge-warn",
    AccidentLevel.MAJOR: "badge badge-warn",
    AccidentLevel.GRAVE: "badge badge-warn",
}


def wan_yuan(value) -> str:
    """元 shown in 万元 with two decimals, as the statistics tables print them."""
    return f"{value / 10000:,.2f}"


class AccidentTable(tables.Table):
    occurred_at = tables.Column(linkify=True)
    unit_name = tables.Column(verbose_name=_("事故单位"))
    direct_loss = tables.Column(verbose_name=_("直接经济损失（万元）"))
    report = tables.Column(verbose_name=_("1 小时内报告"), accessor="reported_at", orderable=False)

    class Meta:
        model = Accident
        attrs = {"class": "nowrap"}
        fields = (
            "occurred_at",
            "unit_name",
            "board",
            "category",
            "level",
            "deaths",
            "serious_injuries",
            "missing",
            "direct_loss",
            "report",
        )
        order_by = ("-occurred_at",)

    def render_occurred_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_level(self, value, record):
        return format_html('<span class="{}">{}</span>', LEVEL_CSS.get(record.level, "badge"), value)

    def render_direct_loss(self, value):
        return wan_yuan(value)

    def render_report(self, record):
        if record.report_late:
            return format_html('<span class="badge badge-warn">{}</span>', _("迟报"))
        return format_html('<span class="badge badge-ok">{}</span>', _("按时"))

"""Review lists. Every column reads the row or what the view loaded with it: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.reviews.models import ReviewAssignment, ReviewRound, Rubric


def pass_badge(record):
    if record.passed is None:
        return "—"
    if record.vetoed:
        return format_html('<span class="badge badge-warn">{}</span>', _("否决，不合格"))
    if record.passed:
        return format_html('<span class="badge badge-ok">{}</span>', _("合格"))
    return format_html('<span class="badge badge-warn">{}</span>', _("不合格"))


class ReviewRoundTable(tables.Table):
    name = tables.Column(linkify=True)
    period = tables.Column(verbose_name=_("结案期间"), accessor="period_start", order_by=("period_start",))
    rubric = tables.Column(verbose_name=_("评查标准"), accessor="rubric__name", order_by="rubric__name")
    organiser = tables.Column(
        verbose_name=_("组织者"), accessor="organiser__full_name", order_by="organiser__username"
    )

    class Meta:
        model = ReviewRound
        attrs = {"class": "nowrap"}
        fields = ("name", "kind", "period", "per_board", "rubric", "status", "organiser", "finished_on")
        order_by = ("-period",)

    def render_period(self, record):
        return f"{record.period_start:%Y-%m-%d} — {record.period_end:%Y-%m-%d}"


class ReviewAssignmentTable(tables.Table):
    case = tables.Column(
        verbose_name=_("案件"),
        accessor="case__party_name",
        linkify=lambda record: record.get_absolute_url(),
        order_by="case__party_name",
    )
    number = tables.Column(verbose_name=_("立案编号"), accessor="case__registration_number", default="—")
    board = tables.Column(verbose_name=_("板块"), accessor="board__name", order_by=("board__sort_order",))
    round = tables.Column(verbose_name=_("评审轮次"), accessor="round__name", order_by="round__name")
    total = tables.Column(verbose_name=_("总分"), default="—")
    passed = tables.Column(verbose_name=_("结论"), orderable=False, empty_values=())

    class Meta:
        model = ReviewAssignment
        attrs = {"class": "nowrap"}
        fields = ("case", "number", "board", "round", "status", "total", "passed")
        order_by = ("status", "round")

    def render_passed(self, record):
        return pass_badge(record)


class RubricTable(tables.Table):
    name = tables.Column(linkify=True)
    example_values = tables.BooleanColumn(yesno=(_("示例值"), ""))

    class Meta:
        model = Rubric
        attrs = {"class": "nowrap"}
        fields = (
            "name",
            "version",
            "status",
            "form_points",
            "content_points",
            "pass_mark",
            "example_values",
            "published_at",
        )
        order_by = ("name", "-version")

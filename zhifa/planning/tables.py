"""List tables. Every column reads the row or what the view selected: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.planning.choices import TaskStatus
from zhifa.planning.models import AnnualPlan, Draw, Task


class PlanTable(tables.Table):
    title = tables.Column(
        verbose_name=_("计划"),
        accessor="pk",
        linkify=lambda record: reverse("planning:plan_detail", args=[record.pk]),
        orderable=False,
    )

    class Meta:
        model = AnnualPlan
        fields = ("title", "year", "version", "status", "created_at", "approved_at")
        order_by = ("-year", "-version")

    def render_title(self, record):
        return _("%(y)s 年度监督检查计划") % {"y": record.year}

    def render_created_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")

    def render_approved_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")


class DrawTable(tables.Table):
    label = tables.Column(
        verbose_name=_("月份"),
        accessor="pk",
        linkify=lambda record: reverse("planning:draw_detail", args=[record.pk]),
        order_by=("year", "month", "pk"),
    )
    scope = tables.Column(verbose_name=_("范围"), accessor="board", orderable=False)
    tasks = tables.Column(verbose_name=_("抽中（家）"), accessor="summary", orderable=False)

    class Meta:
        model = Draw
        fields = ("label", "scope", "cross_enforcement", "status", "tasks", "committed_at")
        order_by = ("-label",)

    def render_label(self, record):
        return f"#{record.pk} {record.label}"

    def render_scope(self, value):
        return value.name if value else _("全区")

    def render_tasks(self, value):
        return (value or {}).get("assigned", "—")

    def render_cross_enforcement(self, value):
        return _("是") if value else _("否")

    def render_committed_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class TaskTable(tables.Table):
    enterprise = tables.Column(
        verbose_name=_("企业"),
        accessor="enterprise__name",
        linkify=lambda record: reverse("planning:task_detail", args=[record.pk]),
        order_by="enterprise__name",
    )
    board = tables.Column(order_by=("board_id", "planned_date"))
    planned_date = tables.DateColumn(format="Y-m-d")
    team = tables.Column(verbose_name=_("执法人员"), accessor="pk", orderable=False)
    expert = tables.Column(accessor="expert__name", order_by="expert__name", default="—")

    class Meta:
        model = Task
        fields = ("planned_date", "enterprise", "board", "kind", "team", "expert", "status")
        order_by = ("planned_date",)

    def render_team(self, record):
        return f"{record.officer_1.name}、{record.officer_2.name}"

    def render_status(self, value, record):
        css = {TaskStatus.DONE: "badge badge-ok", TaskStatus.CANCELLED: "badge badge-warn"}.get(
            record.status, "badge"
        )
        return format_html('<span class="{}">{}</span>', css, value)

"""List tables. Every column reads the row or what the view prefetched: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.inspections.choices import CaseSourceStatus, HazardLevel
from zhifa.inspections.models import (
    CaseSource,
    ChecklistTemplate,
    ExtensionRequest,
    Hazard,
    Inspection,
    RectificationOrder,
)


def _own_link(record):
    return record.get_absolute_url()


class InspectionTable(tables.Table):
    enterprise = tables.Column(
        verbose_name=_("被检查单位"),
        accessor="enterprise__name",
        linkify=_own_link,
        order_by="enterprise__name",
    )
    board = tables.Column(order_by=("board_id", "-started_at"))
    started_at = tables.DateTimeColumn(verbose_name=_("检查时间"), format="Y-m-d H:i")
    team = tables.Column(verbose_name=_("执法人员"), accessor="pk", orderable=False)
    hazard_count = tables.Column(verbose_name=_("隐患"), orderable=True)

    class Meta:
        model = Inspection
        fields = ("enterprise", "board", "started_at", "origin", "status", "team", "hazard_count")
        order_by = ("-started_at",)

    def render_team(self, record):
        return "、".join(member.officer.name for member in record.team.all()) or "—"

    def render_status(self, value, record):
        css = "badge" if record.is_draft else "badge badge-ok"
        return format_html('<span class="{}">{}</span>', css, value)


class HazardTable(tables.Table):
    description = tables.Column(linkify=_own_link)
    enterprise = tables.Column(accessor="enterprise__name", order_by="enterprise__name")
    board = tables.Column(order_by=("board_id", "-created_at"))

    class Meta:
        model = Hazard
        fields = ("description", "enterprise", "board", "level", "status", "deadline", "created_at")
        order_by = ("-created_at",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def render_description(self, value):
        return value if len(value) <= 40 else value[:40] + "…"

    def render_level(self, value, record):
        if record.level == HazardLevel.MAJOR:
            return format_html('<span class="badge badge-warn">{}</span>', value)
        return value

    def render_deadline(self, value, record):
        if record.is_overdue(self.today):
            return format_html('{} <span class="badge badge-warn">{}</span>', value, _("逾期"))
        return value

    def render_created_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")


class RectificationOrderTable(tables.Table):
    number = tables.Column(verbose_name=_("文号"), accessor="pk", linkify=_own_link, orderable=False)
    enterprise = tables.Column(accessor="enterprise__name", order_by="enterprise__name")
    board = tables.Column(order_by=("board_id", "-issued_at"))
    item_count = tables.Column(verbose_name=_("隐患数"))
    open_count = tables.Column(verbose_name=_("未销号"))
    next_deadline = tables.DateColumn(verbose_name=_("最近整改期限"), format="Y-m-d")

    class Meta:
        model = RectificationOrder
        fields = ("number", "enterprise", "board", "issued_at", "item_count", "open_count", "next_deadline")
        order_by = ("-issued_at",)

    def render_number(self, record):
        return record.document.number if record.document_id and record.document.number else _("（未编号）")

    def render_issued_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")


class ExtensionRequestTable(tables.Table):
    order = tables.Column(verbose_name=_("整改指令"), accessor="order__enterprise__name", orderable=False)
    requested_deadline = tables.DateColumn(format="Y-m-d")
    detail = tables.Column(
        verbose_name="",
        accessor="pk",
        linkify=lambda record: reverse("inspections:extension_detail", args=[record.pk]),
        orderable=False,
    )

    class Meta:
        model = ExtensionRequest
        fields = ("order", "board", "requested_deadline", "applicant", "status", "created_at", "detail")
        order_by = ("-created_at",)

    def render_detail(self):
        return _("查看")

    def render_created_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")


class CaseSourceTable(tables.Table):
    description = tables.Column()
    enterprise = tables.Column(accessor="enterprise__name", order_by="enterprise__name")
    origin = tables.Column(verbose_name=_("来源"), accessor="pk", orderable=False)
    register = tables.Column(verbose_name="", accessor="pk", orderable=False)

    class Meta:
        model = CaseSource
        fields = (
            "description",
            "enterprise",
            "board",
            "origin",
            "status",
            "created_at",
            "created_by",
            "register",
        )
        order_by = ("-created_at",)

    def render_register(self, record):
        """立案: a queued source opens the case form with the finding filled in."""
        user = getattr(getattr(self, "request", None), "user", None)
        if record.status != CaseSourceStatus.QUEUED or user is None or not user.has_perm("cases.add_case"):
            return ""
        url = reverse("cases:case_from_source", args=[record.pk])
        return format_html('<a role="button" class="outline" href="{}">{}</a>', url, _("立案"))

    def render_origin(self, record):
        target = record.hazard or record.inspection
        label = _("隐患") if record.hazard_id else _("检查")
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), label)

    def render_created_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")

    def render_created_by(self, value):
        return value.get_full_name() or value.username


class ChecklistTable(tables.Table):
    name = tables.Column(linkify=_own_link)
    item_count = tables.Column(verbose_name=_("检查项"))

    class Meta:
        model = ChecklistTemplate
        fields = ("code", "version", "name", "expert_group", "status", "published_at", "item_count")
        order_by = ("code", "-version")

    def render_published_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")

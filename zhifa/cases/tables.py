"""List tables of cases, deadlines, legal reviews and procedure rules. Every column reads the row or what
the view annotated or selected: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import Case, CaseDeadline, LegalReview, ProcedureRules


def _case_link(record):
    return reverse("cases:case_detail", args=[record.case_id])


def days_left(due_on, today) -> str:
    """“还剩 3 日”, “今日届满” or “逾期 2 日”: what an officer reads first on a queue."""
    delta = (due_on - today).days
    if delta > 0:
        return str(_("还剩 %(n)s 日") % {"n": delta})
    if delta == 0:
        return str(_("今日届满"))
    return str(_("逾期 %(n)s 日") % {"n": -delta})


def due_cell(due_on, today, label: str = ""):
    if due_on is None:
        return "—"
    text = f"{due_on:%Y-%m-%d}"
    if label:
        text = f"{label} {text}"
    if due_on < today:
        return format_html('{} <span class="badge badge-warn">{}</span>', text, days_left(due_on, today))
    if (due_on - today).days <= 3:
        return format_html('{} <span class="badge badge-soon">{}</span>', text, days_left(due_on, today))
    return text


class TodayMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()


class CaseTable(TodayMixin, tables.Table):
    registration_number = tables.Column(
        verbose_name=_("立案编号"),
        linkify=lambda record: record.get_absolute_url(),
        empty_values=(),
        order_by=("registration_number", "pk"),
    )
    party_name = tables.Column(verbose_name=_("当事人"))
    cause = tables.Column(verbose_name=_("案由"))
    status = tables.Column(verbose_name=_("状态"))
    board = tables.Column(verbose_name=_("承办板块"), accessor="board__name", order_by="board__sort_order")
    next_due = tables.Column(verbose_name=_("最近期限"), empty_values=())
    registered_on = tables.DateColumn(verbose_name=_("立案日期"), format="Y-m-d")

    class Meta:
        model = Case
        fields = (
            "registration_number",
            "party_name",
            "cause",
            "status",
            "board",
            "next_due",
            "registered_on",
        )

    def render_registration_number(self, value, record):
        return value or _("（未立案 #%(pk)s）") % {"pk": record.pk}

    def render_cause(self, value):
        return value if len(value) <= 30 else value[:30] + "…"

    def render_status(self, value, record):
        return format_html('<span class="badge">{}</span>', value)

    def render_next_due(self, value, record):
        return due_cell(value, self.today, getattr(record, "next_label", "") or "")


class DeadlineTable(TodayMixin, tables.Table):
    case = tables.Column(
        verbose_name=_("案件"), accessor="case__party_name", linkify=_case_link, order_by="case__party_name"
    )
    number = tables.Column(verbose_name=_("立案编号"), accessor="case__registration_number")
    board = tables.Column(verbose_name=_("承办板块"), accessor="case__board__name", order_by="case__board")
    label = tables.Column(verbose_name=_("期限"))
    start = tables.DateColumn(verbose_name=_("起算日"), format="Y-m-d")
    due_on = tables.Column(verbose_name=_("届满日"))
    source = tables.Column(verbose_name=_("依据"))

    class Meta:
        model = CaseDeadline
        fields = ("case", "number", "board", "label", "start", "due_on", "source")
        order_by = ("due_on",)

    def render_due_on(self, value):
        return due_cell(value, self.today)

    def render_source(self, value):
        return value if len(value) <= 30 else value[:30] + "…"


class ReviewTable(TodayMixin, tables.Table):
    case = tables.Column(
        verbose_name=_("案件"), accessor="case__party_name", linkify=_case_link, order_by="case__party_name"
    )
    number = tables.Column(verbose_name=_("立案编号"), accessor="case__registration_number")
    board = tables.Column(verbose_name=_("承办板块"), accessor="case__board__name", order_by="case__board")
    round = tables.Column(verbose_name=_("轮次"))
    submitted_at = tables.Column(verbose_name=_("提交时间"))
    due_on = tables.Column(verbose_name=_("审核期限"))
    outcome = tables.Column(verbose_name=_("审核意见"), empty_values=())
    detail = tables.Column(
        verbose_name="",
        accessor="pk",
        linkify=lambda record: reverse("cases:review_detail", args=[record.pk]),
        orderable=False,
    )

    class Meta:
        model = LegalReview
        fields = ("case", "number", "board", "round", "submitted_at", "due_on", "outcome", "detail")

    def render_submitted_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_due_on(self, value, record):
        if record.outcome:
            return f"{value:%Y-%m-%d}"
        return due_cell(value, self.today)

    def render_outcome(self, value, record):
        return record.get_outcome_display() if record.outcome else _("待审核")

    def render_detail(self):
        return _("查看")


class ProcedureRulesTable(tables.Table):
    effective_from = tables.DateColumn(
        format="Y-m-d", linkify=lambda record: reverse("cases:rules_detail", args=[record.pk])
    )

    class Meta:
        model = ProcedureRules
        fields = (
            "effective_from",
            "source",
            "simple_max_person",
            "simple_max_unit",
            "hearing_min_person",
            "hearing_min_unit",
            "major_min_person",
            "major_min_unit",
            "surcharge_rate",
            "review_all_district_cases",
        )
        order_by = ("-effective_from",)

    def render_review_all_district_cases(self, value):
        return _("是") if value else _("否")

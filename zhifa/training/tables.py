"""Training lists. Every column reads the row or what the view annotated: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.orgs.models import Certificate, Officer
from zhifa.training.models import TrainingSession


def badge(ok: bool | None, yes, no, unknown="—"):
    if ok is None:
        return unknown
    css = "badge badge-ok" if ok else "badge badge-warn"
    return format_html('<span class="{}">{}</span>', css, yes if ok else no)


class TrainingSessionTable(tables.Table):
    date = tables.DateColumn(format="Y-m-d", linkify=True)
    title = tables.Column(linkify=True)
    board = tables.Column(verbose_name=_("范围"), default=_("全区"), order_by=("board__sort_order",))
    lecturer = tables.Column(accessor="lecturer__name", default="—", order_by="lecturer__name")
    attendees = tables.Column(verbose_name=_("出勤人数"), orderable=True)

    class Meta:
        model = TrainingSession
        attrs = {"class": "nowrap"}
        fields = ("date", "title", "kind", "board", "hours", "lecturer", "place", "attendees")
        order_by = ("-date",)


class OfficerHoursTable(tables.Table):
    """One officer's year: hours against the requirement, sessions attended, an exam passed."""

    name = tables.Column(verbose_name=_("姓名"))
    unit = tables.Column(verbose_name=_("单位"), order_by=("unit__sort_order", "name"))
    post = tables.Column(verbose_name=_("岗位"))
    training_hours = tables.Column(verbose_name=_("学时"))
    sessions_attended = tables.Column(verbose_name=_("参训次数"))
    met = tables.Column(verbose_name=_("学时达标"), accessor="training_hours", orderable=False)
    exam_passed = tables.Column(verbose_name=_("考试合格"))

    class Meta:
        model = Officer
        attrs = {"class": "nowrap"}
        fields = ("name", "unit", "post", "training_hours", "sessions_attended", "met", "exam_passed")
        order_by = ("unit", "name")

    def __init__(self, *args, standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = standard

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("orgs:officer_detail", args=[record.pk]), value)

    def render_training_hours(self, value):
        return f"{value.normalize():f}"

    def render_met(self, value):
        return badge(self.standard.met(value), _("达标"), _("未达标"))

    def render_exam_passed(self, value):
        return badge(value, _("合格"), _("无"))


class ReadinessTable(tables.Table):
    """Certificates expiring soon and whether their holders are ready to renew (hours met, exam passed)."""

    officer = tables.Column(verbose_name=_("持证人"), accessor="officer__name", order_by="officer__name")
    unit = tables.Column(
        verbose_name=_("单位"), accessor="officer__unit__name", order_by="officer__unit__sort_order"
    )
    number = tables.Column(verbose_name=_("证件编号"))
    valid_to = tables.DateColumn(format="Y-m-d", verbose_name=_("有效期至"))
    training_hours = tables.Column(verbose_name=_("本年学时"))
    met = tables.Column(verbose_name=_("学时达标"), accessor="training_hours", orderable=False)
    exam_passed = tables.Column(verbose_name=_("本年考试合格"))
    ready = tables.Column(verbose_name=_("换证准备"), accessor="pk", orderable=False)

    class Meta:
        model = Certificate
        attrs = {"class": "nowrap"}
        fields = ("officer", "unit", "number", "valid_to", "training_hours", "met", "exam_passed", "ready")
        order_by = ("valid_to",)

    def __init__(self, *args, standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = standard

    def render_officer(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("orgs:officer_detail", args=[record.officer_id]), value
        )

    def render_training_hours(self, value):
        return f"{value.normalize():f}"

    def render_met(self, value):
        return badge(self.standard.met(value), _("达标"), _("未达标"))

    def render_exam_passed(self, value):
        return badge(value, _("合格"), _("无"))

    def render_ready(self, record):
        met = self.standard.met(record.training_hours)
        if met is None:
            return "—"
        return badge(met and record.exam_passed, _("已具备"), _("未具备"))

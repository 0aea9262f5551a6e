import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.core.calendar import WEEKDAY_NAMES
from zhifa.core.models import CalendarDay, PeriodRule


class CalendarDayTable(tables.Table):
    weekday = tables.Column(verbose_name=_("星期"), accessor="date", orderable=False)
    actions = tables.Column(verbose_name=_("操作"), accessor="pk", orderable=False)

    class Meta:
        model = CalendarDay
        attrs = {"class": "nowrap"}
        fields = ("date", "weekday", "is_workday", "name", "source", "actions")
        order_by = ("-date",)

    def render_weekday(self, value):
        return WEEKDAY_NAMES[value.weekday()]

    def render_is_workday(self, value):
        return _("上班（调休）") if value else _("放假")

    def render_actions(self, value):
        request = getattr(self, "request", None)
        if request is None or not request.user.has_perm("core.change_calendarday"):
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("calendar:day_edit", args=[value]), _("编辑"))


class PeriodRuleTable(tables.Table):
    name = tables.Column(linkify=False)
    length = tables.Column(verbose_name=_("期限"))
    actions = tables.Column(verbose_name=_("操作"), accessor="pk", orderable=False)

    class Meta:
        model = PeriodRule
        fields = ("code", "name", "length", "source", "local", "effective_from", "active", "actions")
        order_by = ("code", "-effective_from")

    def render_length(self, value, record):
        return f"{value}{record.get_unit_display()}"

    def render_local(self, value):
        return _("本地/可配置") if value else _("法定")

    def render_active(self, value):
        return _("启用") if value else _("停用")

    def render_actions(self, value):
        request = getattr(self, "request", None)
        if request is None or not request.user.has_perm("core.change_periodrule"):
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("calendar:rule_edit", args=[value]), _("编辑"))

"""Calendar pages: the years known, a month's working days, a deadline calculator, override days,
importing a year's arrangement and the statutory period rules.

Every business role reads them (deadlines are computed from them); only the system administrator
changes them. Every read goes through ``zhifa.core.calendar`` so the pages show what the workflows use.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhifa.core import calendar
from zhifa.core.calendar_filtersets import CalendarDayFilterSet, PeriodRuleFilterSet
from zhifa.core.calendar_forms import CalendarDayForm, CalendarImportForm, PeriodRuleForm
from zhifa.core.calendar_tables import CalendarDayTable, PeriodRuleTable
from zhifa.core.choices import PeriodUnit
from zhifa.core.models import CalendarDay, PeriodRule
from zhifa.core.views import ObjectEditView, ObjectListView, PermissionMixin

#: From this month on, the overview reminds that next year's arrangement is due (the State Council
#: usually publishes it in November).
REMIND_FROM_MONTH = 11


def parse_month(value: str, default: date) -> tuple[int, int] | None:
    if not value:
        return default.year, default.month
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not found or not 1 <= int(found[2]) <= 12 or not 1900 <= int(found[1]) <= 2200:
        return None
    return int(found[1]), int(found[2])


def month_grid(year: int, month: int) -> list[list[calendar.DayInfo | None]]:
    """The month's days in weeks from Monday to Sunday, padded with None."""
    days: list[calendar.DayInfo | None] = [None] * date(year, month, 1).weekday()
    days.extend(calendar.month_days(year, month))
    days.extend([None] * (-len(days) % 7))
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def compute_due(params) -> tuple[calendar.Due | None, dict[str, str]]:
    """The calculator: ``start`` with ``rule``, or with ``n`` and ``unit``; errors by field, in Chinese."""
    errors: dict[str, str] = {}
    start_text = (params.get("start") or "").strip()
    if not start_text:
        return None, errors
    try:
        start = date.fromisoformat(start_text)
    except ValueError:
        return None, {"start": _("起算日应为 YYYY-MM-DD 格式的日期")}
    rule = (params.get("rule") or "").strip()
    try:
        if rule:
            return calendar.rule_due(rule, start), errors
        n_text = (params.get("n") or "").strip()
        if not re.fullmatch(r"\d{1,4}", n_text):
            errors["n"] = _("期限应为 0–9999 的整数")
        unit = params.get("unit") or ""
        if unit not in PeriodUnit.values:
            errors["unit"] = _("请选择计算单位：工作日、自然日或月")
        if errors:
            return None, errors
        return calendar.due(start, int(n_text), unit), errors
    except calendar.UnknownPeriodRule as exc:
        return None, {"rule": str(exc)}
    except calendar.CalendarError as exc:
        return None, {"n": str(exc)}


class CalendarOverviewView(PermissionMixin, View):
    permission = "core.view_calendarday"
    template_name = "core/calendar.html"

    def get(self, request):
        today = timezone.localdate()
        parsed = parse_month(request.GET.get("month", ""), today)
        month_error = ""
        if parsed is None:
            month_error = _("月份应为 YYYY-MM，如 2026-02；已显示本月")
            parsed = (today.year, today.month)
        year, month = parsed
        first = date(year, month, 1)
        previous = first - timedelta(1)
        following = first + timedelta(32)
        result, errors = compute_due(request.GET)
        days = calendar.month_days(year, month)
        context = {
            "title": _("工作日历与法定期限"),
            "today": today,
            "year": year,
            "month": month,
            "month_error": month_error,
            "weeks": month_grid(year, month),
            "weekday_names": calendar.WEEKDAY_NAMES,
            "working_count": sum(1 for d in days if d.is_workday),
            "month_known": calendar.is_year_known(year),
            "month_warning": "" if calendar.is_year_known(year) else calendar.unknown_year_warning(year),
            "previous_month": f"{previous.year}-{previous.month:02d}",
            "next_month": f"{following.year}-{following.month:02d}",
            "years": calendar.known_years(),
            "next_year_missing": today.month >= REMIND_FROM_MONTH
            and not calendar.is_year_known(today.year + 1),
            "next_year": today.year + 1,
            "rules": calendar.rules_in_force(today),
            "units": PeriodUnit.choices,
            "params": request.GET,
            "result": result,
            "errors": errors,
            "can_import": request.user.has_perm("core.add_calendaryear"),
        }
        return render(request, self.template_name, context)


class CalendarDayListView(ObjectListView):
    permission = "core.view_calendarday"
    queryset = CalendarDay.objects.all()
    filterset = CalendarDayFilterSet
    table = CalendarDayTable
    title = gettext_lazy("节假日调整")
    add_url_name = "calendar:day_add"
    add_permission = "core.add_calendarday"
    per_page = 50


class CalendarDayEditView(ObjectEditView):
    queryset = CalendarDay.objects.all()
    form = CalendarDayForm
    template_name = "core/calendarday_edit.html"


class CalendarDayDeleteView(PermissionMixin, View):
    """Removes an override: the day follows the imported year, ``chinesecalendar`` or Monday–Friday again."""

    permission = "core.delete_calendarday"

    def post(self, request, pk):
        day = get_object_or_404(CalendarDay.objects.restrict(request.user, "delete"), pk=pk)
        text = str(day)
        with transaction.atomic():
            day.delete()
        messages.success(request, _("已删除：%(day)s") % {"day": text})
        return redirect("calendar:day_list")


class CalendarImportView(PermissionMixin, View):
    permission = "core.add_calendaryear"
    template_name = "core/calendar_import.html"

    def render_form(self, request, form, errors=()):
        return render(
            request,
            self.template_name,
            {"form": form, "errors": list(errors), "title": _("导入节假日安排"), "kinds": calendar.KINDS},
        )

    def get(self, request):
        initial = {"year": timezone.localdate().year + 1}
        return self.render_form(request, CalendarImportForm(initial=initial))

    def post(self, request):
        form = CalendarImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, form)
        data = form.cleaned_data
        try:
            result = calendar.import_year(
                data["year"], data["file"], source=data["source"], user=request.user
            )
        except calendar.CalendarImportError as exc:
            form.add_error(
                None, _("安排文件有 %(n)d 处错误，未导入任何数据，请改正后重新上传") % {"n": len(exc.errors)}
            )
            return self.render_form(request, form, exc.errors)
        messages.success(request, str(result))
        return redirect(f"{reverse('calendar:overview')}?month={data['year']}-01")


class PeriodRuleListView(ObjectListView):
    permission = "core.view_periodrule"
    queryset = PeriodRule.objects.all()
    filterset = PeriodRuleFilterSet
    table = PeriodRuleTable
    title = gettext_lazy("法定期限")
    add_url_name = "calendar:rule_add"
    add_permission = "core.add_periodrule"
    per_page = 50


class PeriodRuleEditView(ObjectEditView):
    queryset = PeriodRule.objects.all()
    form = PeriodRuleForm

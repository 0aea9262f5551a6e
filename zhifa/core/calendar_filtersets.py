"""Filters of the calendar lists and endpoints: override days by year and status, rules by text."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import PeriodUnit
from zhifa.core.filtersets import SearchFilterSet, yes_no_filter
from zhifa.core.models import CalendarDay, PeriodRule


class CalendarDayFilterSet(SearchFilterSet):
    search_fields = ("name__icontains", "source__icontains")
    # Bounded: a year outside 1–9999 has no dates (it was a 500, found by make fuzz).
    year = django_filters.NumberFilter(field_name="date__year", label=_("年份"), min_value=1, max_value=9999)
    is_workday = yes_no_filter(_("是否上班"))

    class Meta:
        model = CalendarDay
        fields = ("q", "year", "is_workday")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("搜索名称或依据")


class PeriodRuleFilterSet(SearchFilterSet):
    search_fields = ("code__icontains", "name__icontains", "source__icontains")
    unit = django_filters.ChoiceFilter(choices=PeriodUnit.choices, label=_("计算单位"), empty_label=_("全部"))
    local = yes_no_filter(_("本地/可配置"))
    active = yes_no_filter(_("启用"))

    class Meta:
        model = PeriodRule
        fields = ("q", "unit", "local", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("搜索代码、名称或依据")

"""Filters of the planning lists (pages and API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet
from zhifa.core.formfields import RecordIdFilter
from zhifa.orgs.models import Region
from zhifa.planning.choices import DrawStatus, PlanStatus, TaskKind, TaskStatus
from zhifa.planning.forms import parse_month
from zhifa.planning.models import AnnualPlan, Draw, Task
from zhifa.planning.workdays import month_bounds


def _board_filter():
    return django_filters.ModelChoiceFilter(queryset=Region.objects.boards(), label=_("板块"))


class MonthFilter(django_filters.CharFilter):
    """``YYYY-MM``: rows whose ``field_name`` (a date) falls in that month; anything else matches none."""

    def filter(self, qs, value):
        if not value:
            return qs
        parsed = parse_month(value)
        if parsed is None:
            return qs.none()
        first, last = month_bounds(*parsed)
        return qs.filter(**{f"{self.field_name}__gte": first, f"{self.field_name}__lte": last})


class PlanFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("状态"))

    class Meta:
        model = AnnualPlan
        fields = ["year", "status"]


class DrawFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    month = django_filters.NumberFilter(label=_("月份"))
    board = _board_filter()
    status = django_filters.ChoiceFilter(choices=DrawStatus.choices, label=_("状态"))

    class Meta:
        model = Draw
        fields = ["year", "month", "board", "status"]


class TaskFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name__icontains", "enterprise__uscc__iexact")
    month = MonthFilter(field_name="planned_date", label=_("月份（YYYY-MM）"))
    board = _board_filter()
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, label=_("类型"))
    draw = RecordIdFilter(field_name="draw_id", label=_("抽取编号"))

    class Meta:
        model = Task
        fields = ["q", "month", "board", "status", "kind", "draw"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("企业（名称或统一社会信用代码）")
        self.filters["month"].field.widget.input_type = "month"

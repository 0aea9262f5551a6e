"""API filters: those of the pages, plus a task's member."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.formfields import RecordIdFilter
from zhifa.planning.filtersets import DrawFilterSet, PlanFilterSet, TaskFilterSet

__all__ = ["DrawFilterSet", "PlanFilterSet", "TaskAPIFilterSet"]


class TaskAPIFilterSet(TaskFilterSet):
    officer = RecordIdFilter(method="by_officer", label=_("执法人员编号"))
    expert = RecordIdFilter(field_name="expert_id", label=_("专家编号"))
    date_from = django_filters.DateFilter(field_name="planned_date", lookup_expr="gte", label=_("日期自"))
    date_to = django_filters.DateFilter(field_name="planned_date", lookup_expr="lte", label=_("日期至"))

    class Meta(TaskFilterSet.Meta):
        fields = [*TaskFilterSet.Meta.fields, "officer", "expert", "date_from", "date_to"]

    def by_officer(self, queryset, name, value):
        return queryset.filter(Q(officer_1_id=value) | Q(officer_2_id=value))

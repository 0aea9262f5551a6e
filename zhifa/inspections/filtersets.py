"""Filters of the inspection lists. The dashboards link here with the same parameters."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet, yes_no_filter
from zhifa.inspections.choices import (
    CaseSourceStatus,
    ExtensionStatus,
    HazardLevel,
    HazardStatus,
    InspectionOrigin,
    InspectionStatus,
)
from zhifa.inspections.models import (
    CaseSource,
    ChecklistTemplate,
    ExtensionRequest,
    Hazard,
    Inspection,
    RectificationOrder,
)
from zhifa.orgs.models import Region

ENTERPRISE_SEARCH = ("enterprise__name__icontains", "enterprise__uscc__iexact")


def _board_filter():
    return django_filters.ModelChoiceFilter(queryset=Region.objects.boards(), label=_("板块"))


def _day_filter(field: str, lookup: str, label):
    """A date bound on a time field, by the Beijing day (``__date``)."""
    return django_filters.DateFilter(
        field_name=f"{field}__date",
        lookup_expr=lookup,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class InspectionFilterSet(SearchFilterSet):
    search_fields = ENTERPRISE_SEARCH
    board = _board_filter()
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("状态"))
    origin = django_filters.ChoiceFilter(choices=InspectionOrigin.choices, label=_("检查类型"))
    date_from = django_filters.DateFilter(
        field_name="started_at__date",
        lookup_expr="gte",
        label=_("检查日期自"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="started_at__date",
        lookup_expr="lte",
        label=_("检查日期至"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # The bulletin's "2+1" and cross-enforcement figures link here with these.
    two_plus_one = yes_no_filter(
        _("“2+1”（有专家参加）"), field_name="expert", lookup_expr="isnull", exclude=True
    )
    cross = yes_no_filter(_("交叉执法"), field_name="cross_enforcement")

    class Meta:
        model = Inspection
        fields = ["q", "board", "status", "origin", "date_from", "date_to", "two_plus_one", "cross"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("企业（名称或统一社会信用代码）")


class HazardFilterSet(SearchFilterSet):
    search_fields = ENTERPRISE_SEARCH
    board = _board_filter()
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("隐患等级"))
    status = django_filters.ChoiceFilter(choices=HazardStatus.choices, label=_("状态"))
    open = yes_no_filter(_("未销号"), method="filter_open")
    overdue = yes_no_filter(_("逾期"), method="filter_overdue")
    # The bulletin's hazard figures (found, rectified in a month) link here with these.
    found_from = _day_filter("created_at", "gte", _("发现日期自"))
    found_to = _day_filter("created_at", "lte", _("发现日期至"))
    closed_from = _day_filter("closed_at", "gte", _("销号日期自"))
    closed_to = _day_filter("closed_at", "lte", _("销号日期至"))

    class Meta:
        model = Hazard
        fields = [
            "q",
            "board",
            "level",
            "status",
            "open",
            "overdue",
            "found_from",
            "found_to",
            "closed_from",
            "closed_to",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("企业（名称或统一社会信用代码）")

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.open() if value else queryset.filter(status=HazardStatus.CLOSED)

    def filter_overdue(self, queryset, name, value):
        # Overdue is derived from the deadline (HazardQuerySet.overdue), never stored.
        if value is None:
            return queryset
        return queryset.overdue() if value else queryset.exclude(pk__in=Hazard.objects.overdue().values("pk"))


class RectificationOrderFilterSet(SearchFilterSet):
    search_fields = ENTERPRISE_SEARCH
    board = _board_filter()

    class Meta:
        model = RectificationOrder
        fields = ["q", "board"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("企业（名称或统一社会信用代码）")


class ExtensionRequestFilterSet(django_filters.FilterSet):
    board = _board_filter()
    status = django_filters.ChoiceFilter(choices=ExtensionStatus.choices, label=_("状态"))

    class Meta:
        model = ExtensionRequest
        fields = ["board", "status"]


class CaseSourceFilterSet(SearchFilterSet):
    search_fields = ENTERPRISE_SEARCH
    board = _board_filter()
    status = django_filters.ChoiceFilter(choices=CaseSourceStatus.choices, label=_("状态"))

    class Meta:
        model = CaseSource
        fields = ["q", "board", "status"]

    def __init__(self, data=None, *args, **kwargs):
        # The queue: without a chosen status, show what awaits registration.
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = CaseSourceStatus.QUEUED
        super().__init__(data, *args, **kwargs)
        self.filters["q"].label = _("企业（名称或统一社会信用代码）")


class ChecklistFilterSet(SearchFilterSet):
    search_fields = ("name__icontains", "code__iexact")

    class Meta:
        model = ChecklistTemplate
        fields = ["q", "status", "expert_group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("名称或代码")

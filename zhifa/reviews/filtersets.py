"""Filters of the round list and the reviewer's queue (the pages and the API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet
from zhifa.core.formfields import RecordIdFilter
from zhifa.reviews.choices import AssignmentStatus, RoundKind, RoundStatus
from zhifa.reviews.models import ReviewAssignment, ReviewRound


class ReviewRoundFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（名称）"))
    kind = django_filters.ChoiceFilter(choices=RoundKind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label=_("状态"))
    search_fields = ("name__icontains",)

    class Meta:
        model = ReviewRound
        fields = ["q", "kind", "status"]


class ReviewAssignmentFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（当事人、案由、立案编号）"))
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("状态"))
    round = RecordIdFilter(field_name="round_id", label=_("评审轮次编号"), min_value=1)
    search_fields = (
        "case__party_name__icontains",
        "case__cause__icontains",
        "case__registration_number__icontains",
    )

    class Meta:
        model = ReviewAssignment
        fields = ["q", "status", "round"]

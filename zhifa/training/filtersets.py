"""Filters of the session list (the page and the API share them)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet
from zhifa.orgs.models import Region
from zhifa.training.choices import TrainingKind
from zhifa.training.models import TrainingSession


class TrainingSessionFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（主题、地点）"))
    board = django_filters.ModelChoiceFilter(
        queryset=Region.objects.boards(), method="filter_board", label=_("板块（含全区培训）")
    )
    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices, label=_("形式"))
    year = django_filters.NumberFilter(method="filter_year", label=_("年度"), min_value=2000, max_value=9999)
    search_fields = ("title__icontains", "place__icontains")

    class Meta:
        model = TrainingSession
        fields = ["q", "board", "kind", "year"]

    def filter_board(self, queryset, name, value):
        return queryset.filter(Q(board=value) | Q(board__isnull=True)) if value else queryset

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value)) if value is not None else queryset

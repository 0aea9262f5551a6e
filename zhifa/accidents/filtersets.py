"""Filters of the accident list (the page and the API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.accidents.choices import AccidentCategory, AccidentLevel
from zhifa.accidents.models import Accident
from zhifa.core.filtersets import SearchFilterSet
from zhifa.orgs.models import Region


class AccidentFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（事故单位、地点）"))
    board = django_filters.ModelChoiceFilter(queryset=Region.objects.boards(), label=_("板块"))
    year = django_filters.NumberFilter(method="filter_year", label=_("年度"), min_value=1949, max_value=9999)
    level = django_filters.ChoiceFilter(choices=AccidentLevel.choices, label=_("事故等级"))
    category = django_filters.ChoiceFilter(choices=AccidentCategory.choices, label=_("行业类别"))
    search_fields = ("unit_name__icontains", "place__icontains")

    class Meta:
        model = Accident
        fields = ["q", "board", "year", "level", "category"]

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value)) if value is not None else queryset

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.experts.models import Expert, ExpertGroup


class ExpertFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（姓名、工作单位）"))
    group = django_filters.ModelChoiceFilter(
        field_name="groups", queryset=ExpertGroup.objects.all(), label=_("专业组")
    )
    active = django_filters.BooleanFilter(label=_("在库"))

    class Meta:
        model = Expert
        fields = ["q", "group", "active"]

    def search(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(employer__icontains=value))

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.orgs.choices import CertificateLevel, CertificateStatus, Employment, Post, RegionKind
from zhifa.orgs.models import Certificate, Officer, Region


class RegionFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices, label=_("类型"))
    parent = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("上级"))

    class Meta:
        model = Region
        fields = ["kind", "parent"]


class OfficerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（姓名）"))
    unit = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("所在单位"))
    post = django_filters.ChoiceFilter(choices=Post.choices, label=_("岗位"))
    employment = django_filters.ChoiceFilter(choices=Employment.choices, label=_("用工性质"))
    active = django_filters.BooleanFilter(label=_("在岗"))
    certified = django_filters.BooleanFilter(method="filter_certified", label=_("今日持有效执法证"))

    class Meta:
        model = Officer
        fields = ["q", "unit", "post", "employment", "active", "certified"]

    def search(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_certified(self, queryset, name, value: bool):
        if "certified" not in queryset.query.annotations:
            queryset = queryset.with_certified()
        return queryset.filter(certified=value)


class CertificateFilterSet(django_filters.FilterSet):
    officer = django_filters.NumberFilter(field_name="officer_id", label=_("持证人编号"))
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices, label=_("状态"))
    level = django_filters.ChoiceFilter(choices=CertificateLevel.choices, label=_("发证层级"))

    class Meta:
        model = Certificate
        fields = ["officer", "status", "level"]

"""Filters of the bulletin list (the page and the API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.bulletins.choices import BulletinStatus
from zhifa.bulletins.models import Bulletin


class BulletinFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        field_name="month__year", label=_("年度"), min_value=2000, max_value=9999
    )
    status = django_filters.ChoiceFilter(choices=BulletinStatus.choices, label=_("状态"))

    class Meta:
        model = Bulletin
        fields = ["year", "status"]

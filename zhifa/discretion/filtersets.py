"""Filters of the benchmark lists (pages and API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import SearchFilterSet
from zhifa.core.formfields import RecordIdFilter
from zhifa.discretion.choices import CatalogueStatus, Party
from zhifa.discretion.models import Catalogue, ViolationType


class InForceFilter(django_filters.DateFilter):
    """Rows of the version in force on the date; ``field_name`` is the path to the catalogue's pk."""

    def filter(self, qs, value):
        if not value:
            return qs
        catalogue = Catalogue.objects.in_force(value)
        if catalogue is None:
            return qs.none()
        return qs.filter(**{self.field_name: catalogue.pk})


class CatalogueFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CatalogueStatus.choices, label=_("状态"))
    in_force = InForceFilter(field_name="pk", label=_("某日生效的版本（YYYY-MM-DD）"))

    class Meta:
        model = Catalogue
        fields = ["status", "in_force"]


class ViolationTypeFilterSet(SearchFilterSet):
    search_fields = (
        "code__iexact",
        "name__icontains",
        "article_violated__icontains",
        "penalty_article__icontains",
    )
    catalogue = RecordIdFilter(field_name="catalogue_id", label=_("裁量基准编号"))
    in_force = InForceFilter(field_name="catalogue_id", label=_("某日生效的版本（YYYY-MM-DD）"))
    party = django_filters.ChoiceFilter(choices=Party.choices, label=_("处罚对象"))

    class Meta:
        model = ViolationType
        fields = ["q", "catalogue", "in_force", "party"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("违法行为、编号或条款")

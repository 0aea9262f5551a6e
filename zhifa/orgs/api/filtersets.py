from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.core.formfields import RecordIdFilter
from zhifa.orgs.choices import CertificateLevel, CertificateStatus, RegionKind
from zhifa.orgs.models import Certificate, Region


class RegionFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices, label=_("类型"))
    parent = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("上级"))

    class Meta:
        model = Region
        fields = ["kind", "parent"]


class CertificateFilterSet(django_filters.FilterSet):
    officer = RecordIdFilter(field_name="officer_id", label=_("持证人编号"))
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices, label=_("状态"))
    level = django_filters.ChoiceFilter(choices=CertificateLevel.choices, label=_("发证层级"))

    class Meta:
        model = Certificate
        fields = ["officer", "status", "level"]

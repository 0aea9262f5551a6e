"""The API's filters: the list pages' filtersets (one query string filters alike in both places), plus
the record links a client needs (enterprise, inspection, order) and the lists the pages lack."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhifa.core.filtersets import yes_no_filter
from zhifa.core.formfields import RecordIdFilter
from zhifa.inspections import filtersets as pages
from zhifa.inspections.choices import EvidenceKind, InspectionStatus
from zhifa.inspections.models import Evidence, ReInspection
from zhifa.orgs.models import Region


def board_filter():
    return django_filters.ModelChoiceFilter(queryset=Region.objects.boards(), label=_("板块"))


def id_filter(field: str, label):
    return RecordIdFilter(field_name=f"{field}_id", label=label)


class InspectionFilterSet(pages.InspectionFilterSet):
    enterprise = id_filter("enterprise", _("企业编号"))
    checklist = id_filter("checklist", _("检查表编号"))
    officer = RecordIdFilter(method="filter_officer", label=_("执法人员编号"))
    cross_enforcement = yes_no_filter(_("交叉执法"))

    class Meta(pages.InspectionFilterSet.Meta):
        fields = [
            *pages.InspectionFilterSet.Meta.fields,
            "enterprise",
            "checklist",
            "officer",
            "cross_enforcement",
        ]

    def filter_officer(self, queryset, name, value):
        return queryset.filter(team__officer_id=value).distinct()


class HazardFilterSet(pages.HazardFilterSet):
    enterprise = id_filter("enterprise", _("企业编号"))
    inspection = id_filter("inspection", _("检查编号"))

    class Meta(pages.HazardFilterSet.Meta):
        fields = [*pages.HazardFilterSet.Meta.fields, "enterprise", "inspection"]


class RectificationOrderFilterSet(pages.RectificationOrderFilterSet):
    enterprise = id_filter("enterprise", _("企业编号"))
    inspection = id_filter("inspection", _("检查编号"))

    class Meta(pages.RectificationOrderFilterSet.Meta):
        fields = [*pages.RectificationOrderFilterSet.Meta.fields, "enterprise", "inspection"]


class ExtensionRequestFilterSet(pages.ExtensionRequestFilterSet):
    order = id_filter("order", _("整改指令编号"))

    class Meta(pages.ExtensionRequestFilterSet.Meta):
        fields = [*pages.ExtensionRequestFilterSet.Meta.fields, "order"]


class ReInspectionFilterSet(django_filters.FilterSet):
    board = board_filter()
    order = id_filter("order", _("整改指令编号"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("状态"))

    class Meta:
        model = ReInspection
        fields = ["board", "order", "status"]


class EvidenceFilterSet(django_filters.FilterSet):
    board = board_filter()
    inspection = id_filter("inspection", _("检查编号"))
    hazard = id_filter("hazard", _("隐患编号"))
    reinspection = id_filter("reinspection", _("复查编号"))
    kind = django_filters.ChoiceFilter(choices=EvidenceKind.choices, label=_("类别"))
    sha256 = django_filters.CharFilter(label=_("SHA-256"))

    class Meta:
        model = Evidence
        fields = ["board", "inspection", "hazard", "reinspection", "kind", "sha256"]

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema

from zhifa.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, schema_tags
from zhifa.orgs.api.filtersets import CertificateFilterSet, RegionFilterSet
from zhifa.orgs.api.serializers import CertificateSerializer, OfficerSerializer, RegionSerializer
from zhifa.orgs.filtersets import OfficerFilterSet
from zhifa.orgs.models import Certificate, Officer, Region


@extend_schema(tags=schema_tags(_("区划与板块")), description=_("本区及各板块（只读，由系统管理员维护）。"))
class RegionViewSet(ScopedReadOnlyViewSet):
    """The district and its boards (read-only; maintained by the system administrator)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "sort_order"]


@extend_schema(
    tags=schema_tags(_("执法人员")),
    description=_(
        "区局、执法大队与各板块的执法人员。身份证号和电话仅有相应权限者可见全文。人员不删除，离岗请置“在岗”为否。"
    ),
)
class OfficerViewSet(ScopedModelViewSet):
    """Officers of the bureau, the brigade and the boards. Records are never deleted (set ``active``)."""

    queryset = Officer.objects.all()
    serializer_class = OfficerSerializer
    filterset_class = OfficerFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "post", "unit"]

    def optimize(self, queryset):
        return queryset.select_related("unit").with_certified()

    def _annotate_certified(self, serializer):
        # A newly created (or reloaded) instance lacks the list's annotation; one query for one row.
        officer = serializer.instance
        officer.certified = officer.is_certified_on(timezone.localdate())

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._annotate_certified(serializer)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self._annotate_certified(serializer)


@extend_schema(
    tags=schema_tags(_("执法证")), description=_("执法证。暂扣、吊销通过修改状态并填写原因完成，不删除。")
)
class CertificateViewSet(ScopedModelViewSet):
    """Enforcement certificates. Suspension or revocation is a status change with a reason, not deletion."""

    queryset = Certificate.objects.all()
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    search_fields = ["number", "officer__name"]
    ordering_fields = ["number", "valid_to", "valid_from"]

    def optimize(self, queryset):
        return queryset.select_related("officer")

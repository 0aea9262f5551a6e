from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema

from zhifa.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, schema_tags
from zhifa.experts.api.serializers import ExpertGroupSerializer, ExpertSerializer
from zhifa.experts.filtersets import ExpertFilterSet
from zhifa.experts.models import Expert, ExpertGroup


@extend_schema(tags=schema_tags(_("专家组")), description=_("专家库的专业组（只读，由系统管理员维护）。"))
class ExpertGroupViewSet(ScopedReadOnlyViewSet):
    """Professional groups of the pool (read-only; maintained by the system administrator)."""

    queryset = ExpertGroup.objects.all()
    serializer_class = ExpertGroupSerializer
    search_fields = ["code", "name", "topics"]
    ordering_fields = ["sort_order", "code", "name"]


@extend_schema(
    tags=schema_tags(_("专家")),
    description=_("专家库。专家本人账号只能看到本人记录；电话仅显示打码值。专家不删除，出库请置“在库”为否。"),
)
class ExpertViewSet(ScopedModelViewSet):
    """Experts of the pool; an expert's own account sees its own record only. Never deleted."""

    queryset = Expert.objects.all()
    serializer_class = ExpertSerializer
    filterset_class = ExpertFilterSet
    search_fields = ["name", "employer"]
    ordering_fields = ["name"]

    def optimize(self, queryset):
        return queryset.prefetch_related("groups")

    def perform_create(self, serializer):
        with transaction.atomic():  # the expert and its groups, or neither
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

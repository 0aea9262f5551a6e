"""The benchmark under /api/v1/: ``catalogues`` and ``violation-types`` (read only; drafts are the
system administrator's) and ``POST violation-types/{id}/propose/`` (试算, nothing is written)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhifa.core.api import ScopedReadOnlyViewSet, schema_tags
from zhifa.discretion import engine
from zhifa.discretion.api.serializers import (
    CatalogueSerializer,
    ProposalSerializer,
    ProposeInputSerializer,
    ViolationTypeSerializer,
)
from zhifa.discretion.filtersets import CatalogueFilterSet, ViolationTypeFilterSet
from zhifa.discretion.models import Catalogue, Factor, Tier, ViolationType


@extend_schema(
    tags=schema_tags(_("裁量基准")),
    description=_("行政处罚裁量基准的各版本（按生效日期）；in_force=YYYY-MM-DD 取某日生效的版本。"),
)
class CatalogueViewSet(ScopedReadOnlyViewSet):
    queryset = Catalogue.objects.all()
    serializer_class = CatalogueSerializer
    filterset_class = CatalogueFilterSet
    ordering_fields = ["effective_from"]

    def optimize(self, queryset):
        return queryset.annotate(type_count=Count("violation_types")).prefetch_related(
            Prefetch("factors", queryset=Factor.objects.order_by("kind", "order", "pk"))
        )


@extend_schema(
    tags=schema_tags(_("裁量基准")),
    description=_(
        "裁量基准中的违法行为：违法条款、处罚依据、法定罚款幅度、裁量阶次与适用的裁量情节。"
        "可按版本（catalogue）、某日生效的版本（in_force）、处罚对象（party）筛选，q 搜索违法行为、编号或条款。"
    ),
)
class ViolationTypeViewSet(ScopedReadOnlyViewSet):
    queryset = ViolationType.objects.all()
    serializer_class = ViolationTypeSerializer
    filterset_class = ViolationTypeFilterSet
    ordering_fields = ["order", "code"]
    required_perms = {"propose": "discretion.propose_violationtype"}

    def get_queryset(self):
        # 试算 reads the entry (POST but nothing written): the view scope applies to every action.
        return self.optimize(ViolationType.objects.restrict(self.request.user, "view"))

    def optimize(self, queryset):
        return (
            queryset.select_related("catalogue")
            .prefetch_related(
                Prefetch("tiers", queryset=Tier.objects.order_by("order", "pk")),
                Prefetch("factors", queryset=Factor.objects.order_by("kind", "order", "pk")),
                Prefetch(
                    "catalogue__factors",
                    queryset=Factor.objects.filter(violation_type__isnull=True).order_by(
                        "kind", "order", "pk"
                    ),
                    to_attr="general_factors",
                ),
            )
            .order_by("catalogue", "order", "code")
        )

    @extend_schema(
        request=ProposeInputSerializer,
        responses={
            200: ProposalSerializer,
            400: OpenApiResponse(description=_("输入有误，如裁量情节代码不适用于该违法行为")),
        },
        description=_(
            "试算：按是否初次违法、危害后果是否轻微、是否及时改正和所选裁量情节，给出裁量阶次、罚款幅度、"
            "建议罚款、引用条款和说明。不保存任何记录。"
        ),
    )
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        violation_type = self.get_object()
        data = ProposeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            proposal = engine.propose(
                violation_type,
                first_offence=values["first_offence"],
                minor=values["minor"],
                corrected_in_time=values["corrected_in_time"],
                factors=values["factors"],
                circumstances=values["circumstances"],
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"factors": [str(m) for m in exc.messages]}) from exc
        return Response(proposal.as_dict())

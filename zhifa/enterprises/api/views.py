from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from zhifa.core.api import ScopedModelViewSet, schema_tags
from zhifa.enterprises import services
from zhifa.enterprises.api.serializers import EnterpriseSerializer, OverrideClassSerializer
from zhifa.enterprises.filtersets import EnterpriseFilterSet
from zhifa.enterprises.models import Enterprise

STALE_VERSION = OpenApiResponse(
    description=_("该企业已被他人修改（回传的版本号不是当前版本），请刷新后重新填写")
)


@extend_schema_view(
    update=extend_schema(responses={200: EnterpriseSerializer, 409: STALE_VERSION}),
    partial_update=extend_schema(responses={200: EnterpriseSerializer, 409: STALE_VERSION}),
)
@extend_schema(
    tags=schema_tags(_("企业")),
    description=_(
        "企业台账。保存时按现行规则自动分类分级并记录历史；"
        "修改时回传 version，若已被他人修改返回 409。企业不删除。"
    ),
)
class EnterpriseViewSet(ScopedModelViewSet):
    """The enterprise registry. Saving reclassifies (分类分级) and keeps the history; never deleted."""

    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    search_fields = ["name", "uscc", "legal_representative", "address"]
    ordering_fields = ["name", "uscc", "enforcement_class", "board", "updated_at"]
    required_perms = {"override_class": "enterprises.override_class"}

    def optimize(self, queryset):
        return queryset.select_related("board", "industry")

    def get_queryset(self):
        if getattr(self, "action", None) == "override_class":
            # Overriding changes the record: the rows the user may change, whatever the HTTP method.
            return self.optimize(Enterprise.objects.restrict(self.request.user, "change"))
        return super().get_queryset()

    @extend_schema(
        summary=_("人工调整执法类别"),
        description=_("按理由人工设定企业的执法类别，记入分类历史；此后保存不再按规则自动分类。"),
        request=OverrideClassSerializer,
        responses={200: EnterpriseSerializer},
    )
    @action(detail=True, methods=["post"], url_path="override-class")
    def override_class(self, request, pk=None):
        enterprise = self.get_object()
        form = OverrideClassSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            services.override_class(
                enterprise,
                form.validated_data["enforcement_class"],
                form.validated_data["reason"],
                user=request.user,
            )
        except DjangoValidationError as exc:
            errors = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
            )
            renamed = {"class_override_reason": "reason"}
            raise serializers.ValidationError({renamed.get(k, k): v for k, v in errors.items()}) from exc
        fresh = self.optimize(Enterprise.objects.filter(pk=enterprise.pk)).get()
        return Response(EnterpriseSerializer(fresh, context=self.get_serializer_context()).data)

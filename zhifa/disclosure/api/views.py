"""The public JSON under /api/v1/public/: anonymous, read-only and throttled per client address.

No authentication is read (a signed-in client gets exactly what everyone gets), so every request counts
against the anonymous rate (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]``).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.throttling import AnonRateThrottle

from zhifa.core.api import schema_tags
from zhifa.disclosure import services
from zhifa.disclosure.api.serializers import (
    PublicBodySerializer,
    PublicDecisionSerializer,
    PublicDrawDetailSerializer,
    PublicDrawSerializer,
    PublicOfficerSerializer,
)

TAGS = schema_tags(_("行政执法公示（公开）"))
YEAR = OpenApiParameter("year", int, description=_("年度，如 2026"))
TEXT = OpenApiParameter("q", str, description=_("文号、当事人或案由中的文字（已撤回的只按文号查找）"))


class PublicViewSet(viewsets.GenericViewSet):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]
    filter_backends = []


@extend_schema(tags=TAGS, description=_("执法主体：区应急管理局及各板块，处罚决定机关、赋权事项与职权清单。"))
class PublicBodyViewSet(mixins.ListModelMixin, PublicViewSet):
    serializer_class = PublicBodySerializer

    def get_queryset(self):
        return services.public_bodies()


@extend_schema(
    tags=TAGS, description=_("执法人员：姓名、单位、执法证号及状态（不含身份证号、电话等个人信息）。")
)
class PublicOfficerViewSet(mixins.ListModelMixin, PublicViewSet):
    serializer_class = PublicOfficerSerializer

    def get_queryset(self):
        return services.public_officers()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


@extend_schema_view(list=extend_schema(parameters=[YEAR, TEXT]))
@extend_schema(tags=TAGS, description=_("行政处罚决定公示：已撤回的只显示撤回公告。"))
class PublicDecisionViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, PublicViewSet):
    serializer_class = PublicDecisionSerializer

    def get_queryset(self):
        params = self.request.query_params
        return services.public_decisions(
            q=params.get("q") or "", year=services.parse_year(params.get("year"))
        )


@extend_schema_view(list=extend_schema(parameters=[YEAR]))
@extend_schema(
    tags=TAGS,
    description=_("双随机抽取结果公示：承诺值、公开的种子、候选池与结果哈希，以及抽中的企业名称。"),
)
class PublicDrawViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, PublicViewSet):
    def get_queryset(self):
        draws = services.public_draws()
        year = services.parse_year(self.request.query_params.get("year"))
        return draws.filter(year=year) if year else draws

    def get_serializer_class(self):
        return PublicDrawDetailSerializer if self.action == "retrieve" else PublicDrawSerializer

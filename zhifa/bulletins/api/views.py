"""Bulletins under /api/v1/bulletins/: list and retrieve (drafts for the district's roles, published
bulletins for everyone), generate a month's draft, approve and publish (the district leader), the PDF,
and the live figures of a month. Reads go through ``restrict``; changes through the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from zhifa.bulletins import figures as F
from zhifa.bulletins import services
from zhifa.bulletins.api.serializers import BulletinDetailSerializer, BulletinSerializer, MonthSerializer
from zhifa.bulletins.filtersets import BulletinFilterSet
from zhifa.bulletins.models import Bulletin
from zhifa.core.api import ScopedReadOnlyViewSet, schema_tags
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction


class Refused(exceptions.APIException):
    status_code = 409
    default_detail = _("通报当前的状态不允许此操作")
    default_code = "refused"


def _month(raw: str | None) -> object:
    try:
        return F.parse_month(raw, timezone.localdate())
    except F.FiguresError as exc:
        raise serializers.ValidationError({"month": [str(exc)]}) from exc


@extend_schema(
    tags=schema_tags(_("执法工作通报")),
    description=_(
        "每月执法工作通报：区局角色可见草稿，各板块仅见已发布的通报。generate 按月计算数据并生成 PDF 草稿，"
        "区局领导 approve 审定、publish 发布；figures 返回某月的实时数据（板块角色仅见本板块与各板块平均）。"
    ),
)
class BulletinViewSet(ScopedReadOnlyViewSet):
    queryset = Bulletin.objects.all()
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilterSet
    ordering_fields = ["month"]
    required_perms = {
        "generate": "bulletins.add_bulletin",
        "approve": "bulletins.approve_bulletin",
        "publish": "bulletins.publish_bulletin",
        "figures": "bulletins.view_figures",
        "pdf": "bulletins.view_bulletin",
    }

    def get_queryset(self):
        # Approving and publishing act on the bulletins the user may see (POST would read "add").
        queryset = Bulletin.objects.restrict(self.request.user, "view")
        if self.action == "list":
            queryset = queryset.defer("figures")  # the list leaves out the snapshot
        return queryset.select_related("generated_by", "approved_by", "published_by")

    def get_serializer_class(self):
        return BulletinDetailSerializer if self.action == "retrieve" else BulletinSerializer

    def _step(self, request, step: str):
        bulletin = self.get_object()
        try:
            done = getattr(services, step)(bulletin, user=request.user)
        except services.BulletinRefused as exc:
            raise Refused("；".join(exc.messages)) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        fresh = self.get_queryset().get(pk=done.pk)
        return Response(BulletinSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("生成（或重新生成）某月的通报草稿"),
        request=MonthSerializer,
        responses={
            201: BulletinSerializer,
            400: OpenApiResponse(description=_("月份有误")),
            409: OpenApiResponse(description=_("该月通报已发布")),
        },
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def generate(self, request):
        data = MonthSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = _month(data.validated_data["month"])
        try:
            bulletin = services.generate(month, user=request.user)
        except services.BulletinRefused as exc:
            raise Refused("；".join(exc.messages)) from exc
        fresh = self.get_queryset().get(pk=bulletin.pk)
        return Response(
            BulletinSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(summary=_("审定（区局领导）"), request=None, responses={200: BulletinSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, "approve")

    @extend_schema(summary=_("发布至各板块（区局领导）"), request=None, responses={200: BulletinSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(request, "publish")

    @extend_schema(summary=_("下载通报 PDF"), responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        bulletin = self.get_object()
        try:
            data = services.pdf_bytes(bulletin)
        except services.BulletinRefused as exc:
            raise Refused("；".join(exc.messages)) from exc
        record(
            AuditAction.EXPORT,
            bulletin,
            after={"sha256": bulletin.pdf_sha256},
            message=f"下载{bulletin} PDF（API）",
        )
        return HttpResponse(data, content_type="application/pdf")

    @extend_schema(
        summary=_("某月的实时数据"),
        description=_("与通报相同的计算；区局角色含排名，板块角色仅含本板块、全区合计与各板块平均。"),
        parameters=[OpenApiParameter("month", str, description=_("YYYY-MM，默认本月"))],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(description=_("月份有误"))},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request):
        month = _month(request.query_params.get("month"))
        return Response(F.for_user(F.compute(month), request.user))

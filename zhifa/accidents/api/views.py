"""Accidents under /api/v1/accidents/: list, retrieve, create, update (never delete), casualty updates
and the double-decline figures. Reads go through ``restrict``; writes through the services."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from zhifa.accidents import services
from zhifa.accidents.api.serializers import (
    AccidentSerializer,
    CasualtyUpdateInputSerializer,
    DoubleDeclineSerializer,
)
from zhifa.accidents.filtersets import AccidentFilterSet
from zhifa.accidents.models import Accident, CasualtyUpdate
from zhifa.accidents.statistics import YearError, double_decline, visible_boards
from zhifa.core.api import ScopedModelViewSet, schema_tags
from zhifa.core.serializers import field_errors


@extend_schema(
    tags=schema_tags(_("生产安全事故")),
    description=_(
        "生产安全事故：事故等级按死亡、重伤（含急性工业中毒）、直接经济损失中最高者自动确定；"
        "伤亡人数变化通过补报（casualty-updates）记录，最新一次补报即为事故伤亡人数。事故不删除。"
    ),
)
class AccidentViewSet(ScopedModelViewSet):
    queryset = Accident.objects.all()
    serializer_class = AccidentSerializer
    filterset_class = AccidentFilterSet
    ordering_fields = ["occurred_at", "deaths", "direct_loss", "level"]
    required_perms = {
        "casualty_updates": "accidents.add_casualtyupdate",
        "double_decline": "accidents.view_accident",
    }

    def optimize(self, queryset):
        return queryset.select_related("board").prefetch_related(
            Prefetch("casualty_updates", queryset=CasualtyUpdate.objects.order_by("at", "pk"))
        )

    def get_queryset(self):
        if getattr(self, "action", None) == "casualty_updates":
            # A casualty update changes the accident: the rows the user may change.
            return self.optimize(Accident.objects.restrict(self.request.user, "change"))
        return super().get_queryset()

    @extend_schema(
        summary=_("补报伤亡人数"),
        description=_(
            "记录伤亡人数变化；为最新一次补报时，事故的伤亡人数与等级随之更新。超过补报期限的标记为逾期。"
        ),
        request=CasualtyUpdateInputSerializer,
        responses={201: AccidentSerializer},
    )
    @action(detail=True, methods=["post"], url_path="casualty-updates")
    def casualty_updates(self, request, pk=None):
        accident = self.get_object()
        data = CasualtyUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.add_casualty_update(accident, **data.validated_data, user=request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(data, exc)) from exc
        fresh = self.optimize(Accident.objects.filter(pk=accident.pk)).get()
        return Response(
            AccidentSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("事故起数和死亡人数“双下降”"),
        description=_("本年截至今日（往年为全年）与去年同期相比，各板块及合计的事故起数和死亡人数。"),
        parameters=[
            OpenApiParameter("year", int, description=_("年度，默认今年")),
            OpenApiParameter("board", int, description=_("板块编号，默认本人可见的全部板块")),
        ],
        responses={
            200: DoubleDeclineSerializer,
            404: OpenApiResponse(description=_("所选板块不存在或不在您的管辖范围内")),
        },
    )
    @action(
        detail=False, methods=["get"], url_path="double-decline", filter_backends=[], pagination_class=None
    )
    def double_decline(self, request):
        today = timezone.localdate()
        raw_year = request.query_params.get("year", "").strip()
        raw_board = request.query_params.get("board", "").strip()
        errors = {}
        year = today.year
        if raw_year:
            if not raw_year.isdecimal() or int(raw_year) < 1950:
                errors["year"] = [_("年度应为四位数字年份，如 %(y)s") % {"y": today.year}]
            else:
                year = int(raw_year)
        if raw_board and not raw_board.isdecimal():  # "²" is a digit int() refuses
            errors["board"] = [_("板块应为板块编号")]
        if errors:
            raise serializers.ValidationError(errors)
        boards = visible_boards(request.user)
        board = get_object_or_404(boards, pk=int(raw_board)) if raw_board else None
        try:
            figures = double_decline(year, board, boards=boards, today=today)
        except YearError as exc:
            raise serializers.ValidationError({"year": [str(exc)]}) from exc
        return Response(DoubleDeclineSerializer(figures).data)

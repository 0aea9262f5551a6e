"""Training under /api/v1/trainings/: sessions with their attendance (list, retrieve, create, update;
never delete), the attendance register of a session, and officers' yearly hours."""

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

from zhifa.core.api import ScopedModelViewSet, schema_tags
from zhifa.orgs.models import Officer
from zhifa.training import services
from zhifa.training.api.serializers import (
    AttendanceInputSerializer,
    OfficerHoursSerializer,
    TrainingSessionSerializer,
)
from zhifa.training.filtersets import TrainingSessionFilterSet
from zhifa.training.hours import standard, trainees, with_hours
from zhifa.training.models import Attendance, TrainingSession
from zhifa.training.views import visible_units


@extend_schema(
    tags=schema_tags(_("执法培训")),
    description=_("执法培训及出勤：板块培训或全区培训（板块为空）；轮流授课必须有授课人。培训不删除。"),
)
class TrainingSessionViewSet(ScopedModelViewSet):
    queryset = TrainingSession.objects.all()
    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingSessionFilterSet
    ordering_fields = ["date", "hours", "kind"]
    required_perms = {"attendance": "training.add_attendance", "hours": "training.view_attendance"}

    def optimize(self, queryset):
        return queryset.select_related("board", "lecturer").prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.restrict(self.request.user, "view")
                .select_related("officer")
                .order_by("officer__name"),
            )
        )

    def get_queryset(self):
        if getattr(self, "action", None) == "attendance":
            return self.optimize(TrainingSession.objects.restrict(self.request.user, "change"))
        return super().get_queryset()

    @extend_schema(
        summary=_("登记出勤"),
        description=_(
            "按人员登记出勤、计入学时（留空按培训学时）和考试成绩；已登记的人员再次提交即为更正。任一行有误则全部不登记。"
        ),
        request=AttendanceInputSerializer,
        responses={201: TrainingSessionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="attendance")
    def attendance(self, request, pk=None):
        session = self.get_object()
        data = AttendanceInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        rows = [services.AttendanceRow(**row) for row in data.validated_data["rows"]]
        try:
            services.record_attendance(session, rows, user=request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        fresh = self.optimize(TrainingSession.objects.filter(pk=session.pk)).get()
        return Response(
            TrainingSessionSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("年度培训学时"),
        description=_(
            "各在编执法人员本年度（或指定年度）参训学时、次数、考试是否合格及是否达到年度学时要求。"
        ),
        parameters=[
            OpenApiParameter("year", int, description=_("年度，默认今年")),
            OpenApiParameter("unit", int, description=_("单位（区或板块）编号")),
        ],
        responses={
            200: OfficerHoursSerializer(many=True),
            404: OpenApiResponse(description=_("所选单位不存在或不在您的管辖范围内")),
        },
    )
    @action(detail=False, methods=["get"], url_path="hours", filter_backends=[])
    def hours(self, request):
        today = timezone.localdate()
        raw_year = request.query_params.get("year", "").strip()
        raw_unit = request.query_params.get("unit", "").strip()
        errors = {}
        if raw_year and not (raw_year.isdecimal() and 2000 <= int(raw_year) <= 9999):
            errors["year"] = [_("年度应为四位数字年份，如 %(y)s") % {"y": today.year}]
        if raw_unit and not raw_unit.isdecimal():  # "²" is a digit int() refuses
            errors["unit"] = [_("单位应为区或板块的编号")]
        if errors:
            raise serializers.ValidationError(errors)
        year = int(raw_year) if raw_year else today.year
        officers = trainees(Officer.objects.restrict(request.user, "view")).select_related("unit")
        if raw_unit:
            officers = officers.filter(unit=get_object_or_404(visible_units(request.user), pk=int(raw_unit)))
        rule = standard(year)
        queryset = with_hours(officers, year).order_by("unit__sort_order", "name")
        page = self.paginate_queryset(queryset)
        context = {**self.get_serializer_context(), "standard": rule}
        response = self.get_paginated_response(OfficerHoursSerializer(page, many=True, context=context).data)
        response.data["year"] = year
        # Decimals as strings, as DRF's DecimalField gives them everywhere else.
        requirement = rule.requirement
        response.data["hours_required"] = str(requirement.hours_required) if requirement else None
        response.data["exam_pass_mark"] = str(requirement.exam_pass_mark) if requirement else None
        return response

"""Calendar API (read-only): override days, period rules, and the due date of a period.

``GET /api/v1/period-rules/due/?start=2026-02-13&n=5&unit=working`` (or ``&rule=payment``) answers with
the last day of the period and any warning about the calendar used; bad input is a 400 naming the field.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhifa.core import calendar
from zhifa.core.api import ScopedReadOnlyViewSet, schema_tags
from zhifa.core.calendar_filtersets import CalendarDayFilterSet, PeriodRuleFilterSet
from zhifa.core.choices import PeriodUnit
from zhifa.core.models import CalendarDay, PeriodRule


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "date", "is_workday", "name", "source"]
        read_only_fields = fields


class PeriodRuleSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="get_unit_display", read_only=True, label=_("计算单位名称"))

    class Meta:
        model = PeriodRule
        fields = [
            "id",
            "code",
            "name",
            "source",
            "length",
            "unit",
            "unit_label",
            "local",
            "note",
            "effective_from",
            "active",
        ]
        read_only_fields = fields


class DueQuerySerializer(serializers.Serializer):
    start = serializers.DateField(label=_("起算日"), help_text=_("当日不计入，次日为第1日"))
    n = serializers.IntegerField(label=_("期限"), min_value=0, max_value=9999, required=False)
    unit = serializers.ChoiceField(label=_("计算单位"), choices=PeriodUnit.choices, required=False)
    rule = serializers.CharField(label=_("期限规则代码"), max_length=64, required=False)

    def validate(self, attrs):
        if attrs.get("rule"):
            if "n" in attrs or "unit" in attrs:
                raise serializers.ValidationError({"rule": [_("按规则计算时不传 n 和 unit（取自规则）")]})
            return attrs
        missing = {name: [_("未按规则计算时必填")] for name in ("n", "unit") if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class DueSerializer(serializers.Serializer):
    date = serializers.DateField(label=_("到期日"))
    weekday = serializers.CharField(label=_("星期"))
    start = serializers.DateField(label=_("起算日"))
    n = serializers.IntegerField(label=_("期限"))
    unit = serializers.ChoiceField(choices=PeriodUnit.choices, label=_("计算单位"))
    unit_label = serializers.CharField(label=_("计算单位名称"))
    rule = serializers.CharField(label=_("规则代码"), allow_blank=True)
    rule_name = serializers.CharField(label=_("规则名称"), allow_blank=True)
    source = serializers.CharField(label=_("依据"), allow_blank=True)  # type: ignore[assignment]  # the field, not Field.source
    warnings = serializers.ListField(child=serializers.CharField(), label=_("警告"))


@extend_schema(
    tags=schema_tags(_("工作日历")),
    description=_("节假日调整（系统管理员录入或导入的放假日与调休上班日，优先于内置日历）。只读。"),
)
class CalendarDayViewSet(ScopedReadOnlyViewSet):
    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilterSet
    ordering_fields = ["date"]


@extend_schema(
    tags=schema_tags(_("工作日历")),
    description=_("法定期限规则（期限、计算单位与依据，按施行日期分版本）。只读；due 计算到期日。"),
)
class PeriodRuleViewSet(ScopedReadOnlyViewSet):
    queryset = PeriodRule.objects.all()
    serializer_class = PeriodRuleSerializer
    filterset_class = PeriodRuleFilterSet
    ordering_fields = ["code", "effective_from"]
    required_perms = {"due": "core.view_periodrule"}

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, required=True, description=_("起算日 YYYY-MM-DD（当日不计入）")),
            OpenApiParameter("n", int, description=_("期限长度（与 unit 同用）")),
            OpenApiParameter(
                "unit", str, enum=PeriodUnit.values, description=_("working | natural | months")
            ),
            OpenApiParameter("rule", str, description=_("期限规则代码，如 payment（代替 n 与 unit）")),
        ],
        responses={200: DueSerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def due(self, request):
        query = DueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        try:
            if values.get("rule"):
                result = calendar.rule_due(values["rule"], values["start"])
            else:
                result = calendar.due(values["start"], values["n"], values["unit"])
        except calendar.UnknownPeriodRule as exc:
            raise serializers.ValidationError({"rule": [str(exc)]}) from exc
        except calendar.CalendarError as exc:
            raise serializers.ValidationError({"n": [str(exc)]}) from exc
        return Response(DueSerializer(result.as_dict()).data)

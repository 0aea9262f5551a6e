"""REST representation of accidents. Every save goes through ``zhifa.accidents.services``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhifa.accidents import services
from zhifa.accidents.models import Accident, CasualtyUpdate
from zhifa.core.serializers import (
    CleanModelSerializer,
    ScopedPrimaryKeyRelatedField,
    check_board,
    field_errors,
    request_user,
)
from zhifa.enterprises.models import Enterprise, Industry
from zhifa.orgs.models import Region


class OptionalIndustryCodeField(serializers.CharField):
    """The GB/T 4754-2017 code of the accident's industry; empty or null for none."""

    default_error_messages = {"unknown": _("国民经济行业代码 {code} 不存在（GB/T 4754-2017）")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data == "":
            return True, None
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        code = super().to_internal_value(data).strip().upper()
        if not Industry.objects.filter(code=code).exists():
            self.fail("unknown", code=code)
        return code


class CasualtyUpdateSerializer(serializers.ModelSerializer):
    late = serializers.BooleanField(read_only=True, label=_("逾期补报"))

    class Meta:
        model = CasualtyUpdate
        fields = ["id", "at", "deaths", "serious_injuries", "acute_poisonings", "missing", "note", "late"]
        read_only_fields = ["id", "late"]


class DeadlineSerializer(serializers.Serializer):
    title = serializers.CharField(source="label", label=_("事项"))
    due = serializers.SerializerMethodField(label=_("期限"))
    done = serializers.SerializerMethodField(label=_("完成"))
    state = serializers.CharField(label=_("状态"))
    state_label = serializers.CharField(label=_("状态名称"))

    def get_due(self, obj) -> str:
        return obj.due.isoformat()

    def get_done(self, obj) -> str | None:
        return obj.done.isoformat() if obj.done is not None else None


CASUALTY_CHANGE = _("已有伤亡人数补报，伤亡人数请通过补报（casualty-updates）修改")


class AccidentSerializer(CleanModelSerializer):
    """An accident. ``level`` is computed from deaths, serious injuries and direct loss (条例 第三条)."""

    clean_exclude = ("level",)

    board = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.boards(),
        label=_("事故发生板块"),
        help_text=_("板块编号；板块用户只能选择本人管辖的板块"),
    )
    board_name = serializers.CharField(source="board.name", read_only=True, label=_("板块名称"))
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        allow_null=True,
        label=_("事故单位（已登记企业）"),
        help_text=_("企业编号；未登记的单位留空并填写 unit_name"),
    )
    industry_code = OptionalIndustryCodeField(
        source="industry_id", label=_("国民经济行业代码"), help_text=_("GB/T 4754-2017 代码，可留空")
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True, label=_("事故等级名称"))
    report_late = serializers.BooleanField(read_only=True, label=_("迟报（超过 1 小时）"))
    investigation_due = serializers.DateField(read_only=True, label=_("调查报告期限"))
    casualty_updates = CasualtyUpdateSerializer(many=True, read_only=True, label=_("伤亡人数补报"))
    deadlines = serializers.SerializerMethodField(label=_("时限"))

    class Meta:
        model = Accident
        fields = [
            "id",
            "board",
            "board_name",
            "enterprise",
            "unit_name",
            "occurred_at",
            "place",
            "category",
            "industry_code",
            "deaths",
            "serious_injuries",
            "acute_poisonings",
            "missing",
            "direct_loss",
            "level",
            "level_display",
            "cause",
            "summary",
            "reported_at",
            "report_late",
            "is_fire_or_road",
            "investigation_extended",
            "investigation_report_on",
            "investigation_due",
            "investigation_case",
            "casualty_updates",
            "deadlines",
        ]
        read_only_fields = ["level", "investigation_case"]

    def get_deadlines(self, obj) -> list[dict[str, Any]]:
        rows = services.deadlines(obj, list(obj.casualty_updates.all()))
        return list(DeadlineSerializer(rows, many=True).data)

    def validate_board(self, value):
        current = self.instance.board_id if self.instance is not None else None
        check_board(self, value, current_id=current, message=_("只能登记您管辖板块内发生的事故"))
        return value

    def validate(self, attrs):
        if self.instance is not None and self.instance.casualty_updates.exists():
            changed = [
                name
                for name in services.CASUALTY_FIELDS
                if name in attrs and attrs[name] != getattr(self.instance, name)
            ]
            if changed:
                raise serializers.ValidationError({name: [CASUALTY_CHANGE] for name in changed})
        if attrs.get("enterprise") is not None and not attrs.get("unit_name"):
            attrs["unit_name"] = attrs["enterprise"].name
        if self.instance is None and attrs.get("enterprise") is not None and not attrs.get("industry_id"):
            attrs["industry_id"] = attrs["enterprise"].industry_id  # the registered enterprise's industry
        return super().validate(attrs)

    def create(self, validated_data):
        return self._save(Accident(**validated_data))

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self._save(instance)

    def _save(self, accident):
        try:
            return services.save_accident(accident, user=request_user(self))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(self, exc)) from exc


class CasualtyUpdateInputSerializer(serializers.Serializer):
    at = serializers.DateTimeField(label=_("补报时间"))
    deaths = serializers.IntegerField(min_value=0, label=_("死亡人数"))
    serious_injuries = serializers.IntegerField(min_value=0, label=_("重伤人数（含急性工业中毒）"))
    acute_poisonings = serializers.IntegerField(min_value=0, default=0, label=_("其中急性工业中毒"))
    missing = serializers.IntegerField(min_value=0, default=0, label=_("失踪人数"))
    note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("说明")
    )


class DeclineRowSerializer(serializers.Serializer):
    board = serializers.IntegerField(source="board.pk", allow_null=True, label=_("板块编号"))
    board_name = serializers.CharField(source="board.name", allow_null=True, label=_("板块名称"))
    count = serializers.IntegerField(label=_("本期事故起数"))
    count_before = serializers.IntegerField(label=_("去年同期事故起数"))
    count_trend = serializers.CharField(source="count_trend.value", label=_("起数增减：down/up/flat"))
    deaths = serializers.IntegerField(label=_("本期死亡人数"))
    deaths_before = serializers.IntegerField(label=_("去年同期死亡人数"))
    deaths_trend = serializers.CharField(source="deaths_trend.value", label=_("死亡人数增减：down/up/flat"))
    achieved = serializers.BooleanField(label=_("双下降达成"))


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(label=_("起"))
    end = serializers.DateField(label=_("止（含）"))


class DoubleDeclineSerializer(serializers.Serializer):
    year = serializers.IntegerField(label=_("年度"))
    period = PeriodSerializer(label=_("本期"))
    previous = PeriodSerializer(label=_("去年同期"))
    boards = DeclineRowSerializer(source="rows", many=True, label=_("各板块"))
    total = DeclineRowSerializer(label=_("合计"))

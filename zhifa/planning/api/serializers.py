"""Serializers of plans, draws and tasks. Reads come from what the viewsets select (no query per row);
writes are plain input serializers whose values go to the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhifa.planning.choices import DrawStatus, SwapReason, SwapRole
from zhifa.planning.forms import parse_month
from zhifa.planning.models import AnnualPlan, Draw, PlanBoardMonth, Task, TaskSwap


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EnterpriseRefSerializer(RefSerializer):
    uscc = serializers.CharField()


class PlanBoardMonthSerializer(serializers.ModelSerializer):
    board_name = serializers.CharField(source="board.name", read_only=True)
    gap = serializers.IntegerField(read_only=True)

    class Meta:
        model = PlanBoardMonth
        fields = [
            "board",
            "board_name",
            "month",
            "working_days",
            "required",
            "capacity",
            "shortfall",
            "gap",
            "random_quota",
            "targeted_quota",
            "items_planned",
            "own_officers",
            "attached_officers",
            "officer_days",
        ]
        read_only_fields = fields


class AnnualPlanSerializer(serializers.ModelSerializer):
    ruleset: serializers.StringRelatedField = serializers.StringRelatedField()
    board_months = PlanBoardMonthSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = [
            "id",
            "district",
            "year",
            "version",
            "status",
            "ruleset",
            "figures",
            "calendar_note",
            "previous",
            "reason",
            "created_at",
            "approved_at",
            "board_months",
        ]
        read_only_fields = fields


class AssignmentRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    board = serializers.IntegerField()
    date = serializers.DateField()
    officers = serializers.ListField(child=serializers.IntegerField())
    expert = serializers.IntegerField()


class DrawSerializer(serializers.ModelSerializer):
    seed = serializers.SerializerMethodField(help_text=_("随机种子（十六进制）；公开之前为 null"))
    pools_hash = serializers.CharField(source="pool_hash", read_only=True)
    result = serializers.SerializerMethodField(help_text=_("抽取结果：企业、板块、日期、两名执法人员、专家"))
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = Draw
        fields = [
            "id",
            "district",
            "board",
            "year",
            "month",
            "plan",
            "cross_enforcement",
            "status",
            "algorithm_version",
            "params",
            "seed_source",
            "commitment",
            "seed",
            "pools_hash",
            "result_hash",
            "summary",
            "diagnoses",
            "reason",
            "supersedes",
            "superseded_by",
            "swap_counter",
            "committed_at",
            "drawn_at",
            "revealed_at",
            "result",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_seed(self, draw) -> str | None:
        return (
            draw.seed_hex
            if draw.seed_hex and draw.revealed_at and draw.status != DrawStatus.COMMITTED
            else None
        )

    @extend_schema_field(AssignmentRowSerializer(many=True))
    def get_result(self, draw) -> list[dict]:
        return [a.as_row() for a in draw.assignments.all()]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, draw) -> int | None:
        try:
            return draw.superseded_by.pk
        except Draw.superseded_by.RelatedObjectDoesNotExist:
            return None


class TaskSerializer(serializers.ModelSerializer):
    enterprise = serializers.SerializerMethodField()
    board = serializers.SerializerMethodField()
    officers = serializers.SerializerMethodField(help_text=_("两名执法人员（编号与姓名）"))
    expert = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "draw",
            "kind",
            "status",
            "planned_date",
            "enterprise",
            "board",
            "officers",
            "expert",
            "targeted_reason",
            "reason",
            "cancel_reason",
            "inspection",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(EnterpriseRefSerializer)
    def get_enterprise(self, task) -> dict:
        e = task.enterprise
        return {"id": e.pk, "name": e.name, "uscc": e.uscc}

    @extend_schema_field(RefSerializer)
    def get_board(self, task) -> dict:
        return {"id": task.board_id, "name": task.board.name}

    @extend_schema_field(RefSerializer(many=True))
    def get_officers(self, task) -> list[dict]:
        return [{"id": o.pk, "name": o.name} for o in (task.officer_1, task.officer_2)]

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_expert(self, task) -> dict | None:
        return {"id": task.expert.pk, "name": task.expert.name} if task.expert_id else None


class TaskSwapSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskSwap
        fields = [
            "id",
            "task",
            "draw",
            "counter",
            "role",
            "outgoing_id",
            "incoming_id",
            "reason_kind",
            "reason",
            "candidates_hash",
            "at",
        ]
        read_only_fields = fields


# --- input ------------------------------------------------------------------------------------------


def _required_text(message):
    return serializers.CharField(
        max_length=300,
        error_messages={"required": message, "blank": message, "null": message},
    )


class RunDrawSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("抽取月份 YYYY-MM"))
    board = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("板块编号；不给出时全区各板块一并抽取")
    )
    cross = serializers.BooleanField(required=False, default=False, help_text=_("交叉执法"))
    seed_source = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text=_("公开随机数原文，种子 = SHA-256(该文本)；不给出时用系统随机数"),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)

    def validate_month(self, value):
        parsed = parse_month(value)
        if parsed is None:
            raise serializers.ValidationError(_("请按 YYYY-MM 填写月份，如 2026-12"))
        return parsed


class RedrawSerializer(serializers.Serializer):
    reason = _required_text(_("重新抽取须写明理由"))
    seed_source = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    def validate_reason(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("重新抽取须写明理由"))
        return value.strip()


class CheckSerializer(serializers.Serializer):
    name = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checks = CheckSerializer(many=True)
    differences = serializers.ListField(child=serializers.CharField())


class SwapInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=SwapRole.choices, error_messages={"invalid_choice": _("角色应为 officer 或 expert")}
    )
    outgoing = serializers.IntegerField(help_text=_("换下人员的编号（执法人员或专家）"))
    reason_kind = serializers.ChoiceField(
        choices=SwapReason.choices, error_messages={"invalid_choice": _("原因类别无效")}
    )
    reason = _required_text(_("换人须写明原因"))

    def validate_reason(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("换人须写明原因"))
        return value.strip()


class SwapResultSerializer(serializers.Serializer):
    swap = TaskSwapSerializer()
    task = TaskSerializer()


class CancelInputSerializer(serializers.Serializer):
    reason = _required_text(_("取消任务须写明原因"))

    def validate_reason(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("取消任务须写明原因"))
        return value.strip()


class StartedSerializer(serializers.Serializer):
    inspection = serializers.IntegerField()
    task = TaskSerializer()

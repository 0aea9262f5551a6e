"""REST representation of training. Every save goes through ``zhifa.training.services``."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhifa.core.permissions import is_district_wide
from zhifa.core.serializers import (
    CleanModelSerializer,
    ScopedPrimaryKeyRelatedField,
    check_board,
    field_errors,
    request_user,
)
from zhifa.orgs.models import Officer, Region
from zhifa.training import services
from zhifa.training.models import Attendance, TrainingSession


class AttendanceSerializer(serializers.ModelSerializer):
    officer_name = serializers.CharField(source="officer.name", read_only=True, label=_("姓名"))

    class Meta:
        model = Attendance
        fields = ["id", "officer", "officer_name", "attended", "hours", "exam_score", "passed"]
        read_only_fields = fields


class TrainingSessionSerializer(CleanModelSerializer):
    """A training session with its attendance (read-only here; written through ``attendance``)."""

    board = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.boards(),
        required=False,
        allow_null=True,
        label=_("板块"),
        help_text=_("板块编号；留空为全区培训（仅区级角色）"),
    )
    board_name = serializers.CharField(source="board.name", read_only=True, default=None, label=_("板块名称"))
    lecturer = ScopedPrimaryKeyRelatedField(
        queryset=Officer.objects.all(), required=False, allow_null=True, label=_("授课人")
    )
    lecturer_name = serializers.CharField(
        source="lecturer.name", read_only=True, default=None, label=_("授课人姓名")
    )
    attendances = AttendanceSerializer(many=True, read_only=True, label=_("出勤"))

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "board",
            "board_name",
            "kind",
            "title",
            "date",
            "hours",
            "lecturer",
            "lecturer_name",
            "place",
            "note",
            "attendances",
        ]

    def validate_board(self, value):
        current = self.instance.board_id if self.instance is not None else None
        if value is None:
            user = request_user(self)
            if current is not None and not (user is not None and is_district_wide(user)):
                raise serializers.ValidationError(_("全区培训由区级组织，板块只能为本板块组织培训"))
            return value
        check_board(self, value, current_id=current, message=_("只能为您管辖的板块组织培训"))
        return value

    def validate(self, attrs):
        user = request_user(self)
        board = attrs.get("board", self.instance.board if self.instance is not None else None)
        if board is None and user is not None and not is_district_wide(user):
            raise serializers.ValidationError({"board": [_("板块用户组织培训时必须选择本板块")]})
        return super().validate(attrs)

    def create(self, validated_data):
        return self._save(TrainingSession(**validated_data))

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self._save(instance)

    def _save(self, session):
        try:
            return services.save_session(session, user=request_user(self))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(self, exc)) from exc


class AttendanceRowSerializer(serializers.Serializer):
    officer = ScopedPrimaryKeyRelatedField(queryset=Officer.objects.all(), label=_("人员编号"))
    attended = serializers.BooleanField(default=True, label=_("出勤"))
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, required=False, allow_null=True, label=_("计入学时")
    )
    exam_score = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        label=_("考试成绩"),
    )


class AttendanceInputSerializer(serializers.Serializer):
    rows = AttendanceRowSerializer(many=True, allow_empty=False, label=_("出勤登记"))


class OfficerHoursSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("单位"))
    training_hours = serializers.DecimalField(max_digits=7, decimal_places=1, read_only=True, label=_("学时"))
    sessions_attended = serializers.IntegerField(read_only=True, label=_("参训次数"))
    exam_passed = serializers.BooleanField(read_only=True, label=_("本年考试合格"))
    hours_met = serializers.SerializerMethodField(label=_("学时达标（未设置要求时为 null）"))

    class Meta:
        model = Officer
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "post",
            "training_hours",
            "sessions_attended",
            "exam_passed",
            "hours_met",
        ]

    def get_hours_met(self, obj) -> bool | None:
        return self.context["standard"].met(obj.training_hours)

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.permissions import is_district_wide
from zhifa.core.personal import PersonalDataSerializerMixin
from zhifa.core.serializers import (
    CleanModelSerializer,
    Conflict,
    ScopedPrimaryKeyRelatedField,
    field_errors,
    request_user,
)
from zhifa.documents.api.serializers import DocumentLinkSerializer
from zhifa.enterprises.models import Enterprise
from zhifa.experts.models import Expert
from zhifa.inspections import evidence as evidence_store
from zhifa.inspections import services
from zhifa.inspections.choices import (
    ChecklistStatus,
    EvidenceKind,
    HazardLevel,
    HazardStatus,
    InspectionStatus,
    ItemResult,
    ReviewOutcome,
)
from zhifa.inspections.models import (
    CaseSource,
    ChecklistItem,
    ChecklistTemplate,
    Evidence,
    ExtensionRequest,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionOfficer,
    InspectionResult,
    RectificationItem,
    RectificationOrder,
    ReInspection,
)
from zhifa.orgs.choices import EquipmentKind
from zhifa.orgs.models import Equipment, Officer

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY

SIGNED_READ_ONLY = _("现场检查记录已签署，不能再修改；如需更正，请签发更正版本的文书。")
REVIEW_SIGNED_READ_ONLY = _("整改复查意见已签署，不能再修改。")


def rule_errors(problems, key: str = NON_FIELD) -> dict:
    """A rule's refusal as a 400 body: every problem under ``key``; ``rule`` names the two-officers rule
    when it is among the causes."""
    messages = [str(p) for p in problems]
    body: dict = {key: messages}
    rule = str(services.TWO_OFFICERS_RULE)
    if any(m.startswith(rule) for m in messages):
        body["rule"] = rule
    return body


def django_errors(exc: DjangoValidationError, rename: dict[str, str] | None = None) -> dict:
    """A service's ValidationError as a 400 body, its keys renamed to the request's field names."""
    rename = rename or {}
    if not hasattr(exc, "error_dict"):
        return {rename.get(NON_FIELD, NON_FIELD): list(exc.messages)}
    errors: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        target = NON_FIELD if key == "__all__" else rename.get(key, key)
        errors.setdefault(target, []).extend(messages)
    return errors


def user_name(user) -> str:
    return user.get_full_name() if user is not None else ""


# --- Inspections -----------------------------------------------------------------------------------


class TeamMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="officer.name", read_only=True, label=_("姓名"))

    class Meta:
        model = InspectionOfficer
        fields = ["officer", "name", "basis"]
        read_only_fields = fields
        extra_kwargs = {"basis": {"help_text": _("参与依据，签署时按当日情况确定")}}


class ResultSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="item.order", read_only=True, label=_("序号"))
    section = serializers.CharField(source="item.section", read_only=True, label=_("类别"))
    text = serializers.CharField(source="item.text", read_only=True, label=_("检查内容"))

    class Meta:
        model = InspectionResult
        fields = ["item", "order", "section", "text", "result", "note"]
        read_only_fields = fields


class HazardBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hazard
        fields = ["id", "item", "description", "level", "status", "deadline"]
        read_only_fields = fields


class InspectionSerializer(PersonalDataSerializerMixin, CleanModelSerializer):
    """The on-site inspection record. Drafts may be incomplete; a signed record is read-only.

    ``results`` are saved through ``POST inspections/{id}/results/``; signing through ``sign-off``.
    """

    clean_exclude = ("board", "version")

    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), label=_("被检查单位"))
    enterprise_name = serializers.CharField(
        source="enterprise.name", read_only=True, label=_("被检查单位名称")
    )
    board_name = serializers.CharField(source="board.name", read_only=True, label=_("板块名称"))
    checklist = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistTemplate.objects.all(),
        label=_("检查表"),
        help_text=_("已发布的检查表版本；创建后不能更换"),
    )
    checklist_name = serializers.CharField(source="checklist.name", read_only=True, label=_("检查表名称"))
    officers = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Officer.objects.filter(active=True),
        label=_("执法人员"),
        help_text=_("执法人员编号，按签名顺序；给出检查开始时间时须至少两名当日持有效执法证"),
    )
    team = TeamMemberSerializer(many=True, read_only=True, label=_("检查人员"))
    expert = ScopedPrimaryKeyRelatedField(
        queryset=Expert.objects.all(), required=False, allow_null=True, label=_("专家")
    )
    assistants = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Officer.objects.filter(active=True),
        label=_("协助人员（安管员）"),
        help_text=_("不计入两名执法人员"),
    )
    recorder = ScopedPrimaryKeyRelatedField(
        queryset=Equipment.objects.filter(kind=EquipmentKind.RECORDER),
        required=False,
        allow_null=True,
        label=_("执法记录仪"),
    )
    results = ResultSerializer(many=True, read_only=True, label=_("检查结果"))
    hazards = HazardBriefSerializer(many=True, read_only=True, label=_("隐患"))
    document = DocumentLinkSerializer(read_only=True, allow_null=True, label=_("现场检查记录文书"))
    signed_off_by_name = serializers.SerializerMethodField(label=_("签署人"))
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        label=_("版本号"),
        help_text=_("读取时为当前版本；修改时回传所读到的版本，若已在其他设备上修改则返回 409"),
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "board",
            "board_name",
            "origin",
            "cross_enforcement",
            "checklist",
            "checklist_name",
            "officers",
            "team",
            "expert",
            "assistants",
            "started_at",
            "ended_at",
            "place",
            "onsite_person_name",
            "onsite_person_title",
            "onsite_person_phone",
            "findings",
            "recorder",
            "status",
            "version",
            "results",
            "hazards",
            "document",
            "signed_off_at",
            "signed_off_by",
            "signed_off_by_name",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "board",
            "status",
            "signed_off_at",
            "signed_off_by",
            "created_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "board": {"help_text": _("被检查单位所属板块（由企业确定）")},
            "cross_enforcement": {"help_text": _("区级安排的交叉执法；只有区局领导、执法大队可以设置")},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["officers"] = [member.officer_id for member in instance.team.all()]  # in signing order
        return data

    @extend_schema_field(OpenApiTypes.STR)
    def get_signed_off_by_name(self, inspection) -> str:
        return user_name(inspection.signed_off_by)

    # --- validation

    def validate_enterprise(self, value):
        if self.instance is not None and value.pk != self.instance.enterprise_id:
            raise serializers.ValidationError(_("被检查单位在创建检查记录后不能更换"))
        return value

    def validate_checklist(self, value):
        if self.instance is not None:
            if value.pk != self.instance.checklist_id:
                raise serializers.ValidationError(_("检查表在创建检查记录后不能更换"))
            return value
        if value.status != ChecklistStatus.PUBLISHED:
            raise serializers.ValidationError(_("只能使用已发布的检查表"))
        return value

    def validate_cross_enforcement(self, value):
        current = self.instance.cross_enforcement if self.instance is not None else False
        if value != current and not is_district_wide(request_user(self)):
            raise serializers.ValidationError(
                _("交叉执法由区级统一安排，只有区级人员（区局领导、执法大队）可以设置")
            )
        return value

    def validate_officers(self, value):
        if len({o.pk for o in value}) != len(value):
            raise serializers.ValidationError(_("同一执法人员不能重复选择"))
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("started_at", getattr(self.instance, "started_at", None))
        end = attrs.get("ended_at", getattr(self.instance, "ended_at", None))
        if start and end and end < start:
            raise serializers.ValidationError({"ended_at": [_("检查结束时间不能早于开始时间")]})
        overlap = {o.pk for o in attrs.get("officers", ())} & {o.pk for o in attrs.get("assistants", ())}
        if overlap:
            raise serializers.ValidationError({"assistants": [_("同一人员不能既是执法人员又是协助人员")]})
        return attrs

    def _check_team(self, attrs) -> None:
        """The two-officers rule, applied when the team and the date are both known (drafts may lack them)."""
        if not {"officers", "started_at", "cross_enforcement"} & set(attrs):
            return
        instance = self.instance
        if "officers" in attrs:
            officers = list(attrs["officers"])
        elif instance is not None:
            officers = [m.officer for m in instance.team.select_related("officer__unit")]
        else:
            officers = []
        started_at = attrs.get("started_at", getattr(instance, "started_at", None))
        if not officers or not started_at:
            return
        board = instance.board if instance is not None else attrs["enterprise"].board
        cross = attrs.get("cross_enforcement", getattr(instance, "cross_enforcement", False))
        team = services.check_team(
            officers, board, timezone.localtime(started_at).date(), cross_enforcement=cross
        )
        if not team.ok:
            raise serializers.ValidationError(rule_errors(team.problems, key="officers"))

    # --- saving

    def create(self, validated_data):
        self._check_team(validated_data)
        validated_data.pop("version", None)
        officers = validated_data.pop("officers", [])
        assistants = validated_data.pop("assistants", [])
        try:
            with transaction.atomic():
                inspection = services.start_inspection(
                    enterprise=validated_data.pop("enterprise"),
                    checklist=validated_data.pop("checklist"),
                    user=request_user(self),
                    officers=officers,
                    **validated_data,
                )
                if assistants:
                    inspection.assistants.set(assistants)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(self, exc)) from exc
        return inspection

    def update(self, instance, validated_data):
        self._check_team(validated_data)
        expected = validated_data.pop("version", None)
        officers = validated_data.pop("officers", None)
        assistants = validated_data.pop("assistants", None)
        validated_data.pop("enterprise", None)  # unchanged (validated above)
        validated_data.pop("checklist", None)
        try:
            with transaction.atomic():
                locked = Inspection.objects.select_for_update().get(pk=instance.pk)
                if locked.status != InspectionStatus.DRAFT:
                    raise Conflict(SIGNED_READ_ONLY)
                if expected is not None and expected != locked.version:
                    raise Conflict(
                        _("该检查记录已在其他设备上修改（当前版本 %(v)s），请刷新后再保存")
                        % {"v": locked.version}
                    )
                for key, value in validated_data.items():
                    setattr(locked, key, value)
                locked.version += 1
                locked.save()
                if officers is not None:
                    services.set_team(locked, list(officers))
                if assistants is not None:
                    locked.assistants.set(assistants)
        except services.RuleViolation as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(self, exc)) from exc
        return locked


class ResultInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, label=_("检查项编号"))
    result = serializers.ChoiceField(
        choices=ItemResult.choices, allow_blank=True, label=_("结果"), help_text=_("空字符串表示未检查")
    )
    note = serializers.CharField(
        max_length=300, allow_blank=True, required=False, default="", label=_("情况说明")
    )


class SaveResultsSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        label=_("版本号"),
        help_text=_("读取检查记录时的版本号；若已在其他设备上修改则返回 409"),
    )
    results = ResultInputSerializer(many=True, allow_empty=False, label=_("检查结果"))

    def validate_results(self, value):
        items = [row["item"] for row in value]
        if len(set(items)) != len(items):
            raise serializers.ValidationError(_("同一检查项只能出现一次"))
        return value


# --- Hazards ---------------------------------------------------------------------------------------


class HazardEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField(label=_("操作人"))

    class Meta:
        model = HazardEvent
        fields = ["from_status", "to_status", "actor", "actor_name", "note", "at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor_name(self, event) -> str:
        return user_name(event.actor)


class HazardSerializer(serializers.ModelSerializer):
    """A hazard found in an inspection. Its status moves only through ``transition`` (and 销号 only
    through a signed re-inspection); ``overdue`` is derived from the deadline, never stored."""

    inspection = ScopedPrimaryKeyRelatedField(queryset=Inspection.objects.all(), label=_("检查"))
    item = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistItem.objects.all(),
        required=False,
        allow_null=True,
        label=_("检查项"),
        help_text=_("本次检查所用检查表中的检查项"),
    )
    level = serializers.ChoiceField(
        choices=HazardLevel.choices,
        required=False,
        label=_("隐患等级"),
        help_text=_("留空时按检查项判定：引用重大事故隐患判定标准的为重大隐患"),
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, label=_("企业名称"))
    board_name = serializers.CharField(source="board.name", read_only=True, label=_("板块名称"))
    overdue = serializers.SerializerMethodField(label=_("已逾期"), help_text=_("未销号且已过整改期限"))
    events = HazardEventSerializer(many=True, read_only=True, label=_("流转记录"))

    class Meta:
        model = Hazard
        fields = [
            "id",
            "inspection",
            "enterprise",
            "enterprise_name",
            "board",
            "board_name",
            "item",
            "description",
            "level",
            "legal_basis",
            "deadline",
            "responsible_person",
            "status",
            "overdue",
            "closed_at",
            "created_at",
            "events",
        ]
        read_only_fields = ["enterprise", "board", "legal_basis", "status", "closed_at", "created_at"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, hazard) -> bool:
        return hazard.is_overdue()

    def create(self, validated_data):
        try:
            return services.add_hazard(
                validated_data["inspection"],
                description=validated_data.get("description", ""),
                level=validated_data.get("level"),
                item=validated_data.get("item"),
                deadline=validated_data.get("deadline"),
                responsible_person=validated_data.get("responsible_person", ""),
                user=request_user(self),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc)) from exc


class HazardTransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(
        choices=HazardStatus.choices,
        label=_("目标状态"),
        help_text=_("销号只能经签署的整改复查完成，不能直接流转"),
    )
    note = serializers.CharField(
        max_length=300, allow_blank=True, required=False, default="", label=_("说明")
    )


class ReferToCaseSerializer(serializers.Serializer):
    description = serializers.CharField(label=_("违法事实摘要"))


class CaseSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseSource
        fields = ["id", "board", "enterprise", "inspection", "hazard", "description", "status", "created_at"]
        read_only_fields = fields


# --- Rectification orders, extensions, re-inspections ------------------------------------------------


class RectificationItemSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="hazard.description", read_only=True, label=_("隐患描述"))
    level = serializers.CharField(source="hazard.level", read_only=True, label=_("隐患等级"))
    status = serializers.CharField(source="hazard.status", read_only=True, label=_("隐患状态"))

    class Meta:
        model = RectificationItem
        fields = ["hazard", "description", "level", "status", "deadline"]
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.ModelSerializer):
    """整改复查延期申请; decided by a board or district leader (``decide``), which issues the 审批表."""

    hazards: serializers.PrimaryKeyRelatedField[Hazard] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, label=_("申请延期的隐患")
    )
    document = DocumentLinkSerializer(read_only=True, allow_null=True, label=_("审批表"))
    decided_by_name = serializers.SerializerMethodField(label=_("审批人"))

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "order",
            "board",
            "hazards",
            "requested_deadline",
            "reason",
            "applicant",
            "status",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "opinion",
            "document",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_decided_by_name(self, extension) -> str:
        return user_name(extension.decided_by)


class ReInspectionBriefSerializer(serializers.ModelSerializer):
    document = DocumentLinkSerializer(read_only=True, allow_null=True, label=_("整改复查意见书"))

    class Meta:
        model = ReInspection
        fields = ["id", "status", "inspected_at", "document"]
        read_only_fields = fields


class RectificationOrderSerializer(serializers.ModelSerializer):
    """责令限期整改指令书: the hazards of one signed inspection, each with its deadline."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, label=_("企业名称"))
    board_name = serializers.CharField(source="board.name", read_only=True, label=_("板块名称"))
    items = RectificationItemSerializer(many=True, read_only=True, label=_("整改事项"))
    document = DocumentLinkSerializer(read_only=True, allow_null=True, label=_("指令书"))
    issued_by_name = serializers.SerializerMethodField(label=_("下达人"))
    extensions = ExtensionRequestSerializer(many=True, read_only=True, label=_("延期申请"))
    reinspections = ReInspectionBriefSerializer(many=True, read_only=True, label=_("整改复查"))

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "inspection",
            "enterprise",
            "enterprise_name",
            "board",
            "board_name",
            "items",
            "document",
            "issued_by",
            "issued_by_name",
            "issued_at",
            "extensions",
            "reinspections",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_issued_by_name(self, order) -> str:
        return user_name(order.issued_by)


class OrderItemInputSerializer(serializers.Serializer):
    hazard = serializers.IntegerField(min_value=1, label=_("隐患编号"))
    deadline = serializers.DateField(label=_("整改期限"))


class IssueOrderSerializer(serializers.Serializer):
    inspection = ScopedPrimaryKeyRelatedField(
        queryset=Inspection.objects.all(), label=_("检查"), help_text=_("已签署的现场检查记录")
    )
    items = OrderItemInputSerializer(many=True, allow_empty=False, label=_("整改事项"))

    def validate_items(self, value):
        hazards = [row["hazard"] for row in value]
        if len(set(hazards)) != len(hazards):
            raise serializers.ValidationError(_("同一隐患只能列入一次"))
        return value

    def create(self, validated_data):
        deadlines = {row["hazard"]: row["deadline"] for row in validated_data["items"]}
        try:
            return services.issue_rectification_order(
                validated_data["inspection"], deadlines, user=request_user(self)
            )
        except services.RuleViolation as exc:
            raise serializers.ValidationError({"inspection": exc.messages}) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                django_errors(exc, {"hazards": "items", "deadline": "items"})
            ) from exc


class ExtensionInputSerializer(serializers.Serializer):
    hazards = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        label=_("申请延期的隐患"),
        help_text=_("本指令中未销号的隐患编号"),
    )
    requested_deadline = serializers.DateField(label=_("申请延期至"))
    reason = serializers.CharField(label=_("申请理由"))
    applicant = serializers.CharField(max_length=64, label=_("申请人"))


class DecideExtensionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label=_("批准"), help_text=_("true 批准，false 不予批准"))
    opinion = serializers.CharField(label=_("审批意见"))


class StartReInspectionSerializer(serializers.Serializer):
    officers = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Officer.objects.filter(active=True),
        label=_("复查人员"),
        help_text=_("签署时须至少两名当日持有效执法证"),
    )


class OutcomeSerializer(serializers.Serializer):
    hazard = serializers.IntegerField(source="hazard_id", min_value=1, label=_("隐患编号"))
    description = serializers.CharField(source="hazard.description", read_only=True, label=_("隐患描述"))
    outcome = serializers.ChoiceField(
        choices=ReviewOutcome.choices, allow_blank=True, required=False, label=_("复查结论")
    )
    new_deadline = serializers.DateField(
        required=False, allow_null=True, label=_("新的整改期限"), help_text=_("继续整改时必填")
    )
    note = serializers.CharField(max_length=300, allow_blank=True, required=False, label=_("复查情况"))


class ReInspectionSerializer(serializers.ModelSerializer):
    """整改复查: closes or keeps each open hazard of an order; signing issues the 整改复查意见书."""

    officers = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Officer.objects.filter(active=True),
        label=_("复查人员"),
        help_text=_("签署时须至少两名当日持有效执法证"),
    )
    board_name = serializers.CharField(source="board.name", read_only=True, label=_("板块名称"))
    enterprise = serializers.IntegerField(source="order.enterprise_id", read_only=True, label=_("企业"))
    enterprise_name = serializers.CharField(
        source="order.enterprise.name", read_only=True, label=_("企业名称")
    )
    outcomes = OutcomeSerializer(many=True, required=False, label=_("复查结论"))
    document = DocumentLinkSerializer(read_only=True, allow_null=True, label=_("整改复查意见书"))

    class Meta:
        model = ReInspection
        fields = [
            "id",
            "order",
            "board",
            "board_name",
            "enterprise",
            "enterprise_name",
            "officers",
            "inspected_at",
            "opinion",
            "status",
            "outcomes",
            "document",
            "signed_off_by",
            "signed_off_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = [
            "order",
            "board",
            "status",
            "signed_off_by",
            "signed_off_at",
            "created_by",
            "created_at",
        ]

    def validate_officers(self, value):
        if len({o.pk for o in value}) != len(value):
            raise serializers.ValidationError(_("同一执法人员不能重复选择"))
        return value

    def validate_outcomes(self, value):
        hazards = [row["hazard_id"] for row in value]
        if len(set(hazards)) != len(hazards):
            raise serializers.ValidationError(_("同一隐患只能给出一个复查结论"))
        return value

    def create(self, validated_data):  # pragma: no cover - re-inspections start from their order
        raise NotImplementedError

    def update(self, instance, validated_data):
        officers = validated_data.pop("officers", None)
        outcomes = validated_data.pop("outcomes", None)
        with transaction.atomic():
            locked = ReInspection.objects.select_for_update().get(pk=instance.pk)
            if locked.status != InspectionStatus.DRAFT:
                raise Conflict(REVIEW_SIGNED_READ_ONLY)
            for key, value in validated_data.items():
                setattr(locked, key, value)
            locked.save()
            if officers is not None:
                locked.officers.set(officers)
            if outcomes:
                self._save_outcomes(locked, outcomes)
        return locked

    def _save_outcomes(self, review: ReInspection, outcomes) -> None:
        rows = {row.hazard_id: row for row in review.outcomes.all()}
        changed = {}
        for data in outcomes:
            row = rows.get(data["hazard_id"])
            if row is None:
                raise serializers.ValidationError(
                    {"outcomes": [_("隐患 %(id)s 不在本次复查范围内") % {"id": data["hazard_id"]}]}
                )
            before = [row.outcome, row.new_deadline, row.note]
            for key in ("outcome", "new_deadline", "note"):
                if key in data:
                    setattr(row, key, data[key])
            after = [row.outcome, row.new_deadline, row.note]
            if before != after:
                row.save(update_fields=["outcome", "new_deadline", "note"])
                changed[row.hazard_id] = {"from": before, "to": after}
        if changed:
            record(AuditAction.UPDATE, review, after={"outcomes": changed}, message="保存复查结论")


# --- Evidence --------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """An uploaded file's record; the bytes are downloaded from ``download_url`` after a hash check."""

    recorder_serial = serializers.CharField(
        source="recorder.serial_number", read_only=True, allow_null=True, label=_("执法记录仪编号")
    )
    uploaded_by_name = serializers.SerializerMethodField(label=_("上传人"))
    download_url = serializers.SerializerMethodField(label=_("下载地址"))
    thumbnail_url = serializers.SerializerMethodField(label=_("缩略图地址"), help_text=_("仅照片有缩略图"))

    class Meta:
        model = Evidence
        fields = [
            "id",
            "board",
            "inspection",
            "hazard",
            "reinspection",
            "kind",
            "sha256",
            "size",
            "content_type",
            "original_name",
            "has_thumbnail",
            "recorder",
            "recorder_serial",
            "captured_at",
            "description",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
            "thumbnail_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_uploaded_by_name(self, evidence) -> str:
        return user_name(evidence.uploaded_by)

    def _url(self, name: str, evidence) -> str:
        path = reverse(name, args=[evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, evidence) -> str:
        return self._url("evidence-download", evidence)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_thumbnail_url(self, evidence) -> str | None:
        return self._url("evidence-thumbnail", evidence) if evidence.thumbnail_sha256 else None


class EvidenceUploadSerializer(serializers.Serializer):
    """One file, attached to an inspection, a hazard or a re-inspection of one board.

    The format is recognised from the content, never from the file name or declared type."""

    file = serializers.FileField(label=_("文件"), help_text=evidence_store.ACCEPTED_HELP)
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, label=_("类别"))
    inspection = ScopedPrimaryKeyRelatedField(
        queryset=Inspection.objects.all(), required=False, allow_null=True, label=_("检查")
    )
    hazard = ScopedPrimaryKeyRelatedField(
        queryset=Hazard.objects.all(), required=False, allow_null=True, label=_("隐患")
    )
    reinspection = ScopedPrimaryKeyRelatedField(
        queryset=ReInspection.objects.all(), required=False, allow_null=True, label=_("复查")
    )
    recorder = ScopedPrimaryKeyRelatedField(
        queryset=Equipment.objects.filter(kind=EquipmentKind.RECORDER),
        required=False,
        allow_null=True,
        label=_("执法记录仪"),
    )
    captured_at = serializers.DateTimeField(required=False, allow_null=True, label=_("拍摄/采集时间"))
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("说明")
    )

    def validate(self, attrs):
        if not any(attrs.get(key) for key in ("inspection", "hazard", "reinspection")):
            raise serializers.ValidationError({NON_FIELD: [_("证据必须归属于一次检查、一项隐患或一次复查")]})
        return attrs

    def create(self, validated_data):
        upload = validated_data["file"]
        try:
            return evidence_store.add_evidence(
                upload,
                kind=validated_data["kind"],
                user=request_user(self),
                inspection=validated_data.get("inspection"),
                hazard=validated_data.get("hazard"),
                reinspection=validated_data.get("reinspection"),
                recorder=validated_data.get("recorder"),
                description=validated_data.get("description", ""),
                captured_at=validated_data.get("captured_at"),
            )
        except DjangoValidationError as exc:
            errors = django_errors(exc)
            if NON_FIELD in errors and not hasattr(exc, "error_dict"):
                errors = {"file": errors.pop(NON_FIELD)}
            raise serializers.ValidationError(errors) from exc

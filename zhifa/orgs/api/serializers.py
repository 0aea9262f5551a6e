from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhifa.core.personal import PersonalDataSerializerMixin
from zhifa.core.serializers import (
    CleanModelSerializer,
    ScopedPrimaryKeyRelatedField,
    check_board,
)
from zhifa.orgs.models import Certificate, Officer, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "short_name", "kind", "parent", "penalty_authority"]
        read_only_fields = fields


class OfficerSerializer(PersonalDataSerializerMixin, CleanModelSerializer):
    """An officer. ``id_number`` and ``phone`` read masked; in full with ``?unmask=1`` (audited)."""

    unit = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), label=_("所在单位"), help_text=_("区（局机关/执法大队）或板块的编号")
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("所在单位名称"))
    certified = serializers.BooleanField(
        read_only=True, label=_("持有效执法证"), help_text=_("今日持有有效期内、状态为有效的执法证")
    )

    class Meta:
        model = Officer
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "post",
            "employment",
            "id_number",
            "phone",
            "certified",
            "legal_qualification",
            "legal_qualification_number",
            "active",
        ]
        extra_kwargs = {
            "id_number": {
                "help_text": _(
                    "18 位，末位可为 X。读取时打码；有“查看完整身份证号和电话”权限者单条读取加 ?unmask=1 "
                    "可见全文（记入审计日志）；原样提交打码值表示不修改"
                )
            },
            "phone": {
                "help_text": _(
                    "读取时打码；有“查看完整身份证号和电话”权限者单条读取加 ?unmask=1 可见全文（记入审计日志）"
                )
            },
        }

    def validate_unit(self, value):
        current = self.instance.unit_id if self.instance is not None else None
        check_board(self, value, current_id=current, message=_("只能在您管辖的板块内登记或调整人员"))
        return value


class CertificateSerializer(CleanModelSerializer):
    officer = ScopedPrimaryKeyRelatedField(queryset=Officer.objects.all(), label=_("持证人"))
    officer_name = serializers.CharField(source="officer.name", read_only=True, label=_("持证人姓名"))

    class Meta:
        model = Certificate
        fields = [
            "id",
            "officer",
            "officer_name",
            "number",
            "level",
            "issuer",
            "valid_from",
            "valid_to",
            "status",
            "status_reason",
        ]

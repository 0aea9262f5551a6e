from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhifa.core.personal import PersonalDataSerializerMixin
from zhifa.core.serializers import CleanModelSerializer, Conflict, check_board, field_errors, request_user
from zhifa.enterprises import services
from zhifa.enterprises.choices import EnforcementClass
from zhifa.enterprises.models import Enterprise, Industry
from zhifa.orgs.models import Region


class IndustryCodeField(serializers.CharField):
    """The GB/T 4754-2017 code of the enterprise's industry, checked against the industry table."""

    default_error_messages = {
        "unknown": _("国民经济行业代码 {code} 不存在（GB/T 4754-2017）"),
        "too_coarse": _("国民经济行业请至少选到大类（2 位代码）"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 5)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data).strip().upper()
        level = Industry.objects.filter(code=code).values_list("level", flat=True).first()
        if level is None:
            self.fail("unknown", code=code)
        if level < 2:
            self.fail("too_coarse")
        return code


class EnterpriseSerializer(PersonalDataSerializerMixin, CleanModelSerializer):
    """An enterprise of the registry. ``enforcement_class`` is set by the classification rule.

    On update, send the ``version`` you read: an edit based on an older version answers 409.
    """

    clean_exclude = ("version",)

    board = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(),
        label=_("所属板块"),
        help_text=_("板块编号；板块用户只能选择本人管辖的板块"),
    )
    board_name = serializers.CharField(source="board.name", read_only=True, label=_("所属板块名称"))
    industry_code = IndustryCodeField(
        source="industry_id",
        label=_("国民经济行业代码"),
        help_text=_("GB/T 4754-2017 代码，至少到大类，如 2614"),
    )
    industry_name = serializers.CharField(source="industry.name", read_only=True, label=_("国民经济行业名称"))
    masked_contact_phone = serializers.CharField(read_only=True, label=_("联系电话（打码）"))
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        label=_("版本号"),
        help_text=_("读取时为当前版本；修改时回传所读到的版本，若已被他人修改则返回 409"),
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "legal_representative",
            "address",
            "board",
            "board_name",
            "industry_code",
            "industry_name",
            "sector",
            "scale",
            "major_hazard_level",
            "standardization_grade",
            "operating_status",
            "contact_name",
            "contact_phone",
            "masked_contact_phone",
            "enforcement_class",
            "class_overridden",
            "class_override_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "enforcement_class",
            "class_overridden",
            "class_override_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "contact_phone": {
                "help_text": _(
                    "读取时打码；有权限者单条读取加 ?unmask=1 可见全文（记入审计日志）；原样提交打码值表示不修改"
                )
            }
        }

    def validate_board(self, value):
        current = self.instance.board_id if self.instance is not None else None
        check_board(self, value, current_id=current, message=_("只能在您管辖的板块内登记或调整企业"))
        return value

    def create(self, validated_data):
        validated_data.pop("version", None)
        return self._save(Enterprise(**validated_data), expected_version=None)

    def update(self, instance, validated_data):
        expected_version = validated_data.pop("version", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self._save(instance, expected_version=expected_version)

    def _save(self, enterprise, *, expected_version):
        try:
            return services.save_enterprise(
                enterprise, user=request_user(self), expected_version=expected_version
            )
        except services.ConcurrentEditError as exc:
            raise Conflict(exc.messages[0]) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(self, exc)) from exc


class OverrideClassSerializer(serializers.Serializer):
    enforcement_class = serializers.ChoiceField(choices=EnforcementClass.choices, label=_("执法类别"))
    reason = serializers.CharField(max_length=200, label=_("调整理由"))

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhifa.core.personal import PersonalDataSerializerMixin
from zhifa.core.serializers import CleanModelSerializer
from zhifa.experts.models import Expert, ExpertGroup


class ExpertGroupSerializer(serializers.ModelSerializer):
    industry_prefixes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        label=_("覆盖行业代码"),
        help_text=_("GB/T 4754-2017 代码前缀"),
    )

    class Meta:
        model = ExpertGroup
        fields = ["id", "code", "name", "industry_prefixes", "topics", "description", "sort_order"]
        read_only_fields = fields


class ExpertSerializer(PersonalDataSerializerMixin, CleanModelSerializer):
    """An expert. The phone reads masked; in full with ``?unmask=1`` for the pool's managers (audited)."""

    groups = serializers.PrimaryKeyRelatedField(
        many=True,
        allow_empty=False,
        queryset=ExpertGroup.objects.all(),
        label=_("专业组"),
        help_text=_("专业组编号列表，至少一个"),
    )
    masked_phone = serializers.CharField(read_only=True, label=_("联系电话（打码）"))

    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "employer",
            "employer_uscc",
            "title",
            "qualifications",
            "groups",
            "active",
            "phone",
            "masked_phone",
        ]
        extra_kwargs = {
            "phone": {
                "help_text": _(
                    "读取时打码；有权限者单条读取加 ?unmask=1 可见全文（记入审计日志）；原样提交打码值表示不修改"
                )
            }
        }

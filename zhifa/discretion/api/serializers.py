"""Serializers of the benchmark: versions, entries with tiers and factors (read), and the input and
output of 试算 (``propose``). Reads come from what the viewsets select: no query per row."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhifa.discretion.models import Catalogue, Factor, Tier, ViolationType


class FactorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Factor
        fields = ["id", "code", "kind", "text", "legal_basis", "statutory", "violation_type"]
        read_only_fields = fields


class CatalogueSerializer(serializers.ModelSerializer):
    type_count = serializers.IntegerField(read_only=True)
    factors = FactorSerializer(many=True, read_only=True)

    class Meta:
        model = Catalogue
        fields = [
            "id",
            "name",
            "effective_from",
            "effective_to",
            "status",
            "note",
            "previous",
            "published_at",
            "retire_reason",
            "type_count",
            "factors",
        ]
        read_only_fields = fields


class TierSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Tier
        fields = ["level", "level_label", "conditions", "min_fine", "max_fine"]
        read_only_fields = fields


class ViolationTypeSerializer(serializers.ModelSerializer):
    catalogue_name = serializers.CharField(source="catalogue.name", read_only=True)
    tiers = TierSerializer(many=True, read_only=True)
    factors = serializers.SerializerMethodField(help_text=_("适用的裁量情节：本条目的和本版本通用的"))

    class Meta:
        model = ViolationType
        fields = [
            "id",
            "catalogue",
            "catalogue_name",
            "code",
            "name",
            "article_violated",
            "penalty_article",
            "party",
            "min_fine",
            "max_fine",
            "other_penalties",
            "example_values",
            "tiers",
            "factors",
        ]
        read_only_fields = fields

    @extend_schema_field(FactorSerializer(many=True))
    def get_factors(self, obj) -> Any:
        general = getattr(obj.catalogue, "general_factors", None)
        if general is None:  # not prefetched: a single object
            general = list(obj.catalogue.factors.filter(violation_type__isnull=True))
        return FactorSerializer([*general, *obj.factors.all()], many=True).data


class ProposeInputSerializer(serializers.Serializer):
    first_offence = serializers.BooleanField(default=False, label=_("初次违法"))
    minor = serializers.BooleanField(default=False, label=_("危害后果轻微"))
    corrected_in_time = serializers.BooleanField(default=False, label=_("及时改正"))
    factors = serializers.ListField(
        child=serializers.CharField(max_length=32), default=list, label=_("裁量情节代码")
    )
    circumstances = serializers.CharField(default="", allow_blank=True, max_length=1000, label=_("案情摘要"))


class AppliedFactorSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    legal_basis = serializers.CharField()
    statutory = serializers.BooleanField()


class ProposalSerializer(serializers.Serializer):
    """The shape of ``Proposal.as_dict()`` (documented for the schema; amounts as decimal strings)."""

    violation_type_id = serializers.IntegerField()
    violation_type_code = serializers.CharField()
    violation_type_name = serializers.CharField()
    catalogue_id = serializers.IntegerField()
    catalogue_name = serializers.CharField()
    party = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField()
    min_fine = serializers.DecimalField(max_digits=12, decimal_places=2)
    max_fine = serializers.DecimalField(max_digits=12, decimal_places=2)
    suggested_fine = serializers.DecimalField(max_digits=12, decimal_places=2)
    statutory_min = serializers.DecimalField(max_digits=12, decimal_places=2)
    statutory_max = serializers.DecimalField(max_digits=12, decimal_places=2)
    penalty_article = serializers.CharField()
    articles = serializers.ListField(child=serializers.CharField())
    conditions = serializers.CharField()
    other_penalties = serializers.CharField()
    explanation = serializers.CharField()
    example_values = serializers.BooleanField()
    factors = AppliedFactorSerializer(many=True)
    first_offence = serializers.BooleanField()
    minor = serializers.BooleanField()
    corrected_in_time = serializers.BooleanField()
    circumstances = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())

"""The public JSON: only what the public pages show, field by field (never a model's every field)."""

from __future__ import annotations

from rest_framework import serializers

from zhifa.disclosure import services
from zhifa.disclosure.choices import CertificateState, PublicationState
from zhifa.disclosure.models import Publication


class PublicBodySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    kind = serializers.CharField(source="get_kind_display")
    penalty_authority = serializers.SerializerMethodField()
    delegated_powers = serializers.SerializerMethodField()
    powers = serializers.SerializerMethodField()
    basis = serializers.SerializerMethodField()

    def get_name(self, region) -> str:
        return region.name if region.is_board else services.agency_name(region)

    def get_penalty_authority(self, region) -> str:
        return str(region.get_penalty_authority_display()) if region.is_board else ""

    def get_delegated_powers(self, region) -> list[str]:
        return services.delegated_lines(region) if region.is_board else []

    def get_powers(self, region) -> list[str]:
        disclosure = getattr(region, "disclosure", None)
        return disclosure.power_lines if disclosure else []

    def get_basis(self, region) -> list[str]:
        disclosure = getattr(region, "disclosure", None)
        return disclosure.basis_lines if disclosure else []


class PublicOfficerSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.SerializerMethodField()
    certificate_number = serializers.SerializerMethodField()
    certificate_valid_to = serializers.SerializerMethodField()
    certificate_state = serializers.SerializerMethodField()
    certificate_state_label = serializers.SerializerMethodField()

    def _certificate(self, officer):
        return officer.public_certs[0]

    def get_unit(self, officer) -> str:
        return officer.unit.name if officer.unit.is_board else services.agency_name(officer.unit)

    def get_certificate_number(self, officer) -> str:
        return self._certificate(officer).number

    def get_certificate_valid_to(self, officer) -> str:
        return self._certificate(officer).valid_to.isoformat()

    def get_certificate_state(self, officer) -> str:
        return services.certificate_state(self._certificate(officer), self.context.get("today"))

    def get_certificate_state_label(self, officer) -> str:
        return str(CertificateState(self.get_certificate_state(officer)).label)


class PublicDecisionSerializer(serializers.ModelSerializer):
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    agency = serializers.CharField(source="agency_name")
    content = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = [
            "id",
            "decision_number",
            "decided_on",
            "agency",
            "state",
            "state_label",
            "published_at",
            "withdrawn_at",
            "withdrawal_notice",
            "content",
        ]

    def get_state_label(self, publication) -> str:
        return str(PublicationState(publication.state).label)

    def get_content(self, publication) -> dict:
        return publication.public_content


class PublicDrawSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    month = serializers.CharField(source="label")
    scope = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    algorithm_version = serializers.CharField()
    commitment = serializers.CharField()
    seed = serializers.SerializerMethodField()
    seed_source = serializers.SerializerMethodField()
    pool_hash = serializers.CharField()
    result_hash = serializers.CharField()
    committed_at = serializers.DateTimeField()
    drawn_at = serializers.DateTimeField()
    revealed_at = serializers.DateTimeField()
    superseded_by = serializers.SerializerMethodField()
    drawn = serializers.IntegerField()

    def get_scope(self, draw) -> str:
        return draw.board.name if draw.board is not None else "全区"

    def _revealed(self, draw) -> bool:
        return services.is_revealed(draw)

    def get_seed(self, draw) -> str:
        return draw.seed_hex if self._revealed(draw) else ""

    def get_seed_source(self, draw) -> str:
        return draw.seed_source if self._revealed(draw) else ""

    def get_superseded_by(self, draw) -> int | None:
        successor = getattr(draw, "superseded_by", None)
        return successor.pk if successor is not None else None


class PublicDrawDetailSerializer(PublicDrawSerializer):
    enterprises = serializers.SerializerMethodField()

    def get_enterprises(self, draw) -> list[dict[str, str]]:
        if not self._revealed(draw):
            return []
        return [
            {"name": row.enterprise.name, "board": row.board.name}
            for row in draw.assignments.select_related("enterprise", "board").order_by(
                "board__sort_order", "board__code", "enterprise__name", "pk"
            )
        ]

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhifa.documents.models import FormKind, IssuedDocument


def document_url(serializer, document: IssuedDocument, fmt: str) -> str:
    """The API address that streams the document's PDF or DOCX (absolute when a request is known)."""
    path = reverse(f"issueddocument-{fmt}", args=[document.pk])
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class FormKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormKind
        fields = ["code", "title"]
        read_only_fields = fields


class DocumentLinkSerializer(serializers.ModelSerializer):
    """An issued document as other records name it: its number and where to download it."""

    kind = serializers.CharField(source="kind_id", read_only=True, label=_("文书种类代码"))
    sha256 = serializers.CharField(source="pdf_sha256", read_only=True, label=_("PDF SHA-256"))
    pdf_url = serializers.SerializerMethodField(label=_("PDF 下载地址"))
    docx_url = serializers.SerializerMethodField(label=_("DOCX 下载地址"))

    class Meta:
        model = IssuedDocument
        fields = ["id", "number", "title", "kind", "version", "status", "sha256", "pdf_url", "docx_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, document) -> str:
        return document_url(self, document, "pdf")

    @extend_schema_field(OpenApiTypes.URI)
    def get_docx_url(self, document) -> str:
        return document_url(self, document, "docx")


class IssuedDocumentSerializer(serializers.ModelSerializer):
    """An issued document. Never changed: a correction is a new version with the same number."""

    form = FormKindSerializer(source="kind", read_only=True, label=_("文书种类"))
    sha256 = serializers.CharField(
        source="pdf_sha256", read_only=True, label=_("PDF SHA-256"), help_text=_("PDF 文件的 SHA-256")
    )
    agency_name = serializers.CharField(source="agency.name", read_only=True, label=_("制发机关名称"))
    board_name = serializers.CharField(source="board.name", read_only=True, label=_("承办板块名称"))
    superseded_by = serializers.SerializerMethodField(
        label=_("更正版本"), help_text=_("替代本文书的更正版本编号")
    )
    subject_type = serializers.CharField(
        source="subject_type.model", read_only=True, label=_("所涉记录类型"), help_text=_("如 inspection")
    )
    issued_by_name = serializers.CharField(
        source="issued_by.get_full_name", read_only=True, label=_("签发人")
    )
    pdf_url = serializers.SerializerMethodField(label=_("PDF 下载地址"))
    docx_url = serializers.SerializerMethodField(label=_("DOCX 下载地址"))

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "number",
            "form",
            "title",
            "year",
            "sequence",
            "version",
            "status",
            "supersedes",
            "superseded_by",
            "correction_reason",
            "sha256",
            "pdf_size",
            "docx_sha256",
            "docx_size",
            "agency",
            "agency_name",
            "board",
            "board_name",
            "subject_type",
            "subject_id",
            "issued_by",
            "issued_by_name",
            "issued_at",
            "pdf_url",
            "docx_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, document) -> int | None:
        try:
            return document.superseded_by.pk
        except IssuedDocument.DoesNotExist:
            return None

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, document) -> str:
        return document_url(self, document, "pdf")

    @extend_schema_field(OpenApiTypes.URI)
    def get_docx_url(self, document) -> str:
        return document_url(self, document, "docx")

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action

from zhifa.core.api import ScopedReadOnlyViewSet, schema_tags
from zhifa.documents.api.files import verified_response
from zhifa.documents.api.filtersets import IssuedDocumentFilterSet
from zhifa.documents.api.serializers import IssuedDocumentSerializer
from zhifa.documents.models import IssuedDocument
from zhifa.documents.views import FORMATS, file_name

PDF = FORMATS["pdf"][1]
DOCX = FORMATS["docx"][1]

INTEGRITY = OpenApiResponse(description=_("存储的文件与登记的 SHA-256 不符，拒绝下载"))
MISSING = OpenApiResponse(description=_("存储中找不到该文件"))


def download_schema(media_type: str, summary):
    return extend_schema(
        summary=summary,
        description=_("下载前按登记的 SHA-256 校验文件；每次下载记入全过程记录（导出）。"),
        responses={(200, media_type): OpenApiTypes.BINARY, 409: INTEGRITY, 410: MISSING},
    )


@extend_schema(
    tags=schema_tags(_("执法文书")),
    description=_(
        "已签发的执法文书（只读）。文书由检查、整改、复查等流程签发，不可修改或删除；"
        "更正时签发同一文号的新版本，原版本标记为“已被更正版本替代”。"
    ),
)
class IssuedDocumentViewSet(ScopedReadOnlyViewSet):
    """Issued documents (read-only), their hashes and verified downloads of the PDF and DOCX."""

    queryset = IssuedDocument.objects.all()
    serializer_class = IssuedDocumentSerializer
    filterset_class = IssuedDocumentFilterSet
    search_fields = ["number", "title"]
    ordering_fields = ["issued_at", "number", "year"]

    def optimize(self, queryset):
        return queryset.select_related(
            "kind", "agency", "board", "issued_by", "subject_type", "superseded_by"
        )

    def _serve(self, fmt: str):
        document = self.get_object()
        field, content_type, label = FORMATS[fmt]
        return verified_response(
            getattr(document, field),
            obj=document,
            filename=file_name(document, fmt),
            content_type=content_type,
            what=f"文书 {label} {document}",
        )

    @download_schema(PDF, _("下载文书 PDF"))
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return self._serve("pdf")

    @download_schema(DOCX, _("下载文书 DOCX"))
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        return self._serve("docx")

"""Issuing documents: number, render (PDF and DOCX from one content), store, record — in one transaction."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import storage
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import FormKind, IssuedDocument
from zhifa.documents.numbering import format_number, issuing_agency, take_number


def issue(
    kind_code: str,
    subject,
    board,
    content: dict,
    *,
    user,
    supersedes: IssuedDocument | None = None,
    reason: str = "",
) -> IssuedDocument:
    """Issue a document of ``kind_code`` about ``subject``.

    ``content`` is the form's data (see ``zhifa.documents.rendering`` for its shape); the number and the
    agency are filled in here. With ``supersedes``, issue a corrected version with the same number; the
    reason is required and the old version is marked superseded, never changed otherwise.
    """
    from zhifa.documents.rendering import render

    kind = FormKind.objects.get(pk=kind_code)
    agency = issuing_agency(board)
    with transaction.atomic():
        if supersedes is not None:
            previous = IssuedDocument.objects.select_for_update().get(pk=supersedes.pk)
            if previous.status != DocumentStatus.VALID:
                raise ValidationError(_("该文书已有更正版本，请更正最新版本"))
            if not reason.strip():
                raise ValidationError({"correction_reason": _("签发更正版本必须说明更正理由")})
            year, sequence, number, version = (
                previous.year,
                previous.sequence,
                previous.number,
                previous.version + 1,
            )
        else:
            previous = None
            year = timezone.localdate().year
            sequence = take_number(agency, kind, year) if kind.numbered else None
            number = format_number(agency, kind, year, sequence) if sequence else ""
            version = 1
        content = {
            **content,
            "title": content.get("title") or kind.title,
            "agency_name": agency.agency_name or agency.name,
            "number": number,
            "version": version,
        }
        rendered = render(kind, content)
        pdf_sha = storage.put_bytes(rendered.pdf)
        docx_sha = storage.put_bytes(rendered.docx)
        document = IssuedDocument.objects.create(
            kind=kind,
            agency=agency,
            board=board,
            year=year,
            sequence=sequence,
            number=number,
            version=version,
            supersedes=previous,
            correction_reason=reason.strip(),
            title=content["title"],
            content=content,
            pdf_sha256=pdf_sha,
            pdf_size=len(rendered.pdf),
            docx_sha256=docx_sha,
            docx_size=len(rendered.docx),
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            issued_by=user,
        )
        if previous is not None:
            previous.status = DocumentStatus.SUPERSEDED
            previous.save(update_fields=["status"])
        record(
            AuditAction.DOCUMENT_ISSUE,
            document,
            after={"number": number, "version": version, "pdf_sha256": pdf_sha, "docx_sha256": docx_sha},
            message=f"签发{kind.title} {number}"
            + (f"（更正第 {version} 版：{reason.strip()}）" if previous else ""),
            user=user,
        )
    return document

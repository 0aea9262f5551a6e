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
from zhifa.documents.choices import DocumentStatus, ServiceMethod
from zhifa.documents.models import FormKind, IssuedDocument, ServiceRecord
from zhifa.documents.numbering import format_number, issuing_agency, take_number

#: Decision forms: issued only past the legal-review gate (``zhifa.cases.gate``).
DECISION_KINDS = frozenset({"penalty_decision", "on_spot_decision", "no_penalty_decision"})


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

    if kind_code in DECISION_KINDS and subject._meta.label == "cases.Case":
        # The legal-review gate: not even a direct call numbers a decision without an approved review.
        from zhifa.cases.gate import check_decision_allowed

        check_decision_allowed(subject)
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


# --- Corrections ---------------------------------------------------------------------------------------

#: kind code → the builder that turns the document's subject into its content. A correction re-runs it,
#: so the corrected version reads the records as they now stand.
BUILDERS: dict[str, str] = {
    "inspection_record": "zhifa.inspections.documents.build_inspection_record",
    "rectification_order": "zhifa.inspections.documents.build_rectification_order",
    "extension_approval": "zhifa.inspections.documents.build_extension_approval",
    "reinspection_opinion": "zhifa.inspections.documents.build_reinspection_opinion",
    "service_receipt": "zhifa.documents.services.build_service_receipt",
    "case_registration": "zhifa.cases.documents.build_case_registration",
    "inquiry_notice": "zhifa.cases.documents.build_inquiry_notice",
    "inquiry_record": "zhifa.cases.documents.build_inquiry_record",
    "scene_record": "zhifa.cases.documents.build_scene_record",
    "sampling_record": "zhifa.cases.documents.build_sampling_record",
    "preservation_notice": "zhifa.cases.documents.build_preservation_notice",
    "preservation_decision": "zhifa.cases.documents.build_preservation_decision",
    "investigation_report": "zhifa.cases.documents.build_investigation_report",
    "handling_approval": "zhifa.cases.documents.build_handling_approval",
    "legal_review_opinion": "zhifa.cases.documents.build_legal_review_opinion",
    "collective_discussion": "zhifa.cases.documents.build_collective_discussion",
    "penalty_notice": "zhifa.cases.documents.build_penalty_notice",
    "hearing_notice": "zhifa.cases.documents.build_hearing_notice",
    "statement_record": "zhifa.cases.documents.build_statement_record",
    "hearing_record": "zhifa.cases.documents.build_hearing_record",
    "penalty_decision": "zhifa.cases.documents.build_penalty_decision",
    "on_spot_decision": "zhifa.cases.documents.build_on_spot_decision",
    "no_penalty_decision": "zhifa.cases.documents.build_no_penalty_decision",
    "payment_demand": "zhifa.cases.documents.build_payment_demand",
    "instalment_approval": "zhifa.cases.documents.build_instalment_approval",
    "enforcement_application": "zhifa.cases.documents.build_enforcement_application",
    "case_extension": "zhifa.cases.documents.build_case_extension",
    "case_transfer": "zhifa.cases.documents.build_case_transfer",
    "case_closing": "zhifa.cases.documents.build_case_closing",
}


def builder_for(kind_code: str):
    from django.utils.module_loading import import_string

    try:
        return import_string(BUILDERS[kind_code])
    except KeyError:
        raise ValidationError(_("该种类的文书不能在此更正")) from None


def correct(document: IssuedDocument, *, reason: str, user) -> IssuedDocument:
    """Issue a corrected version of ``document``: the same number, the content rebuilt from its subject,
    a note naming the version it replaces. The old version stays, marked superseded."""
    if not reason.strip():
        raise ValidationError({"reason": _("签发更正版本必须说明更正理由")})
    subject = document.subject
    if subject is None:
        raise ValidationError(_("原文书所依据的记录已不存在，无法更正"))
    content = builder_for(document.kind_id)(subject)
    label = document.number or document.title
    content["correction"] = _(
        "本文书为%(label)s第 %(old)s 版的更正版本，原版本作废。更正理由：%(reason)s"
    ) % {
        "label": label,
        "old": document.version,
        "reason": reason.strip(),
    }
    with transaction.atomic():
        new = issue(
            document.kind_id,
            subject,
            document.board,
            content,
            user=user,
            supersedes=document,
            reason=reason,
        )
        # The subject points at its current document.
        for field in ("document", "receipt"):
            if getattr(subject, f"{field}_id", None) == document.pk and field != _served_field(subject):
                setattr(subject, field, new)
                subject.save(update_fields=[field])
    return new


def _served_field(subject) -> str:
    """On a service record, ``document`` is the served document, not the receipt it prints."""
    return "document" if isinstance(subject, ServiceRecord) else ""


# --- Service (送达) -------------------------------------------------------------------------------------


def _cn_date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _cn_datetime(value) -> str:
    local = timezone.localtime(value)
    return f"{_cn_date(local)}{local.hour}时{local.minute:02d}分"


def build_service_receipt(service: ServiceRecord) -> dict:
    """文书送达回执: the served document's name and number, recipient, place, date, method, servers."""
    from zhifa.orgs.models import Certificate

    document = service.document
    on = timezone.localtime(service.served_at).date()
    servers = list(service.servers.order_by("pk"))
    numbers: dict[int, str] = {}
    for cert in Certificate.objects.valid_on(on).filter(officer__in=servers).order_by("-valid_to"):
        numbers.setdefault(cert.officer_id, cert.number)
    recipient = service.recipient_name + (f"（{service.recipient_title}）" if service.recipient_title else "")
    fields = [
        {"label": "送达文书名称", "value": document.title},
        {"label": "送达文书文号", "value": document.number or "—"},
        {"label": "受送达人", "value": recipient},
        {"label": "送达地点", "value": service.place},
        {"label": "送达时间", "value": _cn_datetime(service.served_at)},
        {"label": "送达方式", "value": service.get_method_display()},
        {"label": "送达人", "value": "、".join(s.name for s in servers)},
    ]
    if service.method == ServiceMethod.LEFT:
        fields.append({"label": "见证人", "value": service.witnesses})
    if service.method == ServiceMethod.ELECTRONIC:
        fields.append({"label": "电子送达地址", "value": service.electronic_address})
        fields.append({"label": "电子送达确认书", "value": service.consent_reference})
    if service.method == ServiceMethod.PUBLIC_NOTICE:
        fields.append({"label": "公告发布日期", "value": _cn_date(service.notice_published_on)})
    if service.note:
        fields.append({"label": "备注", "value": service.note})
    signatures = [
        {"label": "送达人", "name": s.name, "certificate": numbers.get(s.pk, ""), "date": _cn_date(on)}
        for s in servers
    ]
    if service.method in (ServiceMethod.DIRECT, ServiceMethod.LEFT):
        signatures.append({"label": "受送达人", "name": "", "certificate": "", "date": ""})
    if service.method == ServiceMethod.LEFT:
        signatures.append({"label": "见证人", "name": "", "certificate": "", "date": ""})
    return {
        "fields": fields,
        "sections": [],
        "notice": [],
        "signatures": signatures,
        "date": _cn_date(on),
    }


def record_service(
    document: IssuedDocument,
    *,
    method: str,
    served_at,
    servers,
    recipient_name: str,
    recipient_title: str = "",
    place: str = "",
    witnesses: str = "",
    consent_reference: str = "",
    electronic_address: str = "",
    notice_published_on=None,
    note: str = "",
    user,
) -> ServiceRecord:
    """Record how ``document`` was served (validated by ``ServiceRecord.clean``) and issue its receipt."""
    servers = list(servers)
    service = ServiceRecord(
        document=document,
        board=document.board,
        method=method,
        served_at=served_at,
        place=place.strip(),
        recipient_name=recipient_name.strip(),
        recipient_title=recipient_title.strip(),
        witnesses=witnesses.strip(),
        consent_reference=consent_reference.strip(),
        electronic_address=electronic_address.strip(),
        notice_published_on=notice_published_on,
        note=note.strip(),
        created_by=user,
    )
    service.full_clean(exclude=["receipt"])
    if not servers:
        raise ValidationError({"servers": _("请选择送达人")})
    with transaction.atomic():
        service.save()
        service.servers.set(servers)
        service.receipt = issue(
            "service_receipt", service, service.board, build_service_receipt(service), user=user
        )
        service.save(update_fields=["receipt"])
    return service

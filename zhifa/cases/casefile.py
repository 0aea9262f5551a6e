"""The electronic case file (电子卷宗): which documents a case must hold, and the bound PDF.

``required_documents`` is the one list the closing and archiving guards, the case page ("missing") and
the case-file review's pre-check read.
"""

from __future__ import annotations

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.cases.choices import CaseStatus, DecisionKind, Procedure


def required_documents(case) -> list[str]:
    """Form kinds the file of ``case`` must contain, in filing order."""
    from zhifa.cases.gate import review_required

    reviewed = review_required(case)
    if case.procedure == Procedure.SIMPLE:
        kinds = ["legal_review_opinion"] if reviewed else []
        return [*kinds, "on_spot_decision"]
    kinds = ["case_registration"]
    if case.records.filter(kind__in=["inquiry", "scene"]).exists() or not case.evidence.exists():
        kinds.append("inquiry_record" if case.records.filter(kind="inquiry").exists() else "scene_record")
    if case.preservations.exists():
        kinds += ["preservation_notice", "preservation_decision"]
    kinds += ["investigation_report", "handling_approval"]
    if reviewed:
        kinds.append("legal_review_opinion")
    if case.is_major:
        kinds.append("collective_discussion")
    if case.decision_kind == DecisionKind.NO_PENALTY:
        kinds.append("no_penalty_decision")
    else:
        kinds.append("penalty_notice")
        if case.hearings.exists():
            kinds.append("hearing_record")
        kinds.append("penalty_decision")
    kinds += ["service_receipt", "case_closing"]
    return kinds


def case_documents(case):
    """Every valid document issued for the case or one of its records, oldest first."""
    from zhifa.cases.models import Case, CaseRecord, Hearing, LegalReview, Preservation
    from zhifa.documents.models import IssuedDocument, ServiceRecord

    types = ContentType.objects.get_for_models(
        Case, CaseRecord, Preservation, LegalReview, Hearing, ServiceRecord
    )
    q = Q(subject_type=types[Case], subject_id=case.pk)
    for model, related in (
        (CaseRecord, case.records),
        (Preservation, case.preservations),
        (LegalReview, case.legal_reviews),
        (Hearing, case.hearings),
    ):
        q |= Q(subject_type=types[model], subject_id__in=related.values("pk"))
    decisions = IssuedDocument.objects.filter(q).values("pk")
    q |= Q(
        subject_type=types[ServiceRecord],
        subject_id__in=ServiceRecord.objects.filter(document__in=decisions).values("pk"),
    )
    return IssuedDocument.objects.current().filter(q).select_related("kind").order_by("issued_at", "pk")


def missing_documents(case, *, for_closing: bool = False) -> list[str]:
    """Titles of the required documents the file lacks (the closing form itself is not required to close)."""
    from zhifa.documents.models import FormKind

    present = set(case_documents(case).values_list("kind_id", flat=True))
    required = required_documents(case)
    if for_closing:
        required = [k for k in required if k != "case_closing"]
    titles = dict(FormKind.objects.filter(code__in=required).values_list("code", "title"))
    return [titles.get(code, code) for code in required if code not in present]


def store_case_file(case, *, user) -> str:
    """Bind the case file into one PDF, store it content-addressed and record its hash in the chain."""
    from zhifa.cases.binder import build_case_file
    from zhifa.core import storage
    from zhifa.core.audit import record
    from zhifa.core.choices import AuditAction

    # Bound at archiving: the cover carries today's date as the archive date.
    pdf = build_case_file(case, archived_on=case.archived_on or timezone.localdate())
    sha = storage.put_bytes(pdf)
    record(
        AuditAction.DOCUMENT_ISSUE,
        case,
        after={"case_file_sha256": sha, "size": len(pdf)},
        message=f"生成电子卷宗：{case.registration_number or case.pk}",
        user=user,
    )
    return sha


def case_file_for_download(case) -> tuple[bytes, str]:
    """The case file to hand out, with its SHA-256.

    An archived case hands out the file stored at archiving, read back and checked against the hash
    recorded on the case (and in the audit chain), never a new binding that could differ from it. Any
    other case gets a preview bound now from its current documents; the preview is not stored.
    Raises ``zhifa.cases.binder.CaseFileError`` when a stored file is missing or altered.
    """
    from zhifa.cases.binder import CaseFileError, build_case_file, read_verified

    if case.status == CaseStatus.ARCHIVED:
        if not case.case_file_sha256:
            raise CaseFileError(_("该案件已归档，但没有登记电子卷宗的 SHA-256，请系统管理员核查。"))
        stored = read_verified(case.case_file_sha256, _("归档的电子卷宗"), refused=_("不能提供下载"))
        return stored, case.case_file_sha256
    pdf = build_case_file(case)
    return pdf, hashlib.sha256(pdf).hexdigest()

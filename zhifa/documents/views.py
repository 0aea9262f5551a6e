"""Document pages: list, detail (versions, service, hashes), verified downloads, corrections, service
records and batch ZIP downloads.

Every view declares its permission and reads through ``IssuedDocument.objects.restrict`` (a document
outside the user's jurisdiction is not found). Files are streamed from the content-addressed store only
after their SHA-256 is recomputed and matches the value recorded at issue; every download is audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
import zipfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from zhifa.core import storage
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.views import ObjectDetailView, ObjectListView, PermissionMixin
from zhifa.documents import services
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.filtersets import DocumentFilterSet
from zhifa.documents.forms import BatchForm, CorrectionForm, ServiceForm
from zhifa.documents.models import IssuedDocument
from zhifa.documents.tables import DocumentTable

VIEW = "documents.view_issueddocument"
#: The most documents one ZIP may hold (a day of a busy district is well below it).
MAX_BATCH = 500
FORMATS = {
    "pdf": ("pdf_sha256", "application/pdf", "PDF"),
    "docx": (
        "docx_sha256",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
    ),
}
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _documents(user):
    return IssuedDocument.objects.restrict(user, "view").select_related("kind", "board", "agency")


def file_name(document: IssuedDocument, ext: str) -> str:
    version = f"（第{document.version}版）" if document.version > 1 else ""
    return _UNSAFE_NAME.sub("_", f"{document.title}{document.number}{version}.{ext}")


def _verified_bytes(sha256: str) -> tuple[bytes | None, str]:
    """The stored bytes if they still hash to ``sha256``; otherwise None and the reason."""
    try:
        data = storage.blob_path(sha256).read_bytes()
    except (FileNotFoundError, ValueError):
        return None, _("存储中找不到该文件")
    if hashlib.sha256(data).hexdigest() != sha256:
        return None, _("存储的内容与签发时登记的 SHA-256 不符")
    return data, ""


def _integrity_refusal(request, document, reason: str, what: str):
    record(
        AuditAction.SYSTEM,
        document,
        after={"pdf_sha256": document.pdf_sha256, "docx_sha256": document.docx_sha256},
        message=f"文件完整性校验失败，拒绝下载：{what}（{reason}）",
    )
    return render(
        request,
        "documents/integrity_error.html",
        {"object": document, "reason": reason, "what": what},
        status=409,
    )


class DocumentListView(ObjectListView):
    permission = VIEW
    queryset = IssuedDocument.objects.select_related("kind", "board")
    filterset = DocumentFilterSet
    table = DocumentTable
    template_name = "documents/document_list.html"
    title = _("执法文书")


def versions_of(document: IssuedDocument, queryset) -> list[IssuedDocument]:
    """The whole chain of versions the user may see, oldest first."""
    if document.sequence is not None:
        chain = queryset.filter(
            agency_id=document.agency_id,
            kind_id=document.kind_id,
            year=document.year,
            sequence=document.sequence,
        )
        return list(chain.order_by("version"))
    chain = [document]
    while chain[0].supersedes_id:
        chain.insert(0, queryset.get(pk=chain[0].supersedes_id))
    newer = chain[-1]
    while (newer := queryset.filter(supersedes=newer).first()) is not None:
        chain.append(newer)
    return chain


class DocumentDetailView(ObjectDetailView):
    permission = VIEW
    queryset = IssuedDocument.objects.select_related("kind", "board", "agency", "issued_by", "supersedes")
    template_name = "documents/document_detail.html"

    def get_extra_context(self, request, obj):
        subject_url = ""
        subject = obj.subject
        if subject is not None and hasattr(subject, "get_absolute_url"):
            try:
                subject_url = subject.get_absolute_url()
            except NoReverseMatch:
                subject_url = ""
        user = request.user
        return {
            "versions": versions_of(obj, _documents(user)),
            "services": obj.service_records.select_related("receipt").prefetch_related("servers"),
            "subject": subject,
            "subject_url": subject_url,
            "pdf_ok": storage.verify(obj.pdf_sha256),
            "docx_ok": storage.verify(obj.docx_sha256),
            "can_correct": user.has_perm("documents.correct_issueddocument")
            and obj.status == DocumentStatus.VALID
            and obj.kind_id in services.BUILDERS,
            "can_serve": user.has_perm("documents.add_servicerecord") and obj.kind_id != "service_receipt",
        }


class DocumentFileView(PermissionMixin, View):
    """The PDF or DOCX of a document, streamed after its hash is checked."""

    permission = VIEW
    fmt = "pdf"

    def get(self, request, pk):
        document = get_object_or_404(_documents(request.user), pk=pk)
        field, content_type, label = FORMATS[self.fmt]
        sha256 = getattr(document, field)
        what = f"文书 {label} {document}"
        try:
            handle = storage.blob_path(sha256).open("rb")
        except (FileNotFoundError, ValueError):
            return _integrity_refusal(request, document, _("存储中找不到该文件"), what)
        digest = hashlib.sha256()
        while chunk := handle.read(storage.CHUNK):
            digest.update(chunk)
        if digest.hexdigest() != sha256:
            handle.close()
            return _integrity_refusal(request, document, _("存储的内容与签发时登记的 SHA-256 不符"), what)
        handle.seek(0)
        filename = file_name(document, self.fmt)
        record(
            AuditAction.EXPORT,
            document,
            after={"sha256": sha256, "filename": filename},
            message=f"下载{what}",
        )
        return FileResponse(
            handle, as_attachment=self.fmt == "docx", filename=filename, content_type=content_type
        )


class DocumentCorrectView(PermissionMixin, View):
    """签发更正版本: the same number, rebuilt content, the old version superseded (never edited)."""

    permission = "documents.correct_issueddocument"
    template_name = "documents/document_correct.html"

    def _render(self, request, document, form, status=200):
        return render(request, self.template_name, {"object": document, "form": form}, status=status)

    def get(self, request, pk):
        document = get_object_or_404(_documents(request.user), pk=pk)
        return self._render(request, document, CorrectionForm())

    def post(self, request, pk):
        document = get_object_or_404(_documents(request.user), pk=pk)
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                corrected = services.correct(document, reason=form.cleaned_data["reason"], user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("已签发更正版本：%(doc)s（第 %(v)s 版）") % {"doc": corrected, "v": corrected.version},
                )
                return redirect(corrected.get_absolute_url())
        return self._render(request, document, form, status=400)


class ServiceRecordView(PermissionMixin, View):
    """送达: record how the document reached the party; prints the 文书送达回执."""

    permission = "documents.add_servicerecord"
    template_name = "documents/service_form.html"

    def _servers(self, request, document):
        from zhifa.orgs.models import Officer

        units = [document.board_id] + ([document.board.parent_id] if document.board.parent_id else [])
        return (
            Officer.objects.restrict(request.user, "view")
            .filter(active=True)
            .filter(Q(unit_id__in=units) | Q(secondments__region_id=document.board_id))
            .distinct()
            .order_by("unit__sort_order", "name")
        )

    def _document(self, request, pk):
        return get_object_or_404(_documents(request.user).exclude(kind_id="service_receipt"), pk=pk)

    def get(self, request, pk):
        document = self._document(request, pk)
        form = ServiceForm(servers=self._servers(request, document))
        return render(request, self.template_name, {"object": document, "form": form})

    def post(self, request, pk):
        document = self._document(request, pk)
        form = ServiceForm(request.POST, servers=self._servers(request, document))
        if form.is_valid():
            data = form.cleaned_data
            try:
                service = services.record_service(
                    document,
                    method=data["method"],
                    served_at=data["served_at"],
                    servers=data["servers"],
                    recipient_name=data["recipient_name"],
                    recipient_title=data["recipient_title"],
                    place=data["place"],
                    witnesses=data["witnesses"],
                    consent_reference=data["consent_reference"],
                    electronic_address=data["electronic_address"],
                    notice_published_on=data["notice_published_on"],
                    note=data["note"],
                    user=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("已登记送达并生成送达回执：%(doc)s") % {"doc": service.receipt or document}
                )
                return redirect(document.get_absolute_url())
        return render(request, self.template_name, {"object": document, "form": form}, status=400)


class BatchDownloadView(PermissionMixin, View):
    """Several documents as one ZIP: the PDFs (and DOCX on request) and a manifest of numbers and hashes.

    POST ``ids`` (ticked on the list), or GET with ``inspection`` (all documents of one inspection) or
    ``day`` (all issued that day, optionally in one ``board``). Each file is checked against its hash
    as it is added; one mismatch refuses the whole batch.
    """

    permission = VIEW
    template_name = "documents/batch.html"

    def _boards(self, request):
        from zhifa.orgs.models import Region

        return Region.objects.restrict(request.user, "view").boards()

    def get(self, request):
        documents = _documents(request.user)
        if not request.GET:
            return render(request, self.template_name, {"form": BatchForm(boards=self._boards(request))})
        form = BatchForm(request.GET, boards=self._boards(request))
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        if data["inspection"]:
            from zhifa.inspections.documents import documents_of_inspection
            from zhifa.inspections.models import Inspection

            inspection = get_object_or_404(
                Inspection.objects.restrict(request.user, "view"), pk=data["inspection"]
            )
            documents = documents_of_inspection(inspection, documents)
        if data["day"]:
            documents = documents.filter(issued_at__date=data["day"])
        if data["board"]:
            documents = documents.filter(board=data["board"])
        return self._zip(request, documents, include_docx=data["include_docx"], form=form)

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        if not ids:
            messages.error(request, _("请先勾选要下载的文书"))
            return redirect("documents:document_list")
        documents = _documents(request.user).filter(pk__in=ids)
        return self._zip(request, documents, include_docx=bool(request.POST.get("include_docx")))

    def _zip(self, request, documents, *, include_docx: bool, form=None):
        documents = list(documents.order_by("issued_at", "pk")[: MAX_BATCH + 1])
        if not documents:
            messages.error(request, _("没有符合条件的文书"))
            return render(
                request, self.template_name, {"form": form or BatchForm(boards=self._boards(request))}
            )
        if len(documents) > MAX_BATCH:
            messages.error(request, _("一次最多下载 %(n)s 份文书，请缩小范围") % {"n": MAX_BATCH})
            return render(
                request,
                self.template_name,
                {"form": form or BatchForm(boards=self._boards(request))},
                status=400,
            )
        spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
        manifest = io.StringIO()
        writer = csv.writer(manifest)
        writer.writerow(["序号", "文书名称", "文号", "版本", "状态", "签发时间", "文件", "SHA-256"])
        formats = ["pdf", "docx"] if include_docx else ["pdf"]
        refused = None
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for n, document in enumerate(documents, start=1):
                for fmt in formats:
                    field, _content_type, label = FORMATS[fmt]
                    sha256 = getattr(document, field)
                    data, reason = _verified_bytes(sha256)
                    if data is None:
                        refused = (document, reason, f"批量下载中的文书 {label} {document}")
                        break
                    name = f"{n:03d}-{file_name(document, fmt)}"
                    archive.writestr(name, data)
                    writer.writerow(
                        [
                            n,
                            document.title,
                            document.number or "—",
                            document.version,
                            document.get_status_display(),
                            timezone.localtime(document.issued_at).strftime("%Y-%m-%d %H:%M"),
                            name,
                            sha256,
                        ]
                    )
                if refused:
                    break
            else:
                archive.writestr(
                    "清单.csv",
                    ("\ufeff" + manifest.getvalue()).encode("utf-8"),
                    compress_type=zipfile.ZIP_DEFLATED,
                )
        if refused:
            spool.close()
            return _integrity_refusal(request, *refused)
        spool.seek(0)
        record(
            AuditAction.EXPORT,
            object_type="documents.issueddocument",
            object_repr=_("批量下载 %(n)s 份文书") % {"n": len(documents)},
            after={"documents": [[d.pk, d.number, d.version] for d in documents], "docx": include_docx},
            message=f"批量下载 {len(documents)} 份文书",
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return FileResponse(
            spool, as_attachment=True, filename=f"执法文书-{stamp}.zip", content_type="application/zip"
        )

"""The document pages: list, detail, verified downloads, batch ZIP, corrections and service forms."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from zhifa.core import storage
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import IssuedDocument, ServiceRecord
from zhifa.documents.tests.conftest import order_for

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_list_filters_and_jurisdiction(world, inspected, web):
    order = order_for(world, inspected)
    client = web(world.alice)
    url = reverse("documents:document_list")
    page = client.get(url).content.decode()
    assert inspected.document.number in page and order.document.number in page
    page = client.get(url, {"kind": "rectification_order"}).content.decode()
    assert order.document.number in page and inspected.document.number not in page
    page = client.get(url, {"q": "责改"}).content.decode()
    assert order.document.number in page and inspected.document.number not in page
    page = client.get(url, {"year": timezone.localdate().year - 1}).content.decode()
    assert order.document.number not in page
    # 牛塘镇's officer sees none of 湖塘镇's documents
    page = web(world.bob).get(url).content.decode()
    assert order.document.number not in page
    assert (
        web(world.bob).get(reverse("documents:document_detail", args=[order.document.pk])).status_code == 404
    )


def test_detail_shows_versions_hashes_and_service(world, inspected, web):
    document = inspected.document
    page = web(world.alice).get(document.get_absolute_url()).content.decode()
    assert document.pdf_sha256 in page and document.docx_sha256 in page
    assert "校验通过" in page and "签发更正版本" in page and "登记送达" in page
    assert "王五" in page  # the content
    # the expert (no permission to correct or serve) sees neither button; amy may serve, not correct
    page = web(world.amy).get(document.get_absolute_url()).content.decode()
    assert "登记送达" in page and "签发更正版本" not in page


def test_downloads_are_the_stored_bytes_and_are_audited(world, inspected, web):
    document = inspected.document
    client = web(world.alice)
    for name, field, ctype in (
        ("documents:document_pdf", "pdf_sha256", "application/pdf"),
        ("documents:document_docx", "docx_sha256", "wordprocessingml"),
    ):
        response = client.get(reverse(name, args=[document.pk]))
        assert response.status_code == 200
        assert ctype in response["Content-Type"]
        data = body(response)
        assert hashlib.sha256(data).hexdigest() == getattr(document, field)
        assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(document.pk))
    assert exports.count() == 2


def _tamper(sha256: str) -> None:
    path = storage.blob_path(sha256)
    os.chmod(path, 0o640)
    with path.open("r+b") as fh:
        fh.seek(200)
        fh.write(b"TAMPERED")


def test_a_tampered_file_is_refused(world, inspected, web):
    document = inspected.document
    _tamper(document.pdf_sha256)
    response = web(world.alice).get(reverse("documents:document_pdf", args=[document.pk]))
    assert response.status_code == 409
    assert "完整性校验失败" in response.content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.SYSTEM, object_id=str(document.pk), message__contains="完整性校验失败"
    ).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(document.pk)).exists()
    page = web(world.alice).get(document.get_absolute_url()).content.decode()
    assert "校验失败" in page
    # the batch refuses it too
    response = web(world.alice).post(reverse("documents:document_batch"), {"ids": [document.pk]})
    assert response.status_code == 409


def _read_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(body(response)))


def _manifest(archive: zipfile.ZipFile) -> list[dict]:
    text = archive.read("清单.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_batch_of_selected_documents_is_a_zip_with_a_manifest(world, inspected, web):
    order = order_for(world, inspected)
    chosen = [inspected.document, order.document]
    response = web(world.alice).post(reverse("documents:document_batch"), {"ids": [d.pk for d in chosen]})
    archive = _read_zip(response)
    rows = _manifest(archive)
    assert [r["文号"] for r in rows] == [d.number for d in chosen]
    for row, document in zip(rows, chosen, strict=True):
        assert row["SHA-256"] == document.pdf_sha256
        assert row["文件"].endswith(".pdf")
        assert hashlib.sha256(archive.read(row["文件"])).hexdigest() == document.pdf_sha256
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 2
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, message__contains="批量下载 2 份").exists()


def test_batch_of_one_inspection_or_one_day(world, inspected, web):
    from zhifa.documents.services import record_service

    order = order_for(world, inspected)
    service = record_service(
        order.document,
        method="direct",
        served_at=timezone.now(),
        servers=[world.alice.officer],
        recipient_name="王五",
        user=world.alice,
    )
    url = reverse("documents:document_batch")
    archive = _read_zip(web(world.alice).get(url, {"inspection": inspected.pk, "include_docx": "on"}))
    rows = _manifest(archive)
    expected = {inspected.document.pk, order.document.pk, service.receipt.pk}
    assert {r["文号"] for r in rows} == {
        d.number or "—" for d in IssuedDocument.objects.filter(pk__in=expected)
    }
    assert len(rows) == 6  # PDF and DOCX of each
    archive = _read_zip(web(world.alice).get(url, {"day": timezone.localdate().isoformat()}))
    assert len(_manifest(archive)) == 3
    # 牛塘镇 cannot reach 湖塘镇's inspection
    assert web(world.bob).get(url, {"inspection": inspected.pk}).status_code == 404
    # the form without a choice explains itself
    response = web(world.alice).get(url, {"board": ""})
    assert response.status_code == 400 and "请选择签发日期或现场检查" in response.content.decode()
    # other people's documents cannot be slipped into a POST
    response = web(world.bob).post(url, {"ids": [inspected.document.pk]})
    assert (
        response["Content-Type"].startswith("text/html") and "没有符合条件的文书" in response.content.decode()
    )


def test_correction_through_the_page(world, inspected, web):
    document = inspected.document
    url = reverse("documents:document_correct", args=[document.pk])
    assert web(world.amy).get(url).status_code == 403
    client = web(world.albert)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"reason": "检查时间笔误"})
    corrected = IssuedDocument.objects.get(supersedes=document)
    assert response.status_code == 302 and response["Location"] == corrected.get_absolute_url()
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUPERSEDED and corrected.number == document.number
    page = client.get(corrected.get_absolute_url()).content.decode()
    assert "第 1 版" in page and "第 2 版" in page and "检查时间笔误" in page
    # correcting the superseded version again is refused with a message, not an error page
    response = client.post(url, {"reason": "再次更正"})
    assert response.status_code == 400 and "该文书已有更正版本" in response.content.decode()


def test_a_sandbox_violation_at_correction_is_a_clear_error(world, inspected, web, data_dir):
    forms = data_dir / "forms"
    forms.mkdir()
    (forms / "inspection_record.html").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    url = reverse("documents:document_correct", args=[inspected.document.pk])
    response = web(world.albert).post(url, {"reason": "测试"})
    assert response.status_code == 400
    assert "不安全" in response.content.decode()
    assert IssuedDocument.objects.count() == 1


def test_service_form(world, inspected, web):
    order = order_for(world, inspected)
    url = reverse("documents:document_service", args=[order.document.pk])
    client = web(world.amy)
    page = client.get(url).content.decode()
    assert 'type="radio"' in page and 'type="checkbox"' in page and 'type="datetime-local"' in page
    base = {
        "served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "recipient_name": "王五",
        "servers": [world.alice.officer.pk, world.albert.officer.pk],
    }
    response = client.post(url, {**base, "method": "left"})
    assert response.status_code == 400 and "留置送达必须有见证人" in response.content.decode()
    response = client.post(url, {**base, "method": "electronic"})
    assert response.status_code == 400 and "电子送达须经当事人书面同意" in response.content.decode()
    assert not ServiceRecord.objects.exists()
    response = client.post(url, {**base, "method": "left", "witnesses": "赵六（村委会）"})
    assert response.status_code == 302
    service = ServiceRecord.objects.get()
    assert service.receipt.kind_id == "service_receipt" and service.created_by == world.amy
    page = client.get(order.document.get_absolute_url()).content.decode()
    assert "留置送达" in page and "送达回执" in page
    # an officer of another board is not offered, and is refused if posted
    response = client.post(url, {**base, "method": "direct", "servers": [world.bob.officer.pk]})
    assert response.status_code == 400

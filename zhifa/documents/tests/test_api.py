"""The documents API: fields, filters, verified PDF/DOCX downloads with an audit row, jurisdiction,
corrections as versions, constant list queries."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhifa.core import storage
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.documents import services
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import IssuedDocument
from zhifa.documents.rendering import Rendered
from zhifa.documents.tests.conftest import order_for, signed_inspection

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/v1/documents/"
YEAR = timezone.localdate().year


def detail(pk, action=""):
    return f"{DOCUMENTS}{pk}/" + (f"{action}/" if action else "")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def exports(document):
    return AuditEntry.objects.filter(
        object_type="documents.issueddocument", object_id=str(document.pk), action=AuditAction.EXPORT
    )


@pytest.fixture
def fast_render(monkeypatch):
    """Distinct stand-in bytes per content, for tests about lists rather than layout."""

    def fake(kind, content):
        body = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
        return Rendered(pdf=b"%PDF-" + body, docx=b"PK" + body)

    monkeypatch.setattr("zhifa.documents.rendering.render", fake)


def test_the_document_fields_are_named_as_documented(world, api, inspected):
    document = inspected.document
    response = api(world.alice).get(detail(document.pk))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == document.number and body["number"].startswith(f"（武）应急检〔{YEAR}〕")
    assert body["form"] == {"code": "inspection_record", "title": "现场检查记录"}
    assert body["sha256"] == document.pdf_sha256
    assert body["docx_sha256"] == document.docx_sha256
    assert (body["version"], body["status"], body["supersedes"], body["superseded_by"]) == (
        1,
        DocumentStatus.VALID,
        None,
        None,
    )
    assert body["issued_at"]
    assert (body["board"], body["board_name"]) == (world.board_a.pk, "湖塘镇")
    assert (body["subject_type"], body["subject_id"]) == ("inspection", inspected.pk)
    assert body["pdf_url"].endswith(f"/api/v1/documents/{document.pk}/pdf/")
    assert body["docx_url"].endswith(f"/api/v1/documents/{document.pk}/docx/")
    listed = api(world.alice).get(DOCUMENTS).json()["results"]
    assert [row["id"] for row in listed] == [document.pk]


def test_the_pdf_download_hashes_to_sha256_and_is_audited(world, api, inspected):
    document = inspected.document
    client = api(world.albert)
    url = client.get(detail(document.pk)).json()["pdf_url"]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = body_of(response)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == client.get(detail(document.pk)).json()["sha256"]
    row = exports(document).get()
    assert (row.username, row.source) == ("albert", "api")
    assert row.after["sha256"] == document.pdf_sha256


def test_the_docx_download_hashes_to_docx_sha256(world, api, inspected):
    document = inspected.document
    response = api(world.dan).get(detail(document.pk, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert hashlib.sha256(body_of(response)).hexdigest() == document.docx_sha256
    assert exports(document).filter(username="dan").exists()


def test_a_tampered_file_is_refused_and_the_refusal_recorded(world, api, inspected):
    document = inspected.document
    path = storage.blob_path(document.pdf_sha256)
    path.chmod(0o640)
    path.write_bytes(b"%PDF-1.4 forged")
    response = api(world.alice).get(detail(document.pk, "pdf"))
    assert response.status_code == 409
    assert "完整性校验失败" in response.json()["detail"]
    assert not exports(document).exists()
    assert AuditEntry.objects.filter(
        object_type="documents.issueddocument", object_id=str(document.pk), action=AuditAction.SYSTEM
    ).exists()


def test_a_missing_file_answers_410_not_500(world, api, inspected):
    document = inspected.document
    storage.blob_path(document.docx_sha256).unlink()
    response = api(world.alice).get(detail(document.pk, "docx"))
    assert response.status_code == 410
    assert "文件不存在" in response.json()["detail"]


def test_access_anonymous_no_permission_and_other_board(world, api, inspected):
    from rest_framework.test import APIClient

    document = inspected.document
    assert APIClient().get(DOCUMENTS).status_code == 401
    assert APIClient().get(detail(document.pk, "pdf")).status_code == 401
    for user in (world.eve, world.sam, world.audrey):
        assert api(user).get(DOCUMENTS).status_code == 403, user.username
    client = api(world.bob)
    assert client.get(detail(document.pk)).status_code == 404
    assert client.get(detail(document.pk, "pdf")).status_code == 404
    assert client.get(DOCUMENTS).json()["results"] == []
    assert not exports(document).exists()


def test_documents_are_read_only(world, api, inspected):
    document = inspected.document
    client = api(world.dan)
    assert client.post(DOCUMENTS, {}, format="json").status_code in (403, 405)
    assert client.patch(detail(document.pk), {"number": "x"}, format="json").status_code in (403, 405)
    assert client.delete(detail(document.pk)).status_code in (403, 405)
    assert IssuedDocument.objects.get(pk=document.pk).number == document.number


def test_documents_are_filtered_by_kind_board_year_and_number(world, api, data_dir, fast_render):
    inspection = signed_inspection(world)
    order = order_for(world, inspection)
    elsewhere = signed_inspection(world, officers=[world.bruce.officer, world.dan.officer])
    client = api(world.dan)

    def ids(**params):
        response = client.get(DOCUMENTS, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    records = {inspection.document_id, elsewhere.document_id}
    assert ids(kind="inspection_record") == records
    assert ids(kind="rectification_order") == {order.document_id}
    assert ids(board=world.board_a.pk) == records | {order.document_id}
    assert ids(board=world.board_b.pk) == set()
    assert ids(year=YEAR) == records | {order.document_id}
    assert ids(year=YEAR - 1) == set()
    assert ids(number=order.document.number) == {order.document_id}
    assert ids(number="应急责改") == {order.document_id}
    response = client.get(DOCUMENTS, {"kind": "no-such-form"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_a_correction_is_a_new_version_naming_the_one_it_replaces(world, api, data_dir, fast_render):
    original = signed_inspection(world).document
    corrected = services.correct(original, reason="现场负责人职务填写有误", user=world.albert)
    client = api(world.alice)
    old = client.get(detail(original.pk)).json()
    new = client.get(detail(corrected.pk)).json()
    assert (old["status"], old["superseded_by"]) == (DocumentStatus.SUPERSEDED, corrected.pk)
    assert (new["status"], new["version"], new["supersedes"]) == (DocumentStatus.VALID, 2, original.pk)
    assert new["number"] == old["number"]
    assert new["correction_reason"] == "现场负责人职务填写有误"
    assert {row["id"] for row in client.get(DOCUMENTS, {"status": "valid"}).json()["results"]} == {
        corrected.pk
    }


@pytest.mark.parametrize("persona", ["dan", "alice"])
def test_the_document_list_runs_a_constant_number_of_queries(world, api, data_dir, fast_render, persona):
    inspection = signed_inspection(world)
    client = api(getattr(world, persona))

    def grow(n):
        for _ in range(n):
            order_for(world, inspection, days=(10,))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(DOCUMENTS + "?limit=100")
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["results"])

    grow(2)
    few, rows = count()
    assert rows == 3
    services.correct(inspection.document, reason="更正", user=world.alice)  # superseded_by in the rows
    grow(16)
    many, rows = count()
    assert rows == 20
    assert many == few

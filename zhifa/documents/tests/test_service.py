"""Service (送达): the rules of each method, and the receipt it prints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhifa.core import storage
from zhifa.documents import services
from zhifa.documents.choices import ServiceMethod
from zhifa.documents.models import ServiceRecord
from zhifa.documents.tests.conftest import docx_text, flat, order_for, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(world, inspected):
    return order_for(world, inspected)


def serve(world, document, **overrides):
    fields = {
        "method": ServiceMethod.DIRECT,
        "served_at": timezone.now() - timedelta(hours=1),
        "servers": [world.alice.officer, world.albert.officer],
        "recipient_name": "王五",
        "recipient_title": "安全科长",
        "place": "企业办公室",
        "user": world.alice,
    }
    fields.update(overrides)
    return services.record_service(document, **fields)


@pytest.mark.parametrize(
    "method, field",
    [
        (ServiceMethod.LEFT, "witnesses"),
        (ServiceMethod.ELECTRONIC, "consent_reference"),
        (ServiceMethod.PUBLIC_NOTICE, "notice_published_on"),
    ],
)
def test_each_method_requires_its_proof(world, order, method, field):
    with pytest.raises(ValidationError) as caught:
        serve(world, order.document, method=method)
    assert field in caught.value.message_dict
    assert not ServiceRecord.objects.exists()


def test_servers_are_required(world, order):
    with pytest.raises(ValidationError) as caught:
        serve(world, order.document, servers=[])
    assert "servers" in caught.value.message_dict


def test_direct_service_issues_an_unnumbered_receipt(world, order):
    document = order.document
    service = serve(world, document)
    receipt = service.receipt
    assert receipt.kind_id == "service_receipt" and receipt.number == "" and receipt.sequence is None
    assert receipt.subject == service and receipt.board == document.board
    pdf = flat(pdf_text(storage.read_bytes(receipt.pdf_sha256)))
    docx = flat(docx_text(storage.read_bytes(receipt.docx_sha256)))
    for text in (pdf, docx):
        assert "文书送达回执" in text
        assert "责令限期整改指令书" in text and document.number in text
        assert "王五" in text and "安全科长" in text and "企业办公室" in text
        assert "直接送达" in text
        assert world.alice.officer.name in text and world.albert.officer.name in text
        assert "受送达人" in text


def test_left_at_premises_names_the_witnesses(world, order):
    service = serve(world, order.document, method=ServiceMethod.LEFT, witnesses="村委会主任赵六")
    text = flat(pdf_text(storage.read_bytes(service.receipt.pdf_sha256)))
    assert "留置送达" in text and "村委会主任赵六" in text and "见证人" in text


def test_electronic_service_with_consent(world, order):
    service = serve(
        world,
        order.document,
        method=ServiceMethod.ELECTRONIC,
        consent_reference="电子送达确认书 2026-001",
        electronic_address="safety@example.invalid",
    )
    text = flat(pdf_text(storage.read_bytes(service.receipt.pdf_sha256)))
    assert "电子送达确认书2026-001" in text and "safety@example.invalid" in text


def test_a_receipt_can_be_corrected_and_the_service_points_at_the_new_one(world, order):
    service = serve(world, order.document)
    ServiceRecord.objects.filter(pk=service.pk).update(place="企业门卫室")
    corrected = services.correct(service.receipt, reason="送达地点有误", user=world.albert)
    service.refresh_from_db()
    assert service.receipt == corrected and service.document == order.document
    assert "企业门卫室" in flat(pdf_text(storage.read_bytes(corrected.pdf_sha256)))

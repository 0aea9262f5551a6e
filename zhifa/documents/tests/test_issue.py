"""Issuing: gapless numbers, immutability, corrections as versions, the audit chain, sandboxed templates."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhifa.core import audit, storage
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise
from zhifa.documents import services
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import DocumentSequence, IssuedDocument
from zhifa.documents.rendering import FormTemplateError, Rendered
from zhifa.documents.tests.conftest import flat, order_for, pdf_text, signed_inspection
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.models import Inspection
from zhifa.orgs.choices import PenaltyAuthority

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def fast_render(monkeypatch):
    """Numbering tests don't need real layout: distinct stand-in bytes per content."""
    import json

    def fake(kind, content):
        body = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
        return Rendered(pdf=b"%PDF-" + body, docx=b"PK" + body)

    monkeypatch.setattr("zhifa.documents.rendering.render", fake)


def test_numbers_are_sequential_and_gapless_per_kind(world, data_dir, fast_render):
    inspections = [signed_inspection(world, hazards=i == 0) for i in range(3)]
    assert [i.document.number for i in inspections] == [f"（武）应急检〔{YEAR}〕{n}号" for n in (1, 2, 3)]
    assert [i.document.sequence for i in inspections] == [1, 2, 3]
    # another kind has its own sequence, starting at 1
    order = order_for(world, inspections[0])
    assert order.document.number == f"（武）应急责改〔{YEAR}〕1号"
    # board B's inspections are numbered by the same district agency: the sequence continues
    other = signed_inspection(
        world,
        enterprise=make_enterprise(world.board_b),
        officers=[world.bob.officer, world.bruce.officer],
        hazards=False,
    )
    assert other.document.number == f"（武）应急检〔{YEAR}〕4号"
    assert (
        DocumentSequence.objects.get(agency=world.district, kind="inspection_record", year=YEAR).last_number
        == 4
    )


def test_a_board_with_its_own_penalty_authority_numbers_under_its_own_name(world, data_dir, fast_render):
    board = world.board_a
    board.penalty_authority = PenaltyAuthority.OWN
    board.delegated_powers = "对生产经营单位未按规定排查治理事故隐患的处罚"
    board.agency_name = "常州市武进区湖塘镇人民政府"
    board.save()
    first = signed_inspection(world, hazards=False)
    second = signed_inspection(world, hazards=False)
    assert first.document.agency == board
    assert [first.document.number, second.document.number] == [
        f"（湖）应急检〔{YEAR}〕1号",
        f"（湖）应急检〔{YEAR}〕2号",
    ]
    assert first.document.content["agency_name"] == "常州市武进区湖塘镇人民政府"
    # the district's own sequence is untouched
    assert not DocumentSequence.objects.filter(agency=world.district, kind="inspection_record").exists()


def test_an_issued_document_cannot_be_edited_or_deleted(world, inspected):
    document = IssuedDocument.objects.get(pk=inspected.document.pk)
    for field, value in (
        ("number", "（武）应急检〔2000〕9号"),
        ("content", {"fields": []}),
        ("pdf_sha256", "0" * 64),
        ("version", 7),
    ):
        fresh = IssuedDocument.objects.get(pk=document.pk)
        setattr(fresh, field, value)
        with pytest.raises(ValidationError, match="不可修改"):
            fresh.save()
    with pytest.raises(ValidationError, match="不可删除"):
        document.delete()
    assert IssuedDocument.objects.get(pk=document.pk).number == document.number


def test_a_correction_is_a_new_version_with_the_same_number(world, inspected):
    original = inspected.document
    Inspection.objects.filter(pk=inspected.pk).update(place="生产车间、二号仓库")
    corrected = services.correct(original, reason="检查场所记录有误", user=world.albert)
    original.refresh_from_db()
    inspected.refresh_from_db()
    assert corrected.number == original.number and corrected.sequence == original.sequence
    assert corrected.version == 2 and corrected.supersedes == original
    assert original.status == DocumentStatus.SUPERSEDED and corrected.status == DocumentStatus.VALID
    assert corrected.correction_reason == "检查场所记录有误"
    assert inspected.document == corrected  # the inspection points at its current record
    text = flat(pdf_text(storage.read_bytes(corrected.pdf_sha256)))
    assert original.number in text and "第1版的更正版本" in text and "检查场所记录有误" in text
    assert "生产车间、二号仓库" in text
    assert "（第2版）" in text
    # the old version's files are still there, unchanged
    assert storage.verify(original.pdf_sha256) and original.pdf_sha256 != corrected.pdf_sha256
    # only the newest version may be corrected, and a reason is required
    with pytest.raises(ValidationError):
        services.correct(original, reason="再改", user=world.albert)
    with pytest.raises(ValidationError):
        services.correct(corrected, reason="  ", user=world.albert)
    # no new number was taken
    assert DocumentSequence.objects.get(kind="inspection_record").last_number == 1


def test_the_files_hashes_are_in_the_audit_chain(world, inspected):
    order = order_for(world, inspected)
    for document in (inspected.document, order.document):
        entry = AuditEntry.objects.get(
            action=AuditAction.DOCUMENT_ISSUE,
            object_type="documents.issueddocument",
            object_id=str(document.pk),
        )
        assert entry.after["pdf_sha256"] == document.pdf_sha256
        assert entry.after["docx_sha256"] == document.docx_sha256
        assert entry.after["number"] == document.number
        assert storage.verify(document.pdf_sha256) and storage.verify(document.docx_sha256)
    result = audit.verify()
    assert result.ok, result


def test_an_override_template_is_used(world, data_dir):
    forms = data_dir / "forms"
    forms.mkdir()
    (forms / "inspection_record.html").write_text(
        '{% extends "base.html" %}{% block footer %}<div class="footer">本记录按区局调整的格式制作</div>{% endblock %}',
        encoding="utf-8",
    )
    inspection = signed_inspection(world, hazards=False)
    assert "本记录按区局调整的格式制作" in flat(pdf_text(storage.read_bytes(inspection.document.pdf_sha256)))


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ content.__class__.__mro__[1].__subclasses__() }}",
        "{{ fields.append.__globals__ }}",
        "{{ fields.append(fields) }}",
        "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    ],
)
def test_templates_run_sandboxed_and_nothing_is_issued(world, data_dir, body):
    forms = data_dir / "forms"
    forms.mkdir()
    (forms / "inspection_record.html").write_text(body, encoding="utf-8")
    before = AuditEntry.objects.filter(action=AuditAction.DOCUMENT_ISSUE).count()
    with pytest.raises(FormTemplateError) as caught:
        signed_inspection(world, hazards=False)
    assert "inspection_record.html" in " ".join(caught.value.messages)
    assert isinstance(caught.value, ValidationError)
    assert not IssuedDocument.objects.exists()
    assert not Inspection.objects.filter(status=InspectionStatus.SIGNED_OFF).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DOCUMENT_ISSUE).count() == before
    # the number was not used up: once the template is fixed, numbering starts at 1
    (forms / "inspection_record.html").unlink()
    draft = Inspection.objects.get()
    from zhifa.inspections import services as inspection_services

    signed = inspection_services.sign_off(draft, user=world.alice)
    assert signed.document.sequence == 1


def test_an_override_added_while_running_takes_effect(data_dir):
    from zhifa.documents.rendering import render_html

    assert "区局格式" not in render_html("service_receipt.html", {"title": "文书送达回执"})
    forms = data_dir / "forms"
    forms.mkdir()
    (forms / "service_receipt.html").write_text(
        '{% extends "base.html" %}{% block footer %}区局格式{% endblock %}'
    )
    assert "区局格式" in render_html("service_receipt.html", {"title": "文书送达回执"})
    (forms / "service_receipt.html").unlink()
    assert "区局格式" not in render_html("service_receipt.html", {"title": "文书送达回执"})


def test_a_template_path_outside_the_form_directories_is_refused(data_dir):
    from zhifa.documents.rendering import render_html

    with pytest.raises(FormTemplateError, match="找不到文书模板"):
        render_html("../../settings.py", {})


def test_broken_template_is_a_clear_error(world, data_dir):
    forms = data_dir / "forms"
    forms.mkdir()
    (forms / "inspection_record.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(FormTemplateError, match="文书模板“inspection_record.html”有误"):
        signed_inspection(world, hazards=False)


def test_rendering_never_fetches_from_the_network(settings, tmp_path):
    from zhifa.documents.rendering import _url_fetcher_class

    settings.DATA_DIR = tmp_path
    fetcher = _url_fetcher_class()(allowed_protocols={"data", "file"})
    for url in ("http://example.invalid/logo.png", "https://example.invalid/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok") is not None


def test_a_remote_image_in_a_template_is_refused_not_fetched(world, data_dir, monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):  # pragma: no cover - reached only on a regression
        raise AssertionError("rendering tried the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    forms = data_dir / "forms"
    forms.mkdir()
    (forms / "inspection_record.html").write_text(
        '{% extends "base.html" %}{% block footer %}<img src="http://example.invalid/seal.png">'
        '<link rel="stylesheet" href="https://example.invalid/x.css">{% endblock %}',
        encoding="utf-8",
    )
    inspection = signed_inspection(world, hazards=False)
    assert inspection.document.pdf_size > 0

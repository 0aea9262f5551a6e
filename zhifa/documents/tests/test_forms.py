"""The inspection forms, issued through the services: what the PDF and the DOCX say."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhifa.core import storage
from zhifa.core.testing import today
from zhifa.documents.tests.conftest import docx_text, flat, order_for, pdf_text
from zhifa.inspections import services
from zhifa.inspections.choices import ReviewOutcome
from zhifa.inspections.documents import cn_date

pytestmark = pytest.mark.django_db


def texts(document) -> tuple[str, str]:
    return (
        flat(pdf_text(storage.read_bytes(document.pdf_sha256))),
        flat(docx_text(storage.read_bytes(document.docx_sha256))),
    )


def certificate(officer) -> str:
    return officer.certificates.get().number


def test_inspection_record_names_the_unit_the_officers_and_their_certificates(world, inspected):
    document = inspected.document
    year = timezone.localdate().year
    assert document.number == f"（武）应急检〔{year}〕1号"
    assert document.kind_id == "inspection_record" and document.agency == world.district
    for text in texts(document):
        assert "现场检查记录" in text
        assert "常州市武进区应急管理局" in text
        assert f"（武）应急检〔{year}〕1号" in text
        assert "常州湖塘精密机械有限公司" in text
        assert "王五" in text and "安全科长" in text and "13912345678" in text
        assert "生产车间、仓库" in text
        for person in (world.alice, world.albert):
            assert person.officer.name in text
            assert certificate(person.officer) in text
        # per-item non-compliances and the hazards
        assert "二号仓库疏散通道堆放货物" in text
        assert "清洗池有限空间作业未执行审批制度" in text and "重大隐患" in text
        assert "被检查单位现场负责人" in text
        assert "第1页共1页" in text or "第1页共2页" in text


def test_inspection_record_lists_the_expert(world, data_dir):
    from zhifa.documents.tests.conftest import signed_inspection
    from zhifa.inspections.models import Inspection

    inspection = signed_inspection(world, hazards=False)
    Inspection.objects.filter(pk=inspection.pk).update(expert=world.eve.expert)
    inspection.refresh_from_db()
    from zhifa.inspections.documents import build_inspection_record

    content = build_inspection_record(inspection)
    assert {"label": "专家", "value": f"伊芙（{world.eve.expert.employer}）"} in content["fields"]
    assert any(s["label"] == "专家" and s["name"] == "伊芙" for s in content["signatures"])
    pdf, _ = texts(inspection.document)
    assert "本次检查未发现不符合项和事故隐患" in pdf


def test_rectification_order_states_deadlines_remedies_and_officers(world, inspected):
    order = order_for(world, inspected, days=(10, 30))
    document = order.document
    year = timezone.localdate().year
    assert document.number == f"（武）应急责改〔{year}〕1号"
    first, second = (cn_date(today() + timedelta(days=d)) for d in (10, 30))
    for text in texts(document):
        assert "责令限期整改指令书" in text
        assert f"（武）应急责改〔{year}〕1号" in text
        assert "常州湖塘精密机械有限公司" in text
        assert first in text and second in text
        assert f"对上述第1项问题于{first}前整改完毕" in text
        assert f"对上述第2项问题于{second}前整改完毕" in text
        assert "第六十五条" in text
        assert "六十日" in text and "行政复议" in text
        assert "六个月" in text and "行政诉讼" in text
        assert "三个月" not in text and "3个月" not in text
        for person in (world.alice, world.albert):
            assert person.officer.name in text and certificate(person.officer) in text
        assert "被检查单位负责人" in text
        assert "重大事故隐患排除前" in text


def test_extension_approval_and_reinspection_opinion(world, inspected):
    order = order_for(world, inspected)
    hazards = list(inspected.hazards.order_by("pk"))
    original = order.items.get(hazard=hazards[0]).deadline
    wanted = original + timedelta(days=15)
    extension = services.request_extension(
        order, [hazards[0]], wanted, reason="设备采购周期较长", applicant="王五", user=world.alice
    )
    extension = services.decide_extension(extension, approve=True, opinion="同意延期", user=world.albert)
    year = timezone.localdate().year
    assert extension.document.number == f"（武）应急延期〔{year}〕1号"
    for text in texts(extension.document):
        assert "整改复查延期申请审批表" in text
        assert order.document.number in text
        assert cn_date(order.issued_at) in text
        assert hazards[0].description in text
        assert cn_date(original) in text and cn_date(wanted) in text
        assert "设备采购周期较长" in text and "王五" in text
        assert "已批准" in text and "同意延期" in text
        assert world.albert.officer.name in text

    review = services.start_reinspection(
        order, user=world.alice, officers=[world.alice.officer, world.albert.officer]
    )
    review.inspected_at = timezone.now()
    review.opinion = "第1项已整改到位。\n第2项未整改到位，继续整改。"
    review.save()
    new_deadline = today() + timedelta(days=40)
    for outcome in review.outcomes.select_related("hazard"):
        if outcome.hazard == hazards[0]:
            outcome.outcome, outcome.note = ReviewOutcome.CLOSED, "货物已清理"
        else:
            outcome.outcome, outcome.new_deadline, outcome.note = (
                ReviewOutcome.KEPT,
                new_deadline,
                "审批制度未建立",
            )
        outcome.save()
    review = services.sign_off_reinspection(review, user=world.alice)
    assert review.document.number == f"（武）应急复查〔{year}〕1号"
    for text in texts(review.document):
        assert "整改复查意见书" in text
        assert order.document.number in text and cn_date(order.issued_at) in text
        assert hazards[0].description in text and hazards[1].description in text
        assert "整改合格，予以销号" in text and "未整改到位，继续整改" in text
        assert cn_date(new_deadline) in text
        assert "货物已清理" in text
        for person in (world.alice, world.albert):
            assert person.officer.name in text and certificate(person.officer) in text
        assert "被复查单位负责人" in text


def test_certificate_is_the_one_valid_on_the_inspection_date(world, data_dir):
    """An officer whose old certificate expired and who holds a new one is listed with the new one."""
    from zhifa.documents.tests.conftest import signed_inspection
    from zhifa.orgs.models import Certificate

    officer = world.alice.officer
    old = officer.certificates.get()
    Certificate.objects.filter(pk=old.pk).update(
        valid_from=today() - timedelta(days=800), valid_to=today() - timedelta(days=1)
    )
    Certificate.objects.create(
        officer=officer,
        number="NEWCERT-0001",
        valid_from=today() - timedelta(days=1),
        valid_to=today() + timedelta(days=900),
    )
    inspection = signed_inspection(world, hazards=False)
    pdf, docx = texts(inspection.document)
    for text in (pdf, docx):
        assert "NEWCERT-0001" in text and old.number not in text

"""Inspections built through the services, for the document tests."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from zhifa.core.testing import make_enterprise, today
from zhifa.inspections import services
from zhifa.inspections.choices import HazardLevel, ItemResult
from zhifa.inspections.models import ChecklistItem, ChecklistTemplate


def make_checklist(code="doc-test"):
    template = ChecklistTemplate.objects.create(code=code, name="通用安全检查表")
    items = [
        ("安全管理", "是否建立全员安全生产责任制", "《中华人民共和国安全生产法》第二十二条", ""),
        ("现场设备设施", "疏散通道、安全出口是否畅通", "《中华人民共和国安全生产法》第四十二条", ""),
        (
            "现场设备设施",
            "有限空间作业是否执行审批制度",
            "《中华人民共和国安全生产法》第四十三条",
            "《工贸企业重大事故隐患判定标准》第四条第（一）项",
        ),
    ]
    for order, (section, text, basis, major) in enumerate(items, start=1):
        ChecklistItem.objects.create(
            template=template, order=order, section=section, text=text, legal_basis=basis, major_basis=major
        )
    return services.publish_checklist(template, user=None)


def signed_inspection(world, *, enterprise=None, officers=None, hazards=True, checklist=None):
    """A signed-off inspection by 艾丽 and 艾伯特 in 湖塘镇 with two hazards (one major)."""
    checklist = checklist or ChecklistTemplate.objects.filter(code="doc-test").first() or make_checklist()
    enterprise = enterprise or make_enterprise(world.board_a, name="常州湖塘精密机械有限公司")
    officers = officers or [world.alice.officer, world.albert.officer]
    start = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
    inspection = services.start_inspection(
        enterprise=enterprise,
        checklist=checklist,
        user=world.alice,
        officers=officers,
        started_at=start,
        ended_at=start + timedelta(minutes=95),
        place="生产车间、仓库",
        onsite_person_name="王五",
        onsite_person_title="安全科长",
        onsite_person_phone="13912345678",
        findings="企业安全管理制度基本健全。\n现场发现疏散通道堵塞、有限空间作业未审批。",
    )
    items = list(checklist.items.order_by("order"))
    results = {items[0].pk: (ItemResult.COMPLIANT, "")}
    if hazards:
        results[items[1].pk] = (ItemResult.NON_COMPLIANT, "二号仓库疏散通道堆放货物")
        results[items[2].pk] = (ItemResult.NON_COMPLIANT, "清洗池有限空间作业无审批记录")
    else:
        results[items[1].pk] = (ItemResult.COMPLIANT, "")
        results[items[2].pk] = (ItemResult.NOT_APPLICABLE, "")
    services.save_results(inspection, results)
    if hazards:
        services.add_hazard(
            inspection, description="二号仓库疏散通道堆放货物", item=items[1], user=world.alice
        )
        services.add_hazard(
            inspection,
            description="清洗池有限空间作业未执行审批制度",
            item=items[2],
            level=HazardLevel.MAJOR,
            user=world.alice,
        )
    return services.sign_off(inspection, user=world.alice)


def order_for(world, inspection, days=(10, 30)):
    hazards = list(inspection.hazards.order_by("pk"))
    deadlines = {h.pk: today() + timedelta(days=d) for h, d in zip(hazards, days, strict=False)}
    return services.issue_rectification_order(inspection, deadlines, user=world.alice)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def flat(text: str) -> str:
    """Text without line breaks and spaces (PDF extraction breaks lines where the layout does)."""
    return "".join(text.split())


@pytest.fixture
def data_dir(settings, tmp_path):
    """A fresh data directory per test: blobs and form overrides land in the test's tmp dir."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def inspected(world, data_dir):
    return signed_inspection(world)

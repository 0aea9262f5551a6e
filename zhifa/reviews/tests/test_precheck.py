"""The automatic pre-check of a closed file: a missing document, a period met late or still running past its
date, an officer acting on a day no certificate covered, a signature line naming nobody, a fine outside the
benchmark's range, a decision without the approved legal review; and a clean file finds nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhifa.cases.casefile import case_documents
from zhifa.cases.models import Case, CaseDeadline
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import IssuedDocument
from zhifa.reviews.choices import FindingCode
from zhifa.reviews.precheck import precheck
from zhifa.reviews.tests.helpers import closed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world, fast_render):
    return closed_case(world)


def codes(case):
    return [f.code for f in precheck(Case.objects.get(pk=case.pk))]


def texts(case, code):
    return [f.text for f in precheck(Case.objects.get(pk=case.pk)) if f.code == code]


def test_a_file_walked_through_the_procedure_finds_nothing(case):
    assert precheck(case) == []


def test_a_missing_document_is_found(case):
    decision = case_documents(case).get(kind_id="penalty_decision")
    IssuedDocument.objects.filter(pk=decision.pk).update(status=DocumentStatus.SUPERSEDED)

    assert texts(case, FindingCode.MISSING_DOCUMENT) == ["缺少文书：行政处罚决定书"]


def test_a_period_met_after_its_date_is_found(case):
    deadline = CaseDeadline.objects.filter(case=case, met_at__isnull=False).order_by("pk").first()
    met = timezone.localtime(deadline.met_at).date()
    CaseDeadline.objects.filter(pk=deadline.pk).update(due_on=met - timedelta(days=3))

    assert texts(case, FindingCode.DEADLINE_MISSED) == [
        f"{deadline.label}：{met - timedelta(days=3)} 届满，{met} 才完成（超过 3 日）"
    ]


def test_a_period_still_running_past_its_date_is_found(case):
    due = timezone.localdate() - timedelta(days=2)
    CaseDeadline.objects.create(case=case, rule_code="payment", label="缴纳罚款", start=due, due_on=due)

    assert texts(case, FindingCode.DEADLINE_RUNNING) == [f"缴纳罚款：{due} 届满，至今未完成（已超过 2 日）"]


def test_an_officer_acting_on_a_day_no_certificate_covered_is_found(world, case):
    yesterday = timezone.localdate() - timedelta(days=1)
    world.alice.officer.certificates.update(valid_to=yesterday)

    found = texts(case, FindingCode.CERTIFICATE)

    today = timezone.localdate()
    assert f"艾丽 于 {today}（询问笔录）未持有有效执法证" in found
    assert all(text.startswith("艾丽 于 ") for text in found)  # her partner's certificate is valid


def test_a_signature_line_naming_nobody_is_found(case):
    document = case_documents(case).get(kind_id="investigation_report")
    content = dict(document.content)
    signatures = [dict(s) for s in content["signatures"]]
    first = next(s for s in signatures if s.get("name"))
    first["name"] = ""
    content["signatures"] = signatures
    IssuedDocument.objects.filter(pk=document.pk).update(content=content)

    assert texts(case, FindingCode.UNSIGNED) == [
        f"{document.title} {document.number}：“{first['label']}”一栏未签名"
    ]


def test_a_fine_outside_the_benchmarks_range_and_the_approved_review_is_found(case):
    above = case.violation_type.max_fine + 1
    Case.objects.filter(pk=case.pk).update(fine_amount=above)

    found = codes(case)

    assert FindingCode.FINE_RANGE in found
    assert any("法定" in t or "幅度" in t or "范围" in t for t in texts(case, FindingCode.FINE_RANGE))
    # the amount decided is no longer the one the legal reviewer approved
    assert texts(case, FindingCode.LEGAL_REVIEW) and "法制审核" in texts(case, FindingCode.LEGAL_REVIEW)[0]

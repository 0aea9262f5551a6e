"""The case pages: registering from the queue, the case page and its steps, refusals shown with their
rule, jurisdiction, the legal-review queue, the deadlines board and the home page's 办案期限 panel."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from zhifa.cases import casefile, services
from zhifa.cases.choices import CaseStatus, ReviewItem, SourceKind
from zhifa.cases.models import Case, CaseDeadline, CaseEvidence, LegalReview, ProcedureRules
from zhifa.cases.tests.helpers import new_case, partner, proposal_data, walk
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise, make_inspection
from zhifa.inspections import services as inspection_services
from zhifa.inspections.choices import CaseSourceStatus

pytestmark = pytest.mark.django_db


def detail(case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def step_url(case, name: str) -> str:
    return reverse("cases:case_step", args=[case.pk, name])


def png(name="scene.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (20, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def queued_hazard_source(world):
    enterprise = make_enterprise(world.board_a, name="常州湖塘五金制品有限公司")
    inspection = make_inspection(enterprise, [world.alice.officer, partner(world)], user=world.alice)
    hazard = inspection_services.add_hazard(
        inspection, description="新员工未经安全培训上岗", user=world.alice
    )
    return inspection_services.refer_to_case(
        user=world.alice, description="3名新员工未经安全生产教育和培训即上岗作业", hazard=hazard
    )


def test_alice_registers_a_case_from_a_queued_hazard_source(world, web):
    source = queued_hazard_source(world)
    client = web(world.alice)
    url = reverse("cases:case_from_source", args=[source.pk])

    # The queue offers 立案 on the queued source.
    queue = client.get(reverse("inspections:casesource_list"))
    assert url in queue.content.decode()

    page = client.get(url)
    assert page.status_code == 200
    assert "3名新员工未经安全生产教育和培训即上岗作业" in page.content.decode()

    response = client.post(
        url,
        {
            "procedure": "general",
            "party_kind": "unit",
            "cause": "未按规定对从业人员进行安全生产教育和培训",
            "facts": "3名新员工未经安全生产教育和培训即上岗作业。",
            "officers": [world.alice.officer.pk, partner(world).pk],
        },
    )
    case = Case.objects.get(source=source)
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert case.source_kind == SourceKind.HAZARD
    assert case.enterprise == source.enterprise and case.board == world.board_a
    assert case.party_name == "常州湖塘五金制品有限公司" and case.party_address  # from the enterprise
    assert case.status == CaseStatus.DRAFT
    source.refresh_from_db()
    assert source.status == CaseSourceStatus.ACCEPTED
    # Registered once: the source has left the queue and no longer offers 立案.
    assert url not in client.get(reverse("inspections:casesource_list") + "?status=accepted").content.decode()
    assert client.get(url).status_code == 302


def test_the_case_form_names_the_fields_in_error(world, web):
    response = web(world.alice).post(
        reverse("cases:case_add"), {"procedure": "general", "party_kind": "unit", "officers": []}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "该字段是必填项。" in body  # cause, facts, officers
    assert "请选择企业或填写当事人名称" in body
    assert not Case.objects.exists()


def test_the_case_page_offers_only_the_steps_the_user_may_take(world, web):
    case = new_case(world)
    body = web(world.alice).get(detail(case)).content.decode()
    assert step_url(case, "submit_registration") in body
    assert step_url(case, "set_proposal") in body
    for other in ("approve_registration", "review_registration", "revoke", "transfer", "legal_review"):
        assert step_url(case, other) not in body, other
    # Officers are shown with their certificate numbers.
    assert world.alice.officer.certificates.get().number in body

    lily = web(world.lily).get(detail(case)).content.decode()
    assert "您当前没有可办理的环节" in lily
    dan = web(world.dan).get(detail(case)).content.decode()
    assert step_url(case, "revoke") in dan and step_url(case, "transfer") in dan


def test_a_step_form_loads_as_a_partial_for_htmx(world, web):
    case = new_case(world)
    client = web(world.alice)
    partial = client.get(step_url(case, "submit_registration"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert f'action="{step_url(case, "submit_registration")}"' in partial.content.decode()
    page = client.get(step_url(case, "submit_registration"))
    assert "<html" in page.content.decode()


def test_posting_a_step_runs_it(world, web):
    case = new_case(world)
    client = web(world.alice)
    response = client.post(step_url(case, "submit_registration"), {"opinion": "建议立案"})
    assert response.status_code == 302 and response["Location"] == detail(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTRATION_REVIEW
    event = case.events.get(transition="submit_registration")
    assert event.opinion == "建议立案" and event.actor == world.alice
    page = client.get(detail(case)).content.decode()
    assert "已办理：提交立案审批" in page and "建议立案" in page


def test_a_refused_step_shows_the_rule_and_changes_nothing(world, web):
    case = walk(world, new_case(world), until="approve_registration")
    events = case.events.count()
    response = web(world.alice).post(
        step_url(case, "submit_handling"),
        {
            "investigation_report": "经调查，当事人未对新入职员工进行安全生产教育和培训，违反安全生产法第二十八条。"
        },
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "处理意见须依裁量基准提出" in body and "尚未提出处理意见" in body
    assert "未能办理，案件未作任何改变" in body
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING
    assert case.investigation_report == "" and case.events.count() == events


def test_a_step_form_with_bad_input_shows_chinese_field_errors(world, web):
    case = walk(world, new_case(world), until="approve_registration")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = web(world.alice).post(
        step_url(case, "record_inquiry"),
        {"on": tomorrow.isoformat(), "place": "", "person": "王建国", "officers": [world.alice.officer.pk]},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "日期不能晚于今天" in body
    assert "调查取证时执法人员不得少于两人" in body
    assert "该字段是必填项。" in body  # place, content
    assert not case.records.exists()


def test_a_danger_step_asks_for_confirmation(world, web):
    case = new_case(world)
    client = web(world.dan)
    reason = {"opinion": "经核查，当事人已于立案前注销，无法继续办理本案。"}
    refused = client.post(step_url(case, "revoke"), reason)
    assert refused.status_code == 400 and "请勾选确认" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    done = client.post(step_url(case, "revoke"), {**reason, "confirm": "on"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REVOKED and "注销" in case.end_reason


def test_a_step_outside_the_role_is_forbidden(world, web):
    case = new_case(world)
    assert web(world.amy).get(step_url(case, "submit_registration")).status_code == 403
    assert web(world.alice).post(step_url(case, "approve_registration"), {}).status_code == 403
    assert web(world.alice).get(step_url(case, "no_such_step")).status_code == 404


def test_bob_of_board_b_gets_404_on_a_case_of_board_a(world, web):
    case = new_case(world)
    review = LegalReview.objects.create(
        case=case, round=1, submitted_by=world.alice, due_on=timezone.localdate(), proposal_version=0
    )
    client = web(world.bob)
    for url in (
        detail(case),
        step_url(case, "submit_registration"),
        reverse("cases:case_file", args=[case.pk]),
        reverse("cases:review_detail", args=[review.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(step_url(case, "submit_registration"), {"opinion": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert case.party_name not in client.get(reverse("cases:case_list")).content.decode()


def test_lily_sees_the_review_queue_with_the_due_date_and_reviews_from_it(world, web):
    case = walk(world, new_case(world), until="approve_handling")
    review = case.legal_reviews.get()
    client = web(world.lily)
    queue = client.get(reverse("cases:review_queue")).content.decode()
    assert case.party_name in queue and f"{review.due_on:%Y-%m-%d}" in queue
    page = client.get(reverse("cases:review_detail", args=[review.pk])).content.decode()
    review_url = step_url(case, "legal_review")
    assert review_url in page and "40000" in page

    data = {"outcome": "approve", "opinion": "同意"}
    data.update({f"check_{item.value}": "pass" for item in ReviewItem})
    assert client.post(review_url, data).status_code == 302
    review.refresh_from_db()
    assert review.outcome == "approve" and review.reviewer == world.lily
    # Decided: read-only, and off the queue.
    page = client.get(reverse("cases:review_detail", args=[review.pk])).content.decode()
    assert review_url not in page and "执法主体是否合法" in page
    assert case.party_name not in client.get(reverse("cases:review_queue")).content.decode()


def test_the_case_page_shows_deadlines_proposal_documents_and_reviews(world, web):
    case = walk(world, new_case(world), until="legal_review")
    body = web(world.alice).get(detail(case)).content.decode()
    assert "作出处理决定" in body or case.deadlines.running().first().label in body
    assert case.proposal["level_label"] in body  # the discretion tier
    assert case.registration_number in body
    for document in casefile.case_documents(case):
        assert reverse("documents:document_detail", args=[document.pk]) in body
    assert "执法主体是否合法" in body  # the review's checklist
    assert step_url(case, "notify") in body


def test_a_deviation_from_the_benchmark_is_highlighted(world, web):
    case = walk(world, new_case(world), until="set_proposal")
    assert 'class="deviation"' not in web(world.alice).get(detail(case)).content.decode()
    # A fine beside the suggested one, with the written reason the legal reviewer reads.
    fine = Decimal(case.proposal["suggested_fine"]) + Decimal("1000")
    reason = "当事人主动消除危害后果并积极配合调查，但违法持续时间较长。"
    case = services.perform(case, "set_proposal", world.alice, proposal_data(world, fine=fine, reason=reason))
    body = web(world.alice).get(detail(case)).content.decode()
    assert 'class="deviation"' in body and reason in body
    assert case.proposal["level_label"] in body


def test_evidence_is_uploaded_and_downloaded_with_its_hash_checked(world, web):
    case = new_case(world)
    client = web(world.alice)
    upload = png()
    content = upload.read()
    upload.seek(0)
    response = client.post(
        reverse("cases:evidence_add", args=[case.pk]),
        {
            "title": "现场照片",
            "kind": "photo",
            "collected_on": timezone.localdate().isoformat(),
            "upload": upload,
        },
    )
    assert response.status_code == 302
    item = CaseEvidence.objects.get(case=case)
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    download = client.get(reverse("cases:evidence_download", args=[item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="cases.caseevidence").exists()

    # Missing file: the field is named, nothing is added.
    bad = client.post(
        reverse("cases:evidence_add", args=[case.pk]),
        {"title": "", "kind": "photo", "collected_on": timezone.localdate().isoformat()},
        follow=True,
    )
    body = bad.content.decode()
    assert "证据名称：该字段是必填项。" in body and "文件：请上传证据文件" in body
    assert CaseEvidence.objects.filter(case=case).count() == 1


def test_the_case_file_downloads_with_its_hash_and_is_audited(world, web, monkeypatch):
    case = new_case(world)
    pdf = b"%PDF-1.4 case file"
    monkeypatch.setattr(casefile, "case_file_for_download", lambda c: (pdf, hashlib.sha256(pdf).hexdigest()))
    response = web(world.alice).get(reverse("cases:case_file", args=[case.pk]))
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == hashlib.sha256(pdf).hexdigest()
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == pdf
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="cases.case").last()
    assert entry.object_id == str(case.pk) and entry.after["sha256"] == hashlib.sha256(pdf).hexdigest()


def _cases_with_deadlines(world, n: int):
    today = timezone.localdate()
    for i in range(n):
        case = new_case(world, cause=f"案由{i}")
        CaseDeadline.objects.create(
            case=case,
            rule_code="decision",
            label="作出处理决定",
            start=today - timedelta(days=80),
            due_on=today + timedelta(days=(i % 5) - 2),
        )
        LegalReview.objects.create(
            case=case,
            round=1,
            submitted_by=world.alice,
            due_on=today + timedelta(days=i % 3 - 1),
            proposal_version=0,
        )


@pytest.mark.parametrize(
    "name, persona",
    [
        ("cases:case_list", "alice"),
        ("cases:case_list", "dan"),
        ("cases:deadline_list", "alice"),
        ("cases:deadline_list", "dan"),
        ("cases:review_queue", "lily"),
    ],
)
def test_list_pages_run_a_constant_number_of_queries(world, web, name, persona):
    client = web(getattr(world, persona))
    url = reverse(name)
    _cases_with_deadlines(world, 2)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200 and "共 2 条" in response.content.decode()
    _cases_with_deadlines(world, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and "共 10 条" in response.content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_home_page_panel_shows_an_overdue_deadline(world, web):
    case = new_case(world)
    today = timezone.localdate()
    CaseDeadline.objects.create(
        case=case,
        rule_code="decision",
        label="作出处理决定",
        start=today - timedelta(days=100),
        due_on=today - timedelta(days=10),
    )
    response = web(world.alice).get("/")
    figures = {str(f["label"]): f for f in response.context["case_figures"]}
    mine = figures["我承办案件的逾期期限"]
    assert mine["n"] == 1 and mine["warn"]
    assert figures["逾期的办案期限"]["n"] == 1
    body = response.content.decode()
    assert "办案期限" in body and mine["url"] in body.replace("&amp;", "&")

    board = web(world.alice).get(mine["url"]).content.decode()
    assert case.party_name in board and "逾期 10 日" in board
    # Bob's board has none.
    bob = web(world.bob).get("/").context["case_figures"]
    assert all(f["n"] == 0 for f in bob)


def test_the_home_page_counts_pending_reviews_for_the_legal_reviewer(world, web):
    case = new_case(world)
    LegalReview.objects.create(
        case=case,
        round=1,
        submitted_by=world.alice,
        due_on=timezone.localdate() - timedelta(days=1),
        proposal_version=0,
    )
    figures = web(world.lily).get("/").context["case_figures"]
    pending = next(f for f in figures if f["url"] == reverse("cases:review_queue"))
    assert pending["n"] == 1 and pending["warn"]


def test_procedure_rules_are_edited_by_the_system_administrator_only(world, web):
    rules = ProcedureRules.objects.order_by("effective_from").first()
    edit = reverse("cases:rules_edit", args=[rules.pk])
    assert web(world.alice).get(reverse("cases:rules_detail", args=[rules.pk])).status_code == 200
    assert web(world.alice).get(edit).status_code == 403
    client = web(world.sam)
    form = client.get(edit).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["effective_from"] = rules.effective_from.isoformat()
    data["review_all_district_cases"] = "on" if data["review_all_district_cases"] else ""
    data["hearing_min_unit"] = "60000"
    assert client.post(edit, data).status_code == 302
    rules.refresh_from_db()
    assert str(rules.hearing_min_unit) == "60000.00"
    data["surcharge_rate"] = "0.05"
    bad = client.post(edit, data)
    assert "加处罚款日比例应大于 0 且不超过 3%" in bad.content.decode()


def test_the_review_form_lists_every_checklist_item(world, web):
    case = walk(world, new_case(world), until="approve_handling")
    body = web(world.lily).get(step_url(case, "legal_review"), HTTP_HX_REQUEST="true").content.decode()
    for item in ReviewItem:
        assert f'name="check_{item.value}"' in body and str(item.label) in body
    # Failing an item without saying why is refused field by field, in Chinese.
    data = {"outcome": "approve", **{f"check_{item.value}": "pass" for item in ReviewItem}}
    data["check_evidence"] = "fail"
    response = web(world.lily).post(step_url(case, "legal_review"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "存在问题的审核要点须写明问题" in body and "审核要点存在问题时不能同意" in body
    case.refresh_from_db()
    assert case.status == CaseStatus.LEGAL_REVIEW


def test_an_executed_case_shows_its_payments(world, web):
    case = walk(world, new_case(world), until="record_payment")
    body = web(world.alice).get(detail(case)).content.decode()
    assert "罚款缴纳" in body and "JS2026-001" in body and "40000" in body
    assert step_url(case, "close") not in body  # the agency head closes
    assert step_url(case, "close") in web(world.dan).get(detail(case)).content.decode()

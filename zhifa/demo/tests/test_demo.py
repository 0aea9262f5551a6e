"""The demo district: the seed's arithmetic, valid identifiers, idempotence, accounts, the audit chain.

The full demo (about 8,000 enterprises) is built once for the module, inside a transaction rolled back
at the end, so the other test modules never see it; each test runs in a savepoint within it.
"""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric, uscc

from zhifa.accounts.models import User
from zhifa.core import audit
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.roles import ADMIN_ROLES, BOARD_ROLES, Role
from zhifa.core.validators import validate_id_number, validate_uscc
from zhifa.demo import data, identifiers
from zhifa.enterprises.models import Classification, Enterprise
from zhifa.enterprises.services import Classifier
from zhifa.experts.models import Expert, ExpertAvailability, ExpertConflict, ExpertGroup
from zhifa.orgs.choices import Employment, EquipmentKind, Post, RegionKind
from zhifa.orgs.models import Certificate, Equipment, Officer, Pairing, Region, Secondment

PASSWORD = "Demo-Test-Passw0rd"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REFERENCE_BOARDS = {
    "湖塘镇": "320412100",
    "牛塘镇": "320412102",
    "洛阳镇": "320412103",
    "雪堰镇": "320412110",
    "前黄镇": "320412113",
    "礼嘉镇": "320412114",
    "嘉泽镇": "320412119",
    "湟里镇": "320412120",
    "南夏墅街道": "320412190",
    "西湖街道": "320412191",
    "武进经济开发区": "320412400",
    "高新区": "320412411",
    "西太湖生态休闲区": "320412412",
    "太湖旅游度假区": "320412413",
}


def counts() -> dict[str, int]:
    models = (
        Region,
        Officer,
        Certificate,
        Equipment,
        Secondment,
        Pairing,
        Expert,
        ExpertGroup,
        ExpertAvailability,
        ExpertConflict,
        Enterprise,
        Classification,
        User,
    )
    return {m.__name__: m.objects.count() for m in models} | {
        "memberships": Expert.groups.through.objects.count()
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    accounts_file = tmp_path_factory.mktemp("demo") / "accounts.json"
    files = tmp_path_factory.mktemp("demo-files")  # the month's documents and photos
    out = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER, DATA_DIR=files),
        transaction.atomic(),
    ):
        call_command(
            "demo", "--no-serve", "--password", PASSWORD, "--accounts-out", str(accounts_file), stdout=out
        )
        yield SimpleNamespace(
            accounts=json.loads(accounts_file.read_text(encoding="utf-8")), output=out.getvalue()
        )
        transaction.set_rollback(True)


# One worker builds the demo once for the whole module (make test runs xdist with --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]
slow = pytest.mark.slow


@slow
def test_the_district_and_its_fourteen_boards_as_the_reference_lists_them(demo):
    district = Region.objects.get(code="320412")
    assert (district.name, district.short_name, district.agency_name) == (
        "武进区",
        "武",
        "常州市武进区应急管理局",
    )
    boards = Region.objects.boards()
    assert {b.name: b.code for b in boards} == REFERENCE_BOARDS
    assert all(b.parent_id == district.pk and b.short_name for b in boards)
    assert Counter(b.kind for b in boards) == {RegionKind.TOWN: 8, RegionKind.STREET: 2, RegionKind.ZONE: 4}
    assert "320412190" in demo.output and "虚构代码" in demo.output


@slow
def test_each_board_is_staffed_one_three_six(demo):
    today = timezone.localdate()
    for board in Region.objects.boards():
        staff = Officer.objects.filter(unit=board)
        assert Counter(staff.values_list("post", flat=True)) == {
            Post.BOARD_LEADER: 1,
            Post.BOARD_OFFICER: 3,
            Post.SAFETY_MANAGER: 6,
        }, board.name
        certified = staff.certified_on(today)
        assert set(certified.values_list("post", flat=True)) == {Post.BOARD_LEADER, Post.BOARD_OFFICER}
        assert certified.count() == 4 and not certified.exclude(employment=Employment.STAFFED).exists()
        managers = staff.filter(post=Post.SAFETY_MANAGER)
        assert not managers.exclude(employment=Employment.AUXILIARY).exists()
        assert not Certificate.objects.filter(officer__in=managers).exists()


@slow
def test_exactly_95_officers_hold_a_certificate_valid_today(demo):
    today = timezone.localdate()
    assert Officer.objects.certified_on(today).count() == 95
    district = Region.objects.get(code="320412")
    brigade = Officer.objects.filter(unit=district)
    assert brigade.count() == 39 and brigade.certified_on(today).count() == 39
    posts = Counter(brigade.values_list("post", flat=True))
    assert (
        posts[Post.BUREAU_LEADER] == 1
        and posts[Post.BRIGADE_CAPTAIN] == 1
        and posts[Post.BRIGADE_VICE_CAPTAIN] >= 1
    )
    reviewers = brigade.filter(post=Post.LEGAL_REVIEWER)
    assert 2 <= reviewers.count() <= 3
    assert all(r.legal_qualification and r.legal_qualification_number for r in reviewers)
    assert not Certificate.objects.valid_on(today).exclude(level="district").exists()
    assert 3 <= Certificate.objects.expiring_within(60, today).count() <= 10


@slow
def test_two_brigade_officers_are_seconded_and_the_other_twelve_boards_are_paired(demo):
    today = timezone.localdate()
    secondments = list(Secondment.objects.active_on(today).select_related("officer__unit", "region"))
    pairings = list(Pairing.objects.active_on(today).select_related("officer__unit", "region"))
    assert len(secondments) == 2 and all(s.region.kind == RegionKind.TOWN for s in secondments)
    seconded_boards = {s.region_id for s in secondments}
    paired_boards = {p.region_id for p in pairings}
    assert len(seconded_boards) == 2 and len(paired_boards) == 12 and not seconded_boards & paired_boards
    assert seconded_boards | paired_boards == set(Region.objects.boards().values_list("pk", flat=True))
    assert all(not a.officer.unit.is_board for a in [*secondments, *pairings])


@slow
def test_155_experts_in_seven_groups_every_group_staffed(demo):
    assert Expert.objects.count() == 155
    groups = ExpertGroup.objects.all()
    assert set(groups.values_list("code", flat=True)) == {
        "chem",
        "metal",
        "building",
        "machinery",
        "light",
        "textile",
        "special",
    }
    assert all(g.experts.exists() for g in groups)
    per_expert = Counter(Expert.groups.through.objects.values_list("expert_id", flat=True))
    assert set(per_expert.values()) == {1, 2} and len(per_expert) == 155
    assert ExpertAvailability.objects.exists() and ExpertConflict.objects.exists()
    for conflict in ExpertConflict.objects.select_related("enterprise"):
        assert any(g.covers(conflict.enterprise.industry_id) for g in conflict.expert.groups.all())


@slow
def test_about_8000_enterprises_classified_by_the_rule_in_force(demo):
    enterprises = list(Enterprise.objects.all())
    assert 7500 <= len(enterprises) <= 8500
    classifier = Classifier()
    assert classifier.ruleset.version == "示例-2026"
    assert Counter(e.enforcement_class for e in enterprises).keys() == {"A", "B", "C", "D"}
    for enterprise in enterprises:
        assert enterprise.enforcement_class == classifier.evaluate(enterprise).enforcement_class, (
            enterprise.name
        )
        assert enterprise.class_ruleset_id == classifier.ruleset.pk
    history = Counter(Classification.objects.values_list("enterprise_id", flat=True))
    assert len(history) == len(enterprises) and set(history.values()) == {1}
    sectors = Counter(e.sector for e in enterprises)
    assert sectors.most_common(1)[0][0] == "industry_trade"
    assert 100 <= sectors["hazardous_chemicals"] <= 600
    manufacturing = sum(13 <= int(e.industry_id[:2]) <= 43 for e in enterprises)
    commerce = sum(e.industry_id[:2] in ("51", "52", "59") for e in enterprises)
    assert manufacturing > 0.8 * len(enterprises) and commerce > 0
    assert len(Region.objects.boards().filter(enterprises__isnull=False).distinct()) == 14


@slow
def test_every_person_and_enterprise_is_fictitious_and_marked(demo):
    for model in (Officer, Expert, Enterprise):
        assert not model.objects.filter(is_fictitious=False).exists()
    assert not Enterprise.objects.exclude(name__endswith=data.MARK).exists()
    assert not Expert.objects.exclude(employer__endswith=data.MARK).exists()


@slow
def test_every_id_number_and_credit_code_passes_the_checks(demo):
    ids = list(Officer.objects.values_list("id_number", flat=True))
    codes = list(Enterprise.objects.values_list("uscc", flat=True)) + list(
        Expert.objects.values_list("employer_uscc", flat=True)
    )
    for number in ids:
        ric.validate(number)
        validate_id_number(number)
    for code in codes:
        uscc.validate(code)
        validate_uscc(code)
    assert len(set(ids)) == len(ids)


@slow
def test_boards_and_brigade_have_vehicles_and_body_worn_recorders(demo):
    units = [*Region.objects.boards(), Region.objects.get(code="320412")]
    for unit in units:
        kinds = Counter(Equipment.objects.filter(unit=unit).values_list("kind", flat=True))
        assert kinds[EquipmentKind.VEHICLE] >= 1 and kinds[EquipmentKind.RECORDER] >= 4, unit.name
    assert not Equipment.objects.filter(kind=EquipmentKind.VEHICLE, plate_number="").exists()
    mismatched = Equipment.objects.filter(officer__isnull=False).exclude(officer__unit=F("unit"))
    assert not mismatched.exists()


@slow
def test_accounts_file_lists_every_role_and_three_accounts_per_board(demo):
    accounts = demo.accounts
    assert {a["role"] for a in accounts} == set(Role.values)
    assert len({a["username"] for a in accounts}) == len(accounts)
    codes = set(REFERENCE_BOARDS.values())
    for role in BOARD_ROLES:
        assert {a["board_code"] for a in accounts if a["role"] == role} == codes
    assert all(a["board_code"] is None for a in accounts if a["role"] not in BOARD_ROLES)
    names = {a["username"] for a in accounts}
    assert {
        "leader",
        "brigade1",
        "reviewer1",
        "b100_leader",
        "b100_officer",
        "b100_safety",
        "expert1",
    } <= names
    assert {"sysadmin", "secadmin", "auditor"} <= names
    for account in accounts:
        user = User.objects.get(username=account["username"])
        assert user.role == account["role"]
        assert (user.region.code if user.region else None) == account["board_code"]
        if account["role"] in BOARD_ROLES | {Role.DISTRICT_LEADER, Role.BRIGADE_OFFICER, Role.LEGAL_REVIEWER}:
            assert user.officer is not None and user.officer.is_fictitious
        if account["role"] in BOARD_ROLES:
            assert user.officer.unit_id == user.region_id
        if account["role"] == Role.LEGAL_REVIEWER:
            assert user.officer.legal_qualification
        if account["role"] == Role.EXPERT:
            assert user.expert is not None
        if account["role"] in ADMIN_ROLES:
            assert user.officer is None and user.expert is None
    assert PASSWORD in demo.output and "b413_safety" in demo.output


@slow
def test_every_account_logs_in_with_the_password(demo, client):
    for account in demo.accounts:
        user = authenticate(username=account["username"], password=PASSWORD)
        assert user is not None, account["username"]
        assert authenticate(username=account["username"], password=PASSWORD + "x") is None
    response = client.post(reverse("login"), {"username": "b100_officer", "password": PASSWORD})
    assert response.status_code == 302


@slow
def test_the_accounts_that_need_a_second_factor_sign_in_with_the_printed_demo_secret(demo, client):
    from base64 import b32decode

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import totp

    from zhifa.demo.second_factor import DEMO_TOTP_SECRET

    assert DEMO_TOTP_SECRET in demo.output and "仅限演示" in demo.output and "reviewer1" in demo.output
    assert client.post(reverse("login"), {"username": "reviewer1", "password": PASSWORD}).status_code == 302
    assert client.get(reverse("otp_verify")).status_code == 200
    code = f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"  # what the visitor's authenticator shows
    assert client.post(reverse("otp_verify"), {"code": code}).status_code == 302
    assert DEVICE_ID_SESSION_KEY in client.session


@slow
def test_running_the_demo_again_changes_no_counts_and_the_chain_verifies(demo):
    before = counts()
    out = io.StringIO()
    call_command("demo", "--no-serve", "--password", PASSWORD, stdout=out)
    assert counts() == before
    assert "已存在" in out.getvalue()
    assert Officer.objects.certified_on(timezone.localdate()).count() == 95
    summaries = AuditEntry.objects.filter(action=AuditAction.SYSTEM, source="cli").order_by("id")
    assert summaries.count() >= 2
    assert summaries.first().message.startswith("演示数据已生成")
    result = audit.verify()
    assert result.ok, result.reason
    assert authenticate(username="leader", password=PASSWORD) is not None


# --- The month of enforcement activity (zhifa.demo.inspections) ------------------------------------


def activity_counts() -> dict[str, int]:
    from zhifa.cases import models as c
    from zhifa.documents.models import IssuedDocument
    from zhifa.inspections import models as m
    from zhifa.reviews import models as r

    rows = (
        c.Case,
        c.CaseEvent,
        c.LegalReview,
        m.Inspection,
        m.InspectionResult,
        m.Hazard,
        m.HazardEvent,
        m.RectificationOrder,
        m.ExtensionRequest,
        m.ReInspection,
        m.Evidence,
        m.CaseSource,
        IssuedDocument,
        r.ReviewRound,
        r.ReviewAssignment,
        r.ScoreSheet,
    )
    return {model.__name__: model.objects.count() for model in rows}


def service_inspections():
    """The inspections the demo took through the inspection services, as opposed to the two years of
    generated history (bulk-created, without checklist results or documents)."""
    from zhifa.demo.history import HISTORY_MARK
    from zhifa.inspections.models import Inspection

    return Inspection.objects.exclude(findings__endswith=HISTORY_MARK)


@slow
def test_every_board_has_signed_inspections_in_the_last_thirty_days(demo):
    from zhifa.inspections.models import Inspection

    today = timezone.localdate()
    since = timezone.make_aware(datetime.combine(today - timedelta(days=31), time()))
    until = timezone.make_aware(datetime.combine(today, time()))
    for board in Region.objects.boards():
        signed = service_inspections().filter(board=board, status="signed_off")
        assert signed.filter(started_at__gte=since, started_at__lt=until).count() >= 5, board.name
    assert not Inspection.objects.filter(status="draft").exists()
    assert not service_inspections().exclude(started_at__gte=since, ended_at__lt=until).exists()
    assert "近 30 天执法活动" in demo.output


@slow
def test_every_signed_inspection_has_two_officers_certified_on_its_date_and_is_complete(demo):

    inspections = (
        service_inspections()
        .select_related("checklist", "document", "expert", "board")
        .prefetch_related("team__officer", "assistants", "results__item", "hazards")
    )
    two_plus_one = 0
    for inspection in inspections:
        on = inspection.inspection_date
        team = [t.officer for t in inspection.team.all()]
        certified = Certificate.objects.valid_on(on).filter(officer__in=team)
        assert certified.values("officer").distinct().count() >= 2, inspection.pk
        assert all(t.basis for t in inspection.team.all())
        assert inspection.started_at < inspection.ended_at <= inspection.signed_off_at
        assert inspection.document is not None and inspection.document.kind_id == "inspection_record"
        assert all(
            a.post == Post.SAFETY_MANAGER and a.unit_id == inspection.board_id
            for a in inspection.assistants.all()
        )
        results = list(inspection.results.all())
        assert len(results) == inspection.checklist.items.count() and all(r.result for r in results)
        found = {r.item_id: r.item for r in results if r.result == "non_compliant"}
        hazards = {h.item_id: h for h in inspection.hazards.all()}
        assert hazards.keys() == found.keys(), inspection.pk
        assert all(hazards[pk].level == item.hazard_level for pk, item in found.items())
        if inspection.expert_id:
            two_plus_one += 1
            assert inspection.expert.groups.filter(pk=inspection.checklist.expert_group_id).exists()
            assert not inspection.expert.conflicts.filter(enterprise=inspection.enterprise).exists()
    assert two_plus_one >= 14


@slow
def test_hazards_orders_extensions_reinspections_and_overdue_hazards_as_the_services_left_them(demo):
    from zhifa.inspections.models import (
        CaseSource,
        Evidence,
        ExtensionRequest,
        Hazard,
        RectificationOrder,
        ReInspection,
        ReInspectionOutcome,
    )

    today = timezone.localdate()
    assert Hazard.objects.filter(level="major").exists() and Hazard.objects.filter(level="general").exists()
    orders = RectificationOrder.objects.select_related("inspection", "document")
    assert orders.count() >= 50
    for order in orders:
        assert order.document.kind_id == "rectification_order"
        assert order.issued_at >= order.inspection.ended_at
        assert order.document.issued_at == order.issued_at  # the replayed clock, read by both
        assert all(i.deadline >= timezone.localtime(order.issued_at).date() for i in order.items.all())
    reviews = ReInspection.objects.filter(status="signed_off")
    assert reviews.count() >= 10 and not reviews.filter(document__isnull=True).exists()
    assert ReInspectionOutcome.objects.filter(outcome="closed").exists()
    assert ReInspectionOutcome.objects.filter(outcome="kept").exists()
    made = Hazard.objects.filter(inspection__in=service_inspections())
    closed = made.filter(status="closed")
    assert closed.exists() and not closed.filter(closed_at__isnull=True).exists()
    assert not closed.exclude(review_outcomes__outcome="closed").exists()  # only a re-inspection closes
    overdue = made.overdue(today)
    assert 1 <= overdue.count() <= made.open().count() // 3
    extensions = ExtensionRequest.objects.all()
    assert (
        1 <= extensions.count() <= 5 and extensions.filter(status="approved", document__isnull=False).exists()
    )
    photos = Evidence.objects.filter(kind="photo")
    assert photos.filter(hazard__isnull=False).exists() and not photos.filter(thumbnail_sha256="").exists()
    assert CaseSource.objects.filter(hazard__level="major").exists()


@slow
def test_documents_are_numbered_gaplessly_per_agency_kind_and_year_in_order_of_issue(demo):
    from zhifa.documents.models import IssuedDocument

    series: dict[tuple, list] = {}
    for doc in IssuedDocument.objects.select_related("kind").order_by("issued_at", "pk"):
        if not doc.kind.numbered:  # 询问笔录, 调查报告 and the like carry no number
            assert doc.sequence is None and not doc.number and doc.pdf_sha256, doc.pk
            continue
        series.setdefault((doc.agency_id, doc.kind_id, doc.year), []).append(doc)
    assert {kind for _agency, kind, _year in series} >= {
        "inspection_record",
        "rectification_order",
        "reinspection_opinion",
        "extension_approval",
        "case_registration",
        "penalty_decision",
        "legal_review_opinion",
    }
    for key, docs in series.items():
        assert [d.sequence for d in docs] == list(range(1, len(docs) + 1)), key
        assert len({d.number for d in docs}) == len(docs)
        assert all(d.year == timezone.localtime(d.issued_at).year and d.pdf_sha256 for d in docs)
    assert audit.verify().ok


@slow
def test_running_the_demo_again_adds_no_activity(demo):
    before = activity_counts()
    assert before["Inspection"] >= 14 * 5
    call_command("demo", "--no-serve", "--password", PASSWORD, stdout=io.StringIO())
    assert activity_counts() == before
    assert audit.verify().ok


# --- Penalty cases (zhifa.demo.cases) ----------------------------------------------------------------


def service_cases():
    """The cases the demo took through the case services (each has its 登记案件 event), as opposed to
    any generated in bulk."""
    from zhifa.cases.models import Case

    return Case.objects.filter(events__transition="create").distinct()


@slow
def test_the_demo_has_cases_in_every_state_worth_showing(demo, client):
    from zhifa.cases.choices import CaseStatus as S
    from zhifa.cases.choices import DecisionKind, Procedure, ReviewOutcome
    from zhifa.cases.models import CaseDeadline, CaseEvent, LegalReview
    from zhifa.inspections.models import CaseSource

    today = timezone.localdate()
    cases = service_cases()
    assert 12 <= cases.count() <= 16 and cases.values("board").distinct().count() >= 8
    statuses = Counter(cases.values_list("status", flat=True))
    for status in (
        S.DRAFT,
        S.REGISTRATION_APPROVAL,
        S.INVESTIGATING,
        S.LEGAL_REVIEW,
        S.NOTIFIED,
        S.DECIDED,
        S.EXECUTING,
        S.EXECUTED,
        S.CLOSED,
        S.ARCHIVED,
        S.REVOKED,
    ):
        assert statuses[status] >= 1, status
    # Registered from the inspections' queue of case sources, with findings left queued for 立案.
    assert cases.filter(source__hazard__isnull=False, source_kind="hazard").count() >= 5
    assert not cases.filter(source__isnull=False).exclude(source__status="accepted").exists()
    assert CaseSource.objects.filter(status="queued").exists()
    # The legal reviewers' queue: rounds awaiting review with due dates, one of them overdue.
    pending = LegalReview.objects.pending().filter(case__in=cases)
    assert pending.count() >= 3 and set(pending.values_list("case__status", flat=True)) == {S.LEGAL_REVIEW}
    assert pending.filter(due_on__lt=today).exists() and pending.filter(due_on__gte=today).exists()
    assert pending.exclude(case__deviation_reason="").exists()  # a fine above its tier, with the reason
    # Returned for 补充材料: back under investigation with the reviewer's reasons.
    returned = cases.get(legal_reviews__outcome=ReviewOutcome.SUPPLEMENT)
    assert returned.status == S.INVESTIGATING
    assert len(returned.legal_reviews.get().opinion) >= 10
    # Notified: the statement period running; executing with the payment overdue.
    notified = cases.get(status=S.NOTIFIED)
    assert notified.deadlines.running().filter(rule_code="statement_defence", due_on__gte=today).exists()
    overdue = cases.get(status=S.EXECUTING, procedure=Procedure.GENERAL)
    assert overdue.payment_due_on < today and overdue.paid_amount == 0 and overdue.fine_amount > 0
    assert CaseDeadline.objects.overdue(today).filter(case=overdue, rule_code="payment").exists()
    # One simple-procedure case, decided on the spot and filed; one not penalised (art. 33); one revoked.
    simple = cases.get(procedure=Procedure.SIMPLE)
    assert simple.decided_on and simple.simple_filed_on and simple.fine_amount <= 3000
    assert simple.status == S.EXECUTED and simple.paid_amount == simple.fine_amount
    no_penalty = cases.get(decision_kind=DecisionKind.NO_PENALTY)
    assert no_penalty.decided_on and no_penalty.fine_amount is None
    assert no_penalty.proposal["level"] == "no_penalty"
    assert len(cases.get(status=S.REVOKED).end_reason) >= 10
    # Nothing happened today or later: the weeks were replayed.
    midnight = timezone.make_aware(datetime.combine(today, time()))
    assert not CaseEvent.objects.filter(case__in=cases, at__gte=midnight).exists()
    assert "行政处罚案件" in demo.output
    # The reviewer finds each round in the queue with its due date.
    client.force_login(User.objects.get(username="reviewer1"))
    for review in pending.select_related("case"):
        page = client.get(reverse("cases:review_queue"), {"q": review.case.party_name}).content.decode()
        assert review.case.party_name in page and f"{review.due_on:%Y-%m-%d}" in page


@slow
def test_every_decided_board_case_has_an_approved_legal_review_of_what_was_decided(demo):
    from zhifa.cases.casefile import missing_documents
    from zhifa.cases.gate import approved_review, check_decision_allowed, handled_by_board
    from zhifa.cases.models import Case

    for case in Case.objects.exclude(decided_on=None):
        assert not handled_by_board(case) or approved_review(case) is not None, case.pk
    decided = service_cases().exclude(decided_on=None)
    assert decided.count() >= 6
    for case in decided:
        assert handled_by_board(case), case.pk
        review = approved_review(case)
        check_decision_allowed(case)  # what was decided is the proposal the reviewer approved
        assert review.reviewer.role == Role.LEGAL_REVIEWER and review.reviewer.officer.legal_qualification
        assert not case.case_officers.filter(officer=review.reviewer.officer).exists()
        assert review.document is not None and review.decided_at.date() <= case.decided_on
    for case in service_cases().filter(status__in=["closed", "archived"]):
        assert missing_documents(case) == [], case.pk


@slow
def test_the_demo_legal_reviewers_hold_the_legal_profession_qualification(demo):
    reviewers = User.objects.filter(role=Role.LEGAL_REVIEWER).select_related("officer")
    assert reviewers.count() == 3
    for user in reviewers:
        assert user.officer.legal_qualification and user.officer.legal_qualification_number, user.username


@slow
def test_the_archived_case_file_verifies_against_its_recorded_hash(demo):
    import hashlib

    from zhifa.cases.casefile import case_file_for_download

    case = service_cases().get(status="archived")
    pdf, sha = case_file_for_download(case)
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == sha == case.case_file_sha256
    assert case.archived_on and case.evidence.filter(kind="photo").exists()
    entry = AuditEntry.objects.filter(
        action=AuditAction.DOCUMENT_ISSUE, object_type="cases.case", object_id=str(case.pk)
    ).last()
    assert entry is not None and entry.after["case_file_sha256"] == sha
    assert audit.verify().ok


# --- Accidents and training (zhifa.demo.accidents, zhifa.demo.training) ----------------------------


@slow
def test_two_years_of_accidents_give_the_double_decline_real_figures(demo, client):
    from zhifa.accidents.models import Accident
    from zhifa.accidents.statistics import double_decline

    today = timezone.localdate()
    for year in (today.year - 1, today.year):
        assert Accident.objects.in_year(year).count() >= 10, year
    assert Accident.objects.filter(enterprise__isnull=False).exists()
    assert Accident.objects.filter(enterprise__isnull=True, unit_name__endswith="（演示）").exists()
    figures = double_decline(today.year, today=today)
    assert len(figures.rows) == 14
    assert sum(r.count for r in figures.rows) == figures.total.count
    assert {r.achieved for r in figures.rows} == {True, False}  # some boards achieve it, some do not
    assert "生产安全事故" in demo.output
    client.force_login(User.objects.get(username="leader"))
    page = client.get(reverse("accidents:double_decline")).content.decode()
    assert "达成" in page and "未达成" in page


@slow
def test_a_year_of_training_shows_hours_short_and_met_and_renewals(demo, client):
    from zhifa.orgs.models import Certificate
    from zhifa.training.hours import renewal_candidates, standard, trainees, with_hours
    from zhifa.training.models import Attendance, TrainingSession

    today = timezone.localdate()
    assert TrainingSession.objects.in_year(today.year).filter(board__isnull=True).exists()
    assert TrainingSession.objects.in_year(today.year).filter(kind="rotating").count() >= 14 * 7
    assert Attendance.objects.filter(exam_score__isnull=False).exists()
    rule = standard(today.year)
    officers = with_hours(trainees(Officer.objects.all()), today.year)
    met = {rule.met(o.training_hours) for o in officers}
    assert met == {True, False}
    assert renewal_candidates(Certificate.objects.all(), today).count() >= 6
    client.force_login(User.objects.get(username="leader"))
    assert client.get(reverse("training:readiness")).status_code == 200
    assert "执法培训" in demo.output


# --- Generated history and the bulletin (zhifa.demo.history, zhifa.bulletins) ---------------------------


@slow
def test_two_years_of_history_give_this_months_bulletin_real_figures(demo, client):
    from zhifa.bulletins import figures
    from zhifa.demo.history import HISTORY_MARK
    from zhifa.inspections.models import Inspection

    today = timezone.localdate()
    assert Inspection.objects.filter(findings__endswith=HISTORY_MARK).count() > 14 * 24 * 5
    assert "历史数据（批量生成" in demo.output
    # This month once a third of it has passed, else the last one (the generated history ends where the 30
    # days of activity begin, so early in a month this month holds only a few working days of it): the
    # activity plus what became of the history, for most boards.
    first = today.replace(day=1)
    month = first if today.day > 10 else (first - timedelta(days=1)).replace(day=1)
    current = figures.compute(month, today=today)
    assert len(current["boards"]) == 14
    busy = [
        row
        for row in current["boards"]
        if row["values"]["month"]["inspections"] and row["values"]["month"]["hazards"]
    ]
    assert len(busy) >= 11, [row["name"] for row in current["boards"] if row not in busy]
    district = current["district"]["values"]
    assert district["last_year"]["inspections"] > 0 and district["prev"]["cases_decided"] > 0
    assert all(n > 0 for n in current["district"]["trend"]["inspections"])
    assert len({row["score"] for row in current["ranking"]["rows"]}) > 3
    client.force_login(User.objects.get(username="leader"))
    assert client.get(reverse("bulletins:dashboard")).status_code == 200


# --- Case-file reviews (zhifa.demo.reviews, zhifa.reviews) ---------------------------------------------


@slow
def test_finished_review_rounds_give_results_rankings_prizes_and_the_bulletins_average_score(demo):
    from zhifa.bulletins import figures
    from zhifa.reviews import services
    from zhifa.reviews.choices import RoundKind, RoundStatus
    from zhifa.reviews.models import ReviewAssignment, ReviewRound, ScoreSheet

    today = timezone.localdate()
    boards = [b.pk for b in Region.objects.boards()]
    finished = ReviewRound.objects.filter(status=RoundStatus.FINISHED)
    review = finished.get(kind=RoundKind.REVIEW)
    contest = finished.get(kind=RoundKind.CONTEST)
    # The last full quarter, reviewed after it ended and before today; last year's contest.
    assert (review.period_start.month - 1) % 3 == 0 and review.period_start.day == 1
    assert review.period_end < review.finished_on < today and (today - review.period_end).days < 100
    assert (contest.period_start.month, contest.period_end.month, contest.period_end.day) == (1, 12, 31)
    assert contest.period_end < contest.finished_on < today
    for round_ in (review, contest):
        assert services.verify_round(round_).ok, round_  # the draw recomputes from the revealed seed
        assert not round_.assignments.exclude(status="submitted").exists()
        table = services.results(round_)
        assert len(table) >= 10 and all(row.average is not None and row.rank for row in table)
        assert len({row.average for row in table}) >= 5  # the boards differ: the ranking means something
    assert [row.award for row in services.awards(contest)] == ["first"] + ["second"] * 2 + ["third"] * 3
    # Scores around realistic values; a veto only with its reason.
    sheets = ScoreSheet.objects.filter(assignment__round__in=[review, contest])
    totals = [sheet.total for sheet in sheets if not sheet.vetoed]
    assert len(totals) >= 40 and sum(70 <= t <= 95 for t in totals) >= 0.8 * len(totals)
    assert sheets.filter(vetoed=True).count() <= 0.1 * sheets.count()
    for sheet in sheets.filter(vetoed=True):
        assert sheet.total == 0 and not sheet.passed
        assert all(len(s.note) >= 10 for s in sheet.scores.filter(vetoed=True)), sheet.pk
    # Scored by reviewers of other boards, before today (the days were replayed).
    midnight = timezone.make_aware(datetime.combine(today, time()))
    assert not sheets.filter(created_at__gte=midnight).exists()
    assert not ReviewAssignment.objects.filter(board__in=boards, reviewer__region=F("board")).exists()
    # The bulletin reads the averages for the month each round ended.
    scores = services.average_scores(boards, review.finished_on, review.finished_on)
    assert len(scores) >= 10 and all(50 <= v <= 100 for v in scores.values())
    month = figures.compute(review.finished_on.replace(day=1), today=today)
    shown = [row["values"]["month"]["case_score"] for row in month["boards"]]
    assert sum(v is not None for v in shown) >= 10 and month["district"]["values"]["month"]["case_score"]
    assert "案卷评查 3 轮" in demo.output


@slow
def test_a_demo_reviewer_finds_files_waiting_in_the_round_being_scored(demo, client):
    from zhifa.reviews.choices import RoundStatus
    from zhifa.reviews.models import ReviewRound

    round_ = ReviewRound.objects.get(status=RoundStatus.SCORING)
    assert round_.period_end < timezone.localtime(round_.scoring_started_at).date() < timezone.localdate()
    assert round_.assignments.filter(status="submitted").exists()
    waiting = round_.assignments.filter(status="pending", reviewer__username="brigade1")
    waiting = waiting.select_related("case")
    assert waiting.exists()
    client.force_login(User.objects.get(username="brigade1"))
    page = client.get(reverse("reviews:assignment_list")).content.decode()
    for assignment in waiting:
        assert assignment.case.party_name in page
        detail = client.get(assignment.get_absolute_url()).content.decode()  # the sheet beside the pre-check
        assert reverse("reviews:assignment_score", args=[assignment.pk]) in detail


@slow
def test_the_demo_refuses_a_database_with_real_data(demo):
    board = Region.objects.get(code="320412100")
    used = set(Officer.objects.values_list("id_number", flat=True))
    Officer.objects.create(
        name="真实人员",
        id_number=identifiers.id_number(random.Random(1), used, born_from=1980, born_to=1980, male=True),
        unit=board,
        post=Post.BOARD_OFFICER,
    )
    before = counts()
    with pytest.raises(CommandError, match="非演示"):
        call_command("demo", "--no-serve", "--password", PASSWORD, stdout=io.StringIO())
    assert counts() == before


def test_synth_adds_districts_worth_of_data_deterministically(settings):
    def snapshot():
        boards = Region.objects.filter(name__endswith="(2)")
        return (
            sorted(boards.values_list("code", "name")),
            sorted(Officer.objects.filter(unit__in=boards).values_list("name", "id_number")),
            sorted(
                Enterprise.objects.filter(board__in=boards).values_list("uscc", "name", "enforcement_class")
            ),
        )

    args = ("synth", "--scale", "2", "--password", PASSWORD, "--enterprises-per-district", "300")
    with transaction.atomic():
        call_command(*args, stdout=io.StringIO())
        first = snapshot()
        transaction.set_rollback(True)
    call_command(*args, stdout=io.StringIO())
    assert snapshot() == first

    today = timezone.localdate()
    assert Region.objects.boards().count() == 28
    assert Officer.objects.certified_on(today).count() == 190
    assert Officer.objects.filter(unit__code="320412").count() == 78
    assert Expert.objects.count() == 310
    copy2 = Enterprise.objects.filter(board__name__endswith="(2)")
    assert 290 <= copy2.count() <= 310
    assert set(copy2.values_list("enforcement_class", flat=True)) <= {"A", "B", "C", "D"}
    codes = list(Region.objects.boards().values_list("code", flat=True))
    assert len(set(codes)) == 28 and all(len(c) == 9 and c.startswith("320412") for c in codes)
    assert User.objects.filter(region__name__endswith="(2)").count() == 0
    assert User.objects.count() == 54

    before = counts()
    call_command(*args, stdout=io.StringIO())
    assert counts() == before
    assert audit.verify().ok


def test_fictitious_identifiers_are_valid_for_the_birth_year():
    rng, used = random.Random(7), set()
    for year in (1960, 1983, 1990, 1996, 2003):
        number = identifiers.id_number(rng, used, born_from=year, born_to=year, male=year % 2 == 0)
        ric.validate(number)
        assert int(number[16]) % 2 == (0 if year % 2 else 1)
    for prefix in ("91", "92", "12"):
        uscc.validate(identifiers.uscc(rng, used, prefix=prefix))
    # GB 11714 check characters of two published organisation codes (one ends in X).
    assert identifiers.organization_code("19220382") == "192203821"
    assert identifiers.organization_code("71526726") == "71526726X"


@slow
def test_the_demo_never_takes_over_a_real_account_of_the_same_name(demo):
    User.objects.filter(username="sysadmin").update(full_name="真实的系统管理员")
    real = User.objects.get(username="sysadmin")
    with pytest.raises(CommandError, match="sysadmin"):
        call_command("demo", "--no-serve", "--password", "Another-Passw0rd-1", stdout=io.StringIO())
    assert User.objects.get(username="sysadmin").password == real.password
    assert authenticate(username="leader", password=PASSWORD) is not None


@slow
def test_the_counts_hold_through_the_api(demo):
    """What a district leader's API client sees of the demo: 14 boards, 95 certified, 155 experts in 7 groups."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(User.objects.get(username="leader"))

    def count(path, **params):
        response = client.get(path, {"limit": 1, **params})
        assert response.status_code == 200, response.content[:300]
        return response.json()["count"]

    regions = client.get("/api/v1/regions/", {"limit": 100}).json()["results"]
    assert sum(r["kind"] != RegionKind.DISTRICT for r in regions) == 14
    assert count("/api/v1/officers/", certified="true") == 95
    assert count("/api/v1/experts/") == 155
    assert count("/api/v1/expert-groups/") == 7
    assert 7500 <= count("/api/v1/enterprises/") <= 8500
    assert all(count("/api/v1/enterprises/", enforcement_class=c) > 0 for c in "ABCD")


@slow
def test_a_board_account_sees_only_its_board_through_the_api(demo):
    from rest_framework.test import APIClient

    user = User.objects.get(username="b100_officer")
    client = APIClient()
    client.force_authenticate(user)
    mine = client.get("/api/v1/enterprises/", {"limit": 1}).json()["count"]
    assert mine == Enterprise.objects.filter(board=user.region).count()
    other = Enterprise.objects.exclude(board=user.region).first()
    assert client.get(f"/api/v1/enterprises/{other.pk}/").status_code == 404

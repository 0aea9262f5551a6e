"""The legal-review gate (法制审核): no board case is decided without the district reviewer's approval of the
very proposal decided — whatever the path (services, a direct model save, a document issue, the admin)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhifa.cases import services
from zhifa.cases.choices import CaseStatus, ReviewOutcome
from zhifa.cases.gate import GateClosed, check_decision_allowed
from zhifa.cases.models import Case, LegalReview
from zhifa.cases.tests.helpers import new_case, proposal_data, record_data, review_data, violation_type, walk
from zhifa.cases.workflow import Refused

pytestmark = pytest.mark.django_db


def test_the_board_cannot_decide_before_the_review(world):
    case = walk(world, new_case(world), until="approve_handling")
    assert case.status == CaseStatus.LEGAL_REVIEW

    for step in ("notify", "decide", "decide_no_penalty"):
        with pytest.raises(Refused):
            services.perform(case, step, world.dan, {"party_waived": True})
    case.refresh_from_db()
    assert case.decided_on is None


def test_writing_a_decision_straight_into_the_row_is_refused_by_the_model(world):
    case = walk(world, new_case(world), until="approve_handling")
    case.decided_on = timezone.localdate()
    case.fine_amount = case.proposed_fine

    with pytest.raises(GateClosed):
        case.save()

    case.refresh_from_db()
    assert case.decided_on is None


def test_issuing_a_decision_document_directly_is_refused(world):
    from zhifa.documents.services import issue

    case = walk(world, new_case(world), until="approve_handling")
    with pytest.raises(GateClosed):
        issue("penalty_decision", case, case.board, {"fields": []}, user=world.dan)


def test_the_admin_offers_no_way_to_change_a_case(world, client):
    case = new_case(world)
    client.force_login(world.sam)
    response = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert response.status_code in (403, 404)
    client.force_login(world.dan)
    response = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert response.status_code in (302, 403, 404)


def test_a_returned_case_goes_back_to_the_board_with_reasons_and_is_decided_after_a_second_round(world):
    case = walk(world, new_case(world), until="approve_handling")
    reasons = "缺少当事人营业执照复印件和违法行为现场照片，请补充"

    case = services.perform(
        case, "legal_review", world.lily, review_data("supplement", reasons, fail=("evidence",))
    )

    assert case.status == CaseStatus.INVESTIGATING
    first = case.legal_reviews.get(round=1)
    assert (first.outcome, first.opinion, first.reviewer) == (ReviewOutcome.SUPPLEMENT, reasons, world.lily)
    assert first.checklist["evidence"]["result"] == "fail"
    event = case.events.get(transition="legal_review")
    assert event.opinion == reasons
    with pytest.raises(Refused):
        services.perform(case, "notify", world.alice, {})

    case = services.perform(
        case, "record_scene", world.alice, record_data(world, content="现场勘验：车间内3名员工正在作业。")
    )
    case = services.perform(
        case,
        "submit_handling",
        world.alice,
        {"investigation_report": "补充调查后：" + case.investigation_report},
    )
    case = services.perform(
        case, "approve_handling", world.dan, {"outcome": "agree", "opinion": "补充材料后再次送审"}
    )
    second = case.legal_reviews.get(round=2)
    assert second.outcome == ""
    case = services.perform(case, "legal_review", world.lily, review_data())
    case = walk(world, case, until="decide", skip=("record_inquiry", "set_proposal"))
    assert case.status == CaseStatus.DECIDED


def test_a_proposal_changed_after_approval_needs_a_new_review(world):
    case = walk(world, new_case(world), until="legal_review")
    assert check_decision_allowed(case) is None

    case = services.perform(
        case, "reopen", world.alice, {"opinion": "当事人陈述申辩理由成立，拟调整处罚金额"}
    )
    reason = "当事人陈述申辩理由部分成立，已主动完成整改"
    case = services.perform(
        case, "set_proposal", world.alice, proposal_data(world, fine=Decimal("30000"), reason=reason)
    )

    with pytest.raises(GateClosed):
        check_decision_allowed(case)


def test_a_decided_amount_other_than_the_approved_one_is_refused(world):
    case = walk(world, new_case(world), until="notify")
    case.decided_on = timezone.localdate()
    case.fine_amount = Decimal("60000")
    with pytest.raises(GateClosed):
        case.save()


def test_a_reviewer_without_the_legal_profession_qualification_is_refused(world):
    case = walk(world, new_case(world), until="approve_handling")
    officer = world.lily.officer
    officer.legal_qualification = False
    officer.legal_qualification_number = ""
    officer.save()

    with pytest.raises(Refused) as excinfo:
        services.perform(case, "legal_review", world.lily, review_data())

    assert "法律职业资格" in excinfo.value.rule


def test_an_approval_with_a_failed_checklist_item_is_refused_by_the_form(world):
    from zhifa.cases.forms import LegalReviewForm

    case = walk(world, new_case(world), until="approve_handling")
    data = {"outcome": "approve", "opinion": ""}
    for item, value in review_data(fail=("law",))["checklist"].items():
        data[f"check_{item}"] = value["result"]
        data[f"note_{item}"] = value["note"]
    form = LegalReviewForm(data, case=case, user=world.lily)
    assert not form.is_valid()
    assert "outcome" in form.errors


def test_the_review_queue_has_a_due_date_in_working_days(world, monkeypatch):
    # Submitted on Friday 2026-02-13, the eve of the Spring Festival holiday (2026-02-15 … 02-23, with
    # make-up working Saturdays 02-14 and 02-28): ten working days are 02-14, 02-24 … 02-27, 02-28,
    # 03-02 … 03-05 — due Thursday 2026-03-05.
    import chinese_calendar

    friday = date(2026, 2, 13)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: friday)
    case = walk(world, new_case(world), until="approve_handling")

    review = case.legal_reviews.get()
    days = [d for d in chinese_calendar.get_workdays(date(2026, 2, 14), review.due_on)]
    assert len(days) == 10
    assert review.due_on == date(2026, 3, 5)
    assert LegalReview.objects.pending().restrict(world.lily, "view").filter(pk=review.pk).exists()


def test_the_service_period_after_a_national_day_decision_skips_the_holiday(world, monkeypatch):
    # Decided Wednesday 2026-09-30: 7 working days skip National Day (10-01 … 10-07) and count the
    # make-up working days of that year's arrangement.
    import chinese_calendar

    day = date(2026, 9, 30)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
    case = walk(world, new_case(world), until="decide")

    service = case.deadlines.get(rule_code="decision_service")
    assert service.start == day
    assert len(chinese_calendar.get_workdays(date(2026, 10, 1), service.due_on)) == 7
    assert chinese_calendar.is_workday(service.due_on)


def test_district_cases_follow_the_configured_rule(world):
    from zhifa.cases.gate import review_required
    from zhifa.cases.models import ProcedureRules
    from zhifa.core.testing import make_enterprise, make_officer

    officers = [world.bruce.officer, make_officer(world.district, name="布莱恩")]
    case = new_case(world, user=world.bruce, officers=officers, enterprise=make_enterprise(world.board_a))
    assert review_required(case)
    ProcedureRules.objects.update(review_all_district_cases=False)
    assert not review_required(case)
    board_case = new_case(world)
    assert review_required(board_case)


# --- Property: whatever is proposed, what is decided lies within the statute ------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fine=st.integers(min_value=0, max_value=300_000),
    reason=st.sampled_from(["", "当事人违法情节特殊，需偏离裁量基准处理"]),
)
def test_proposed_fines_are_always_within_the_statutory_range_and_departures_carry_a_reason(
    world, fine, reason
):
    from zhifa.discretion import engine

    vt = violation_type()
    # One case under investigation serves every example: a proposal may be set again and again.
    case = Case.objects.filter(status=CaseStatus.INVESTIGATING).first() or walk(
        world, new_case(world), until="record_inquiry"
    )
    before = case.proposal_version
    try:
        case = services.perform(
            case, "set_proposal", world.alice, proposal_data(world, fine=Decimal(fine), reason=reason)
        )
    except Refused:
        case.refresh_from_db()
        assert case.proposal_version == before
        outside = not (vt.min_fine <= fine <= vt.max_fine)
        tier = engine.propose(vt)
        departs = not (tier.min_fine <= fine <= tier.max_fine)
        assert outside or (departs and not reason) or fine == 0
        return
    assert vt.min_fine <= case.proposed_fine <= vt.max_fine
    tier = engine.propose(vt)
    if not (tier.min_fine <= case.proposed_fine <= tier.max_fine):
        assert len(case.deviation_reason) >= 10

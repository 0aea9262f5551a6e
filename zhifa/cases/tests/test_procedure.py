"""The lawful path of a penalty case, step by step, and the rules that refuse the unlawful one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhifa.cases import services
from zhifa.cases.choices import CaseStatus, DecisionKind, PenaltyKind, Procedure
from zhifa.cases.models import Case, CaseEvent
from zhifa.cases.tests.helpers import new_case, partner, proposal_data, record_data, review_data, walk
from zhifa.cases.workflow import Refused
from zhifa.core.audit import verify
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise, make_officer

pytestmark = pytest.mark.django_db


def rule_of(excinfo) -> str:
    return excinfo.value.rule


# --- The whole general procedure -----------------------------------------------------------------------


def test_a_case_runs_from_registration_to_archive_with_an_event_and_audit_row_per_step(world):
    case = walk(world, new_case(world), until="close")

    assert case.status == CaseStatus.CLOSED
    assert case.registration_number == f"（武）应急立〔{timezone.localdate().year}〕1号"
    assert case.decision_number.startswith("（武）应急罚〔")
    steps = list(case.events.values_list("transition", flat=True))
    assert steps == [
        "create",
        "submit_registration",
        "review_registration",
        "approve_registration",
        "record_inquiry",
        "set_proposal",
        "submit_handling",
        "approve_handling",
        "legal_review",
        "notify",
        "decide",
        "serve",
        "record_payment",
        "close",
    ]
    approval = case.events.get(transition="approve_registration")
    assert (approval.actor, approval.opinion, approval.outcome) == (world.dan, "同意立案调查", "agree")
    transitions = AuditEntry.objects.filter(action="transition", object_id=str(case.pk))
    assert transitions.count() == len(steps) - 1
    assert verify().ok


def test_registration_needs_two_officers_certified_on_the_day(world):
    lapsed = make_officer(world.board_a, name="过期", valid_to=timezone.localdate() - timedelta(days=1))
    case = new_case(world, officers=[world.alice.officer, lapsed])

    with pytest.raises(Refused) as excinfo:
        services.perform(case, "submit_registration", world.alice, {})

    assert "不得少于两人" in rule_of(excinfo)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_a_handler_may_not_review_the_registration_of_the_own_case(world):
    case = new_case(world, officers=[world.albert.officer, partner(world)], user=world.albert)
    services.perform(case, "submit_registration", world.albert, {})

    with pytest.raises(Refused) as excinfo:
        services.perform(case, "review_registration", world.albert, {"outcome": "agree", "opinion": "同意"})

    assert "承办人" in rule_of(excinfo)


def test_only_the_district_bureau_head_approves_a_board_case_registered_in_its_name(world):
    case = walk(world, new_case(world), until="review_registration")

    with pytest.raises(Refused) as excinfo:
        services.perform(case, "approve_registration", world.albert, {"outcome": "agree", "opinion": "同意"})

    assert "机关负责人" in rule_of(excinfo)


def test_a_board_with_delegated_powers_registers_in_its_own_name_and_its_leader_approves(world):
    board = world.board_a
    board.penalty_authority = "own"
    board.delegated_powers = "区政府赋权：安全生产行政处罚"
    board.agency_name = "常州市武进区湖塘镇人民政府"
    board.save()
    case = walk(world, new_case(world), until="review_registration")

    case = services.perform(
        case, "approve_registration", world.albert, {"outcome": "agree", "opinion": "同意"}
    )

    assert case.agency == board
    assert case.registration_number.startswith("（湖）")


def test_a_disagreeing_reviewer_sends_the_draft_back(world):
    case = walk(world, new_case(world), until="submit_registration")
    case = services.perform(
        case, "review_registration", world.albert, {"outcome": "disagree", "opinion": "事实不清"}
    )
    assert case.status == CaseStatus.DRAFT


def test_refused_steps_leave_no_event_no_document_and_no_change(world):
    case = walk(world, new_case(world), until="approve_registration")
    events = case.events.count()
    version = case.version

    with pytest.raises(Refused):
        services.perform(case, "submit_handling", world.alice, {"investigation_report": "x" * 30})

    case.refresh_from_db()
    assert (case.events.count(), case.version, case.status) == (events, version, CaseStatus.INVESTIGATING)


def test_a_step_from_the_wrong_state_is_refused_with_the_rule_named(world):
    case = new_case(world)
    with pytest.raises(Refused) as excinfo:
        services.perform(case, "notify", world.alice, {})
    assert rule_of(excinfo) == "办案程序顺序"


def test_a_user_without_the_step_permission_is_refused(world):
    case = walk(world, new_case(world), until="submit_registration")
    with pytest.raises(PermissionDenied):
        services.perform(case, "review_registration", world.alice, {"outcome": "agree", "opinion": "同意"})


def test_another_board_cannot_act_on_the_case(world):
    case = new_case(world)
    with pytest.raises(PermissionDenied):
        services.perform(case, "submit_registration", world.bob, {})


def test_a_case_is_never_deleted_only_revoked_with_a_reason(world):
    case = walk(world, new_case(world), until="approve_registration")
    with pytest.raises(ValidationError):
        case.delete()

    case = services.perform(
        case, "revoke", world.dan, {"opinion": "当事人已注销，违法主体消灭，依法撤销立案"}
    )

    assert case.status == CaseStatus.REVOKED
    assert Case.objects.filter(pk=case.pk).exists()
    assert "注销" in case.end_reason
    assert not case.deadlines.running().exists()


def test_events_are_immutable(world):
    case = new_case(world)
    event = case.events.get()
    event.opinion = "改写"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


# --- Discretion ------------------------------------------------------------------------------------------


def test_a_fine_outside_the_statutory_range_cannot_be_proposed_even_with_a_reason(world):
    case = walk(world, new_case(world), until="record_inquiry")
    data = proposal_data(world, fine=Decimal("150000"), reason="情节特别严重，社会影响恶劣，应当从重处罚")

    with pytest.raises(Refused) as excinfo:
        services.perform(case, "set_proposal", world.alice, data)

    assert "法定幅度" in str(excinfo.value)


def test_a_departure_from_the_proposed_tier_needs_a_written_reason_which_the_reviewer_sees(world):
    case = walk(world, new_case(world), until="record_inquiry")
    with pytest.raises(Refused):
        services.perform(case, "set_proposal", world.alice, proposal_data(world, fine=Decimal("5000")))

    reason = "当事人积极配合调查并已全部完成培训，危害后果较轻"
    case = services.perform(
        case, "set_proposal", world.alice, proposal_data(world, fine=Decimal("5000"), reason=reason)
    )
    case = walk(world, case, until="approve_handling", skip=("record_inquiry", "set_proposal"))

    review = case.legal_reviews.get()
    assert review.proposal_snapshot["deviation_reason"] == reason
    assert Decimal(review.proposal_snapshot["proposed_fine"]) == Decimal("5000")


def test_a_first_minor_violation_corrected_in_time_proposes_no_penalty(world):
    case = walk(world, new_case(world), until="record_inquiry")
    data = proposal_data(
        world, kind=DecisionKind.NO_PENALTY, first_offence=True, minor=True, corrected_in_time=True
    )

    case = services.perform(case, "set_proposal", world.alice, data)

    assert case.proposal["level"] == "no_penalty"
    assert case.decision_kind == DecisionKind.NO_PENALTY
    assert "第三十三条" in " ".join(case.proposal.get("citations", [])) or "第三十三条" in str(case.proposal)


def test_punishing_a_first_minor_violation_needs_a_reason(world):
    case = walk(world, new_case(world), until="record_inquiry")
    data = proposal_data(world, fine=Decimal("40000"), first_offence=True, minor=True, corrected_in_time=True)
    with pytest.raises(Refused):
        services.perform(case, "set_proposal", world.alice, data)


# --- Statement, hearing, decision period ---------------------------------------------------------------------


def test_no_decision_before_the_statement_period_ends_unless_the_party_waived(world):
    case = walk(world, new_case(world), until="notify")
    with pytest.raises(Refused) as excinfo:
        services.perform(case, "decide", world.dan, {"party_waived": False})
    assert "陈述" in rule_of(excinfo)

    case = services.perform(case, "decide", world.dan, {"party_waived": True})
    assert case.status == CaseStatus.DECIDED


def test_a_large_fine_gives_the_right_to_a_hearing_which_must_be_held_by_a_non_investigator(world):
    case = walk(world, new_case(world), until="record_inquiry")
    data = proposal_data(world, fine=Decimal("80000"), factors=[])
    data["deviation_reason"] = "多次违法，拒不改正，依法从重处罚"
    case = services.perform(case, "set_proposal", world.alice, data)
    case = walk(world, case, until="notify", skip=("set_proposal", "record_inquiry"))
    assert case.deadlines.filter(rule_code="hearing_request").exists()
    assert services.hearing_rights(case)

    case = services.perform(case, "request_hearing", world.alice, {"requested_on": timezone.localdate()})
    assert case.status == CaseStatus.HEARING
    with pytest.raises(Refused) as excinfo:
        services.perform(case, "decide", world.dan, {"party_waived": True})
    assert "听证" in rule_of(excinfo)

    when = timezone.now() + timedelta(days=20)
    with pytest.raises(Refused) as excinfo:
        services.perform(
            case,
            "schedule_hearing",
            world.dan,
            {"scheduled_for": when, "place": "区局听证室", "chair": world.alice.officer},
        )
    assert "非本案调查人员" in rule_of(excinfo)
    with pytest.raises(Refused):
        services.perform(
            case,
            "schedule_hearing",
            world.dan,
            {
                "scheduled_for": timezone.now() + timedelta(days=3),
                "place": "区局听证室",
                "chair": world.bruce.officer,
            },
        )
    services.perform(
        case,
        "schedule_hearing",
        world.dan,
        {"scheduled_for": when, "place": "区局听证室", "chair": world.bruce.officer},
    )


def test_a_small_fine_gives_no_hearing_right(world):
    case = walk(world, new_case(world), until="notify")
    assert not case.deadlines.filter(rule_code="hearing_request").exists()
    with pytest.raises(Refused):
        services.perform(case, "request_hearing", world.alice, {"requested_on": timezone.localdate()})


def test_the_decision_period_runs_out_unless_an_extension_was_approved(world):
    case = walk(world, new_case(world), until="notify")
    deadline = case.deadlines.get(rule_code="decision")
    deadline.due_on = timezone.localdate() - timedelta(days=1)
    deadline.save()

    with pytest.raises(Refused) as excinfo:
        services.perform(case, "decide", world.dan, {"party_waived": True})
    assert "九十日" in rule_of(excinfo)

    case = services.perform(case, "extend", world.dan, {"days": 30, "opinion": "案情复杂，需进一步鉴定"})
    current = case.deadlines.running().get(rule_code="decision")
    assert current.due_on > timezone.localdate()
    case = services.perform(case, "decide", world.dan, {"party_waived": True})
    assert case.status == CaseStatus.DECIDED


# --- Execution --------------------------------------------------------------------------------------------


def test_late_payment_surcharge_is_three_percent_a_day_and_never_more_than_the_fine(world):
    case = walk(world, new_case(world), until="serve")
    case.payment_due_on = timezone.localdate() - timedelta(days=10)
    assert services.surcharge_due(case) == Decimal("12000.00")  # 40000 × 3 % × 10
    case.payment_due_on = timezone.localdate() - timedelta(days=100)
    assert services.surcharge_due(case) == Decimal("40000.00")


def test_demand_only_after_the_term_and_court_enforcement_only_ten_days_after_the_demand(world):
    case = walk(world, new_case(world), until="serve")
    with pytest.raises(Refused):
        services.perform(case, "demand_payment", world.alice, {})

    Case.objects.filter(pk=case.pk).update(payment_due_on=timezone.localdate() - timedelta(days=1))
    case.refresh_from_db()
    case = services.perform(case, "demand_payment", world.alice, {})
    with pytest.raises(Refused) as excinfo:
        services.perform(case, "apply_enforcement", world.dan, {})
    assert "催告" in rule_of(excinfo)


def test_instalments_must_add_up_to_the_outstanding_fine(world):
    case = walk(world, new_case(world), until="serve")
    later = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError):
        services.perform(
            case,
            "approve_instalments",
            world.dan,
            {"schedule": [(later, Decimal("10000"))], "opinion": "经济困难"},
        )
    case = services.perform(
        case,
        "approve_instalments",
        world.dan,
        {
            "schedule": [(later, Decimal("20000")), (later + timedelta(days=30), Decimal("20000"))],
            "opinion": "经济困难",
        },
    )
    assert case.payment_due_on == later + timedelta(days=30)
    assert case.deadlines.running().filter(rule_code="instalment").count() == 2


def test_closing_is_refused_while_a_required_document_is_missing(world):
    case = walk(world, new_case(world), until="record_payment")
    from zhifa.cases.casefile import case_documents

    report = case_documents(case).get(kind_id="investigation_report")
    from zhifa.documents.models import IssuedDocument

    IssuedDocument.objects.filter(pk=report.pk).update(status="superseded")

    with pytest.raises(Refused) as excinfo:
        services.perform(case, "close", world.dan, {"opinion": "同意结案"})
    assert "调查报告" in str(excinfo.value)


# --- Simple procedure ---------------------------------------------------------------------------------------


def simple_case(world, *, board_case=True, party_kind="unit"):
    if board_case:
        return new_case(world, procedure=Procedure.SIMPLE)
    officers = [world.bruce.officer, make_officer(world.district, name="布莱恩")]
    enterprise = make_enterprise(world.board_a, name="武进区某某五金加工厂")
    return new_case(
        world, user=world.bruce, enterprise=enterprise, officers=officers, procedure=Procedure.SIMPLE
    )


def test_on_the_spot_fines_are_capped_at_3000_for_a_unit(world):
    case = simple_case(world, board_case=False)
    data = proposal_data(world, fine=Decimal("3500"), reason="当场处罚，违法行为轻微但未及时改正")
    with pytest.raises(Refused) as excinfo:
        services.perform(case, "set_proposal", world.bruce, data)
    assert "当场处罚" in rule_of(excinfo)


def test_the_brigade_decides_on_the_spot_without_review_and_files_afterwards(world):
    case = simple_case(world, board_case=False)
    reason = "当场处罚适用简易程序，罚款数额受法定上限限制"
    case = services.perform(
        case, "set_proposal", world.bruce, proposal_data(world, fine=Decimal("2000"), reason=reason)
    )
    case = services.perform(
        case, "decide_on_spot", world.bruce, {"served_to": "李四", "place": "厂区门口", "paid_on_spot": False}
    )
    assert case.status == CaseStatus.EXECUTING
    assert case.decision_number
    case = services.perform(
        case,
        "record_payment",
        world.bruce,
        {"kind": "fine", "amount": Decimal("2000"), "paid_on": timezone.localdate()},
    )
    with pytest.raises(Refused) as excinfo:
        services.perform(case, "close", world.dan, {})
    assert "备案" in str(excinfo.value)
    case = services.perform(case, "file_simple", world.dan, {})
    case = services.perform(case, "close", world.dan, {"opinion": "同意"})
    assert case.status == CaseStatus.CLOSED


def test_a_board_on_the_spot_penalty_also_waits_for_the_district_legal_review(world):
    case = simple_case(world)
    reason = "当场处罚适用简易程序，罚款数额受法定上限限制"
    case = services.perform(
        case, "set_proposal", world.alice, proposal_data(world, fine=Decimal("2000"), reason=reason)
    )
    with pytest.raises(Refused) as excinfo:
        services.perform(
            case,
            "decide_on_spot",
            world.alice,
            {"served_to": "王建国", "place": "厂区", "paid_on_spot": False},
        )
    assert "法制审核" in rule_of(excinfo)

    case = services.perform(case, "submit_simple_review", world.alice, {})
    case = services.perform(case, "legal_review", world.lily, review_data())
    with pytest.raises(Refused) as excinfo:  # art. 68: only fines up to 100 元 are collected on the spot
        services.perform(
            case,
            "decide_on_spot",
            world.alice,
            {"served_to": "王建国", "place": "厂区", "paid_on_spot": True, "receipt_number": "苏财罚0001"},
        )
    assert "第六十八条" in rule_of(excinfo)
    case = services.perform(
        case,
        "decide_on_spot",
        world.alice,
        {"served_to": "王建国", "place": "厂区", "paid_on_spot": False, "receipt_number": ""},
    )
    assert case.status == CaseStatus.EXECUTING
    assert case.payment_due_on is not None
    assert case.served_on == case.decided_on


# --- Evidence and records --------------------------------------------------------------------------------------


def test_investigation_records_need_two_certified_officers(world):
    case = walk(world, new_case(world), until="approve_registration")
    helper = make_officer(world.board_a, name="协管员", certified=False)
    with pytest.raises(Refused):
        services.perform(
            case, "record_inquiry", world.alice, record_data(world, officers=[world.alice.officer, helper])
        )


def test_evidence_preserved_must_be_decided_on_before_the_report(world):
    case = walk(world, new_case(world), until="set_proposal")
    case = services.perform(
        case,
        "preserve_evidence",
        world.dan,
        {
            "items": "未培训人员名单1份",
            "place": "区局证据室",
            "started_on": timezone.localdate(),
            "opinion": "同意",
        },
    )
    deadline = case.deadlines.get(rule_code="preservation_decision")
    assert deadline.due_on > timezone.localdate()
    with pytest.raises(Refused) as excinfo:
        services.perform(
            case,
            "submit_handling",
            world.alice,
            {"investigation_report": "调查报告：" + "事实清楚证据确凿" * 3},
        )
    assert "七日" in rule_of(excinfo)

    preservation = case.preservations.get()
    services.perform(
        case, "decide_preservation", world.alice, {"preservation": preservation, "outcome": "return"}
    )
    case.refresh_from_db()
    assert case.deadlines.get(rule_code="preservation_decision").met_at is not None
    services.perform(
        case, "submit_handling", world.alice, {"investigation_report": "调查报告：" + "事实清楚证据确凿" * 3}
    )


def test_every_step_names_a_handler_and_a_form():
    from zhifa.cases import forms, workflow

    for step in workflow.STEPS:
        assert step.name in services.HANDLERS
        assert hasattr(forms, step.form), step.form


def test_a_step_writes_exactly_one_event(world):
    case = new_case(world)
    before = CaseEvent.objects.count()
    services.perform(case, "submit_registration", world.alice, {})
    assert CaseEvent.objects.count() == before + 1


def test_penalty_kinds_must_accompany_a_fine():
    from zhifa.cases.forms import ProposalForm

    form = ProposalForm(
        {"decision_kind": "penalty", "penalty_kinds": [PenaltyKind.WARNING], "proposed_fine": "1000"},
        case=None,
    )
    assert not form.is_valid()
    assert "penalty_kinds" in form.errors


def test_docs_print_the_transition_table_as_the_code_has_it():
    from pathlib import Path

    from django.conf import settings as django_settings

    from zhifa.cases.workflow import as_markdown

    text = (Path(django_settings.BASE_DIR).parent / "docs" / "cases.md").read_text(encoding="utf-8")
    start = text.index("<!-- transition table: generated -->\n") + len(
        "<!-- transition table: generated -->\n"
    )
    end = text.index("<!-- end of generated table -->")
    assert text[start:end] == as_markdown(), "docs/cases.md is stale: paste workflow.as_markdown() into it"

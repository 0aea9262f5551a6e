"""The domain rules of inspections, met directly through ``services`` (the pages only call them).

The two-officers rule (行政处罚法 art. 42): a record is signed only by at least two officers holding
certificates valid on the inspection date; experts and safety managers never count; an officer of
another board takes part only when seconded, paired, or on a cross-enforcement inspection.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from zhifa.core.testing import make_enterprise, make_expert, make_inspection, make_officer, today
from zhifa.inspections import services
from zhifa.inspections.choices import (
    HazardStatus,
    InspectionStatus,
    ItemResult,
    ReviewOutcome,
)
from zhifa.inspections.models import Hazard
from zhifa.orgs.choices import CertificateStatus
from zhifa.orgs.models import Secondment

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(world):
    return make_enterprise(world.board_a, name="湖塘精密机械有限公司")


def sign(inspection, user):
    return services.sign_off(inspection, user=user)


def refusal(inspection, user) -> list[str]:
    with pytest.raises(services.RuleViolation) as caught:
        sign(inspection, user)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT
    return caught.value.messages


# --- Who may inspect --------------------------------------------------------------------------------


def test_sign_off_is_refused_with_one_officer(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer], complete=True)
    problems = refusal(inspection, world.alice)
    assert problems[0].startswith(services.TWO_OFFICERS_RULE)
    assert "只有 1 名" in problems[0]


def test_two_board_officers_with_valid_certificates_sign_and_the_record_is_issued(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.albert.officer], complete=True)
    signed = sign(inspection, world.alice)
    assert signed.status == InspectionStatus.SIGNED_OFF
    assert signed.signed_off_by == world.alice
    assert signed.document is not None and signed.document.number
    assert {m.basis for m in signed.team.all()} == {"own_board"}


def test_a_certificate_that_expired_the_day_before_the_inspection_does_not_count(world, enterprise):
    on = today() - timedelta(days=10)
    lapsed = make_officer(
        world.board_a, name="过期者", valid_from=on - timedelta(days=700), valid_to=on - timedelta(days=1)
    )
    inspection = make_inspection(enterprise, [world.alice.officer, lapsed], complete=True, on=on)
    problems = refusal(inspection, world.alice)
    assert problems[0].startswith(services.TWO_OFFICERS_RULE)
    assert any("过期者" in p and on.isoformat() in p for p in problems)


def test_a_certificate_valid_on_the_inspection_date_counts_even_if_it_expired_since(world, enterprise):
    on = today() - timedelta(days=10)
    since_lapsed = make_officer(
        world.board_a, valid_from=on - timedelta(days=700), valid_to=on + timedelta(days=1)
    )
    inspection = make_inspection(enterprise, [world.alice.officer, since_lapsed], complete=True, on=on)
    assert sign(inspection, world.alice).status == InspectionStatus.SIGNED_OFF


def test_a_safety_manager_is_not_the_second_officer(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.amy.officer], complete=True)
    problems = refusal(inspection, world.alice)
    assert problems[0].startswith(services.TWO_OFFICERS_RULE)
    assert any("艾米" in p for p in problems)


def test_an_expert_does_not_count_toward_the_two(world, enterprise):
    inspection = make_inspection(
        enterprise, [world.alice.officer], complete=True, expert=make_expert(name="专家甲")
    )
    problems = refusal(inspection, world.alice)
    assert problems[0].startswith(services.TWO_OFFICERS_RULE)


def test_an_officer_of_another_board_is_refused_without_cross_enforcement(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.bob.officer], complete=True)
    problems = refusal(inspection, world.alice)
    assert problems[0].startswith(services.TWO_OFFICERS_RULE)
    assert any("鲍勃" in p and "交叉执法" in p for p in problems)


def test_an_officer_of_another_board_is_allowed_on_a_cross_enforcement_inspection(world, enterprise):
    inspection = make_inspection(
        enterprise, [world.alice.officer, world.bob.officer], complete=True, cross_enforcement=True
    )
    signed = sign(inspection, world.dan)
    assert signed.status == InspectionStatus.SIGNED_OFF
    assert signed.team.get(officer=world.bob.officer).basis == "cross"


def test_a_brigade_officer_may_inspect_in_any_board(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.bruce.officer], complete=True)
    signed = sign(inspection, world.alice)
    assert signed.team.get(officer=world.bruce.officer).basis == "district"


def test_a_seconded_brigade_officer_takes_part_as_seconded(world, enterprise):
    Secondment.objects.create(officer=world.bruce.officer, region=world.board_a, start=today())
    inspection = make_inspection(enterprise, [world.alice.officer, world.bruce.officer], complete=True)
    assert sign(inspection, world.alice).team.get(officer=world.bruce.officer).basis == "secondment"


def test_a_suspended_certificate_counts_as_none(world, enterprise):
    certificate = world.albert.officer.certificates.get()
    certificate.status, certificate.status_reason = CertificateStatus.SUSPENDED, "暂扣：调查中"
    certificate.save()
    inspection = make_inspection(enterprise, [world.alice.officer, world.albert.officer], complete=True)
    problems = refusal(inspection, world.alice)
    assert problems[0].startswith(services.TWO_OFFICERS_RULE)
    assert any("艾伯特" in p for p in problems)


def test_every_problem_is_returned_at_once(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.amy.officer, world.bob.officer])
    problems = refusal(inspection, world.alice)
    # Without a date the team cannot be checked; the missing fields are all named.
    assert "请填写检查开始和结束时间" in problems
    assert "请填写检查场所" in problems
    assert "请填写被检查单位现场负责人" in problems
    assert any("未填写结果" in p for p in problems)


# --- Complete records ---------------------------------------------------------------------------------


def test_a_draft_with_blank_items_is_refused(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.albert.officer], complete=True)
    first = inspection.results.order_by("item__order").first()
    services.save_results(inspection, {first.item_id: (ItemResult.BLANK, "")})
    assert "还有 1 个检查项未填写结果" in refusal(inspection, world.alice)


def test_a_draft_without_times_or_place_is_refused(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.albert.officer], complete=True)
    inspection.ended_at, inspection.place = None, " "
    inspection.save()
    problems = refusal(inspection, world.alice)
    assert "请填写检查开始和结束时间" in problems and "请填写检查场所" in problems


def test_a_non_compliant_item_needs_its_hazard_before_sign_off(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.albert.officer], complete=True)
    row = inspection.results.select_related("item").first()
    services.save_results(inspection, {row.item_id: (ItemResult.NON_COMPLIANT, "")})
    assert any("尚未登记隐患" in p for p in refusal(inspection, world.alice))
    services.add_hazard(inspection, description=row.item.text, item=row.item, user=world.alice)
    assert sign(inspection, world.alice).status == InspectionStatus.SIGNED_OFF


def test_a_hazard_of_an_item_citing_a_major_hazard_article_is_major(world, enterprise):
    from zhifa.core.testing import make_checklist

    checklist = make_checklist(code="major", items=2, major_items=(2,))
    inspection = make_inspection(enterprise, [world.alice.officer], checklist=checklist)
    items = list(checklist.items.order_by("order"))
    general = services.add_hazard(inspection, description="一般", item=items[0])
    major = services.add_hazard(inspection, description="重大", item=items[1])
    assert (general.level, major.level) == ("general", "major")


def test_a_signed_record_cannot_be_edited(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.albert.officer], complete=True)
    signed = sign(inspection, world.alice)
    row = signed.results.first()
    with pytest.raises(services.RuleViolation, match="已签署"):
        services.save_results(signed, {row.item_id: (ItemResult.NOT_APPLICABLE, "改")})
    with pytest.raises(services.RuleViolation, match="已签署"):
        services.set_team(signed, [world.alice.officer])
    with pytest.raises(services.RuleViolation, match="已签署"):
        sign(signed, world.alice)


def test_a_stale_version_is_refused(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer])
    row = inspection.results.first()
    version = inspection.version
    services.save_results(inspection, {row.item_id: (ItemResult.COMPLIANT, "")}, expected_version=version)
    with pytest.raises(services.RuleViolation, match="其他设备"):
        services.save_results(
            inspection, {row.item_id: (ItemResult.NOT_APPLICABLE, "")}, expected_version=version
        )
    row.refresh_from_db()
    assert row.result == ItemResult.COMPLIANT


# --- Hazards, rectification and re-inspection --------------------------------------------------------


@pytest.fixture
def signed_with_hazards(world, enterprise):
    inspection = make_inspection(enterprise, [world.alice.officer, world.albert.officer], complete=True)
    first = services.add_hazard(inspection, description="消防通道堵塞", user=world.alice)
    second = services.add_hazard(inspection, description="配电箱未上锁", user=world.alice)
    return sign(inspection, world.alice), first, second


def test_a_hazard_cannot_be_closed_except_by_re_inspection(world, signed_with_hazards):
    _inspection, hazard, _other = signed_with_hazards
    with pytest.raises(services.RuleViolation, match="复查"):
        services.move_hazard(hazard, HazardStatus.CLOSED, user=world.alice)
    services.move_hazard(hazard, HazardStatus.RECTIFYING, user=world.alice, note="企业已开始整改")
    with pytest.raises(services.RuleViolation, match="复查"):
        services.move_hazard(hazard, HazardStatus.CLOSED, user=world.alice)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    assert [e.to_status for e in hazard.events.all()] == [HazardStatus.PENDING, HazardStatus.RECTIFYING]


def test_re_inspection_lists_only_open_hazards_and_closes_or_keeps_each(world, signed_with_hazards):
    inspection, first, second = signed_with_hazards
    deadline = today() + timedelta(days=15)
    order = services.issue_rectification_order(
        inspection, {first.pk: deadline, second.pk: deadline}, user=world.alice
    )
    assert order.document is not None
    # Given a first re-inspection that closes one hazard and keeps the other
    review = services.start_reinspection(
        order, user=world.alice, officers=[world.alice.officer, world.albert.officer]
    )
    assert {o.hazard_id for o in review.outcomes.all()} == {first.pk, second.pk}
    review.inspected_at = review.created_at
    review.opinion = "一项整改合格，一项继续整改"
    review.save()
    later = today() + timedelta(days=30)
    # (the phone form pre-fills a new deadline on every row, including the one closed)
    review.outcomes.filter(hazard=first).update(
        outcome=ReviewOutcome.CLOSED, note="已清理", new_deadline=later
    )
    review.outcomes.filter(hazard=second).update(outcome=ReviewOutcome.KEPT, new_deadline=later)
    services.sign_off_reinspection(review, user=world.alice)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HazardStatus.CLOSED and first.closed_at is not None
    assert review.outcomes.get(hazard=first).new_deadline is None
    assert second.status == HazardStatus.RECTIFYING and second.deadline == later
    # Then the next re-inspection lists only the hazard still open
    again = services.start_reinspection(order, user=world.alice)
    assert [o.hazard_id for o in again.outcomes.all()] == [second.pk]


def test_a_re_inspection_needs_a_conclusion_for_every_hazard_and_two_officers(world, signed_with_hazards):
    inspection, first, _second = signed_with_hazards
    order = services.issue_rectification_order(
        inspection, {first.pk: today() + timedelta(days=5)}, user=world.alice
    )
    review = services.start_reinspection(order, user=world.alice, officers=[world.alice.officer])
    review.inspected_at = review.created_at
    review.save()
    with pytest.raises(services.RuleViolation) as caught:
        services.sign_off_reinspection(review, user=world.alice)
    problems = caught.value.messages
    assert problems[0].startswith(services.TWO_OFFICERS_RULE)
    assert any("复查结论" in p for p in problems) and "请填写复查意见" in problems


def test_overdue_is_derived_from_the_deadline(world, signed_with_hazards):
    _inspection, first, second = signed_with_hazards
    Hazard.objects.filter(pk=first.pk).update(deadline=today() - timedelta(days=1))
    Hazard.objects.filter(pk=second.pk).update(deadline=today())
    first.refresh_from_db()
    second.refresh_from_db()
    assert list(Hazard.objects.overdue()) == [first]
    assert first.is_overdue() and not second.is_overdue()
    assert not first.is_overdue(today() - timedelta(days=2))
    # A closed hazard is never overdue, whatever its deadline
    Hazard.objects.filter(pk=first.pk).update(status=HazardStatus.CLOSED)
    assert not Hazard.objects.overdue().exists()

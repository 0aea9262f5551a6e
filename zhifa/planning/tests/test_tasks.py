"""Tasks: starting the inspection of a drawn task, completion on sign-off, swaps by the board leader with
a verifiable replacement, cancellation with a reason, and targeted tasks made by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhifa.core.roles import Role
from zhifa.core.testing import make_enterprise, make_expert, make_officer, make_user
from zhifa.inspections.choices import InspectionOrigin, InspectionStatus
from zhifa.inspections.services import RuleViolation
from zhifa.orgs.choices import Post
from zhifa.planning import services
from zhifa.planning.choices import SwapReason, SwapRole, TargetedReason, TaskKind, TaskStatus
from zhifa.planning.models import OfficerConflict, Task, TaskEvent, TaskSwap
from zhifa.planning.tests.helpers import FAST, group, next_month, officer_with, quiet_world
from zhifa.planning.workdays import working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(world):
    """One drawn task of 湖塘镇 (four certified officers and two chemical experts to choose from)."""
    year, month = next_month()
    quiet_world()
    board = world.board_a
    world.officers = [
        officer_with(board, post, "full", year, month)
        for post in (Post.BOARD_LEADER, Post.BOARD_OFFICER, Post.BOARD_OFFICER, Post.BOARD_OFFICER)
    ]
    make_expert([group("chem")])
    make_expert([group("chem")])
    make_enterprise(board, industry="2614")
    outcome = services.run_draw(
        user=world.dan, year=year, month=month, board=board, quotas={board.pk: 1}, engine_params=FAST
    )
    return outcome.draw.tasks.get()


def test_starting_a_task_opens_the_inspection_with_the_drawn_team_and_the_groups_checklist(task, world):
    inspection = services.start_inspection_for_task(task, world.alice)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.inspection == inspection
    assert list(inspection.team.values_list("officer_id", flat=True)) == task.officer_ids
    assert inspection.expert_id == task.expert_id
    assert inspection.origin == InspectionOrigin.PLANNED and not inspection.cross_enforcement
    assert inspection.checklist.expert_group.code == "chem"
    assert inspection.status == InspectionStatus.DRAFT


def test_a_task_counts_when_its_inspection_is_signed_off(task, world):
    inspection = services.start_inspection_for_task(task, world.alice)
    assert not Task.objects.counted().exists()
    inspection.status = InspectionStatus.SIGNED_OFF
    inspection.save(update_fields=["status"])
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert list(Task.objects.counted()) == [task]
    quota = services.monthly_quota(task.board, task.planned_date.year, task.planned_date.month)
    assert quota["done"] == 1 and quota["random_tasks"] == 1


def test_a_board_officer_may_not_swap_and_a_leader_of_another_board_may_not_either(task, world):
    other_leader = make_user("bella", Role.BOARD_LEADER, region=world.board_b)
    for user in (world.alice, other_leader, world.dan):
        with pytest.raises(PermissionDenied):
            services.swap_member(
                task,
                user=user,
                role=SwapRole.OFFICER,
                outgoing_id=task.officer_1_id,
                reason_kind=SwapReason.ILLNESS,
                reason="住院",
            )


def test_the_board_leader_swaps_with_a_reason_and_the_replacement_is_drawn_verifiably(task, world):
    with pytest.raises(ValidationError):
        services.swap_member(
            task,
            user=world.albert,
            role=SwapRole.OFFICER,
            outgoing_id=task.officer_1_id,
            reason_kind="illness",
            reason=" ",
        )
    leaving, staying = task.officer_1_id, task.officer_2_id
    swap = services.swap_member(
        task,
        user=world.albert,
        role=SwapRole.OFFICER,
        outgoing_id=leaving,
        reason_kind=SwapReason.CONFLICT,
        reason="其配偶在该企业任职",
    )
    task.refresh_from_db()
    assert swap.incoming_id not in (leaving, staying)
    assert set(task.officer_ids) == {swap.incoming_id, staying}
    # A newly discovered conflict is declared, so later draws respect it too.
    assert OfficerConflict.objects.filter(officer_id=leaving, enterprise=task.enterprise).exists()
    assert swap.counter == 1 and task.draw.swap_counter == 1
    assert services.verify_draw(task.draw).ok
    # The swap is verified too: a different stored replacement is found out.
    TaskSwap.objects.filter(pk=swap.pk).update(incoming_id=leaving)
    report = services.verify_draw(task.draw)
    assert not report.ok and any("换人 #1" in line for line in report.differences)


def test_an_expert_swap_draws_another_expert_of_the_group(task, world):
    swap = services.swap_member(
        task,
        user=world.albert,
        role=SwapRole.EXPERT,
        outgoing_id=task.expert_id,
        reason_kind=SwapReason.ILLNESS,
        reason="出差",
    )
    task.refresh_from_db()
    assert task.expert_id == swap.incoming_id != swap.outgoing_id
    assert task.expert.groups.filter(code="chem").exists()


def test_a_swap_with_nobody_left_says_so(task, world):
    task.expert.__class__.objects.exclude(pk=task.expert_id).update(active=False)
    with pytest.raises(RuleViolation, match="没有符合条件的替换专家"):
        services.swap_member(
            task,
            user=world.albert,
            role=SwapRole.EXPERT,
            outgoing_id=task.expert_id,
            reason_kind=SwapReason.ILLNESS,
            reason="出差",
        )


def test_a_task_is_cancelled_only_with_a_reason_and_kept(task, world):
    with pytest.raises(ValidationError):
        services.cancel_task(task, user=world.albert, reason="")
    services.cancel_task(task, user=world.albert, reason="企业已停产")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.cancel_reason == "企业已停产"
    assert TaskEvent.objects.filter(task=task, to_status=TaskStatus.CANCELLED).exists()
    with pytest.raises(RuleViolation):
        services.start_inspection_for_task(task, world.alice)


def test_a_targeted_task_needs_a_reason_and_a_lawful_team(world):
    year, month = next_month()
    enterprise = make_enterprise(world.board_a)
    day = working_days(year, month)[0]
    officers = [world.alice.officer, world.albert.officer]
    with pytest.raises(ValidationError):
        services.create_targeted_task(
            user=world.albert,
            enterprise=enterprise,
            planned_date=day,
            reason_kind=TargetedReason.COMPLAINT,
            reason="",
            officers=officers,
        )
    OfficerConflict.objects.create(officer=world.alice.officer, enterprise=enterprise, reason="亲属")
    with pytest.raises(RuleViolation, match="回避"):
        services.create_targeted_task(
            user=world.albert,
            enterprise=enterprise,
            planned_date=day,
            reason_kind=TargetedReason.COMPLAINT,
            reason="群众举报违规动火",
            officers=officers,
        )
    targeted = services.create_targeted_task(
        user=world.albert,
        enterprise=enterprise,
        planned_date=day,
        reason_kind=TargetedReason.COMPLAINT,
        reason="群众举报违规动火",
        officers=[world.albert.officer, make_officer(world.board_a)],
        expert=world.eve.expert,
    )
    assert targeted.kind == TaskKind.TARGETED and targeted.draw is None
    inspection = services.start_inspection_for_task(targeted, world.albert)
    assert inspection.origin == InspectionOrigin.COMPLAINT


def test_a_cross_enforcement_officer_reaches_their_own_task_and_its_inspection_in_another_board(world):
    """Officers of 牛塘镇 drawn across board lines for a 湖塘镇 enterprise work on that task and its record;
    their colleagues who were not drawn still see nothing of 湖塘镇."""
    from zhifa.inspections.models import Inspection

    year, month = next_month()
    quiet_world()
    drawn = [officer_with(world.board_b, Post.BOARD_OFFICER, "full", year, month) for _ in range(2)]
    make_expert([group("chem")])
    make_enterprise(world.board_a, industry="2614")
    outcome = services.run_draw(
        user=world.dan,
        year=year,
        month=month,
        board=world.board_a,
        cross=True,
        quotas={world.board_a.pk: 1},
        engine_params=FAST,
    )
    task = outcome.draw.tasks.get()
    assert set(task.officer_ids) == {o.pk for o in drawn}
    member = make_user("niu_cross", Role.BOARD_OFFICER, region=world.board_b, officer=drawn[0])

    assert Task.objects.restrict(member, "view").filter(pk=task.pk).exists()
    assert not Task.objects.restrict(world.bob, "view").filter(pk=task.pk).exists()
    inspection = services.start_inspection_for_task(task, member)
    assert inspection.cross_enforcement
    assert Inspection.objects.restrict(member, "change").filter(pk=inspection.pk).exists()
    assert not Inspection.objects.restrict(world.bob, "view").filter(pk=inspection.pk).exists()

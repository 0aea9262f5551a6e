"""Planning pages: the plan with its chart, quotas, draws (commitment, seed, pools, verification), task
lists and the task's actions; access by role and board, bad input, constant queries per list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.core.roles import Role
from zhifa.core.testing import make_enterprise, make_expert, make_officer, make_user
from zhifa.orgs.choices import Post
from zhifa.planning import plan as plans
from zhifa.planning import services
from zhifa.planning.choices import DrawStatus, PlanStatus, SwapReason, TaskKind, TaskStatus
from zhifa.planning.models import Draw, Task, TaskSwap
from zhifa.planning.tests.helpers import FAST, group, next_month, officer_with, quiet_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(world):
    """A draw of 湖塘镇 for next month with one task (four certified officers, two chemical experts)."""
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
    return outcome.draw


def make_tasks(world, n: int, board=None) -> list[Task]:
    board = board or world.board_a
    a, b = make_officer(board), make_officer(board)
    expert = make_expert([group("chem")])
    return [
        Task.objects.create(
            enterprise=make_enterprise(board),
            board=board,
            planned_date=f"2026-12-{(i % 20) + 1:02d}",
            officer_1=a,
            officer_2=b,
            expert=expert,
            kind=TaskKind.RANDOM,
            created_by=world.dan,
        )
        for i in range(n)
    ]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- access -----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_admins_are_refused(web, world):
    url = reverse("planning:task_list")
    response = web(None).get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert web(world.sam).get(url).status_code == 403
    assert web(world.sam).get(reverse("planning:draw_list")).status_code == 403


def test_a_task_of_another_board_is_not_found(web, world, drawn):
    task = drawn.tasks.get()
    assert web(world.alice).get(reverse("planning:task_detail", args=[task.pk])).status_code == 200
    assert web(world.bob).get(reverse("planning:task_detail", args=[task.pk])).status_code == 404


def test_my_tasks_lists_the_officers_and_the_experts_tasks_only(web, world, drawn):
    task = drawn.tasks.get()
    officer_user = make_user("member", Role.BOARD_OFFICER, region=world.board_a, officer=task.officer_1)
    expert_user = make_user("expert2", Role.EXPERT, expert=task.expert)
    for user in (officer_user, expert_user):
        page = web(user).get(reverse("planning:task_mine"))
        assert page.status_code == 200
        assert task.enterprise.name in page.content.decode()
        assert web(user).get(reverse("planning:task_detail", args=[task.pk])).status_code == 200
    assert task.enterprise.name not in web(world.alice).get(reverse("planning:task_mine")).content.decode()
    # the expert sees no other task
    other = make_tasks(world, 1)[0]
    assert web(expert_user).get(reverse("planning:task_detail", args=[other.pk])).status_code == 404


# --- plan -------------------------------------------------------------------------------------------


def test_plan_page_shows_required_against_capacity_with_the_chart_and_the_leader_approves(web, world):
    plan = plans.build_plan(user=world.dan, year=2026)
    plans.submit_plan(plan, user=world.bruce)
    page = web(world.alice).get(reverse("planning:plan_detail", args=[plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "检查能力" in html and "应检查" in html
    # only the district leader approves
    assert web(world.bruce).post(reverse("planning:plan_approve", args=[plan.pk])).status_code == 403
    response = web(world.dan).post(reverse("planning:plan_approve", args=[plan.pk]), {"opinion": "同意"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    # a new version needs its reason
    web(world.dan).post(reverse("planning:plan_revise", args=[plan.pk]), {"reason": ""})
    assert plans.latest_plan(plan.district, 2026) == plan
    response = web(world.dan).post(
        reverse("planning:plan_revise", args=[plan.pk]), {"reason": "企业名录更新"}
    )
    assert response.status_code == 302
    new = plans.latest_plan(plan.district, 2026)
    assert new.version == 2 and new.reason == "企业名录更新"
    assert web(world.alice).get(reverse("planning:quotas") + "?month=2026-12").status_code == 200
    assert web(world.alice).get(reverse("planning:quotas") + "?month=bad").status_code == 200


def test_a_shortfall_is_highlighted(web, world):
    plan = plans.build_plan(user=world.dan, year=2026)
    row = plan.board_months.filter(board=world.board_a, month=3).get()
    row.required, row.capacity, row.shortfall = 50, 10, True
    row.save()
    html = web(world.alice).get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert 'class="shortfall"' in html and "#c62828" in html


# --- draws ------------------------------------------------------------------------------------------


def test_draw_page_shows_commitment_seed_pools_result_and_verifies(web, world, drawn):
    client = web(world.alice)
    html = client.get(reverse("planning:draw_detail", args=[drawn.pk])).content.decode()
    task = drawn.tasks.get()
    for value in (drawn.commitment, drawn.seed_hex, drawn.pool_hash, drawn.algorithm_version):
        assert value in html
    assert task.enterprise.name in html and task.officer_1.name in html and task.expert.name in html
    pools = client.get(reverse("planning:draw_pools", args=[drawn.pk]))
    assert pools.status_code == 200 and pools.content.decode() == drawn.pool_json
    verified = client.post(reverse("planning:draw_verify", args=[drawn.pk]))
    assert verified.status_code == 200 and "复核通过" in verified.content.decode()


def test_new_draw_form_refuses_bad_input_and_other_boards(web, world):
    year, month = next_month()
    url = reverse("planning:draw_add")
    assert web(world.alice).get(url).status_code == 403
    response = web(world.albert).post(url, {"month": "13-2026"})
    assert response.status_code == 200 and "YYYY-MM" in response.content.decode()
    # a board leader may not draw for the whole district
    response = web(world.albert).post(url, {"month": f"{year}-{month:02d}"})
    assert response.status_code == 200 and "区局组织" in response.content.decode()
    assert not Draw.objects.exists()


def test_redraw_needs_a_reason_and_supersedes(web, world, drawn):
    url = reverse("planning:draw_redraw", args=[drawn.pk])
    assert web(world.dan).get(url).status_code == 200
    response = web(world.dan).post(url, {"reason": "  "})
    assert response.status_code == 200
    drawn.refresh_from_db()
    assert drawn.status == DrawStatus.DRAWN
    response = web(world.dan).post(url, {"reason": "执法人员名单更新"})
    assert response.status_code == 302
    drawn.refresh_from_db()
    assert drawn.status == DrawStatus.SUPERSEDED


# --- tasks ------------------------------------------------------------------------------------------


def test_start_inspection_opens_the_draft_with_the_team(web, world, drawn):
    task = drawn.tasks.get()
    response = web(world.alice).post(reverse("planning:task_start", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:inspection_edit", args=[task.inspection_id])
    # a second start is refused with a message, not an error
    again = web(world.alice).post(reverse("planning:task_start", args=[task.pk]))
    assert again.status_code == 302 and again["Location"].endswith(f"/tasks/{task.pk}/")


def test_swap_needs_a_reason_and_shows_the_replacement(web, world, drawn):
    task = drawn.tasks.get()
    url = reverse("planning:task_swap", args=[task.pk])
    assert web(world.alice).get(url).status_code == 403
    assert web(world.albert).get(url).status_code == 200
    member = f"officer:{task.officer_1_id}"
    response = web(world.albert).post(
        url, {"member": member, "reason_kind": SwapReason.ILLNESS, "reason": ""}
    )
    assert response.status_code == 400 and not TaskSwap.objects.exists()
    response = web(world.albert).post(
        url, {"member": member, "reason_kind": SwapReason.ILLNESS, "reason": "住院"}, follow=True
    )
    swap = TaskSwap.objects.get()
    task.refresh_from_db()
    assert swap.incoming_id in task.officer_ids and swap.outgoing_id not in task.officer_ids
    html = response.content.decode()
    assert "已换人" in html and "住院" in html


def test_cancel_needs_a_reason(web, world, drawn):
    task = drawn.tasks.get()
    url = reverse("planning:task_cancel", args=[task.pk])
    assert web(world.alice).post(url, {"reason": "x"}).status_code == 403
    web(world.albert).post(url, {"reason": ""})
    task.refresh_from_db()
    assert task.status == TaskStatus.PLANNED
    web(world.albert).post(url, {"reason": "企业已停产"})
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.cancel_reason == "企业已停产"


def test_targeted_task_needs_a_reason(web, world):
    enterprise = make_enterprise(world.board_a)
    a, b = make_officer(world.board_a), make_officer(world.board_a)
    url = reverse("planning:task_add")
    data = {
        "enterprise": enterprise.pk,
        "planned_date": "2026-12-15",
        "reason_kind": "complaint",
        "reason": "",
        "officer_1": a.pk,
        "officer_2": b.pk,
    }
    response = web(world.albert).post(url, data)
    assert response.status_code == 200 and not Task.objects.exists()
    response = web(world.albert).post(url, {**data, "reason": "群众举报夜间违规作业"})
    task = Task.objects.get()
    assert response.status_code == 302 and task.kind == TaskKind.TARGETED


# --- constant queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["planning:task_list", "planning:task_mine"])
def test_task_lists_run_a_constant_number_of_queries(web, world, name):
    officer_user = make_user("member", Role.BOARD_OFFICER, region=world.board_a)
    tasks = make_tasks(world, 3)
    officer_user.officer = tasks[0].officer_1
    officer_user.save()
    client = web(officer_user)
    few = queries(client, reverse(name))
    make_tasks(world, 17)
    Task.objects.filter(officer_1__isnull=False).update(officer_1=tasks[0].officer_1)
    assert queries(client, reverse(name)) == few


def test_draw_list_and_detail_run_a_constant_number_of_queries(web, world, drawn):
    client = web(world.dan)
    list_few = queries(client, reverse("planning:draw_list"))
    detail_few = queries(client, reverse("planning:draw_detail", args=[drawn.pk]))
    for task in make_tasks(world, 19):
        Task.objects.filter(pk=task.pk).update(draw=drawn)
    assert queries(client, reverse("planning:draw_detail", args=[drawn.pk])) == detail_few
    assert queries(client, reverse("planning:draw_list")) == list_few

"""The planning API: plans, draws (run, verify, redraw) and tasks (start, swap, cancel); access by role and
board, 400 with Chinese field errors, 409 for refused transitions, constant queries per list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.core.roles import Role
from zhifa.core.testing import make_enterprise, make_user
from zhifa.planning import plan as plans
from zhifa.planning.choices import DrawStatus, SwapReason, TaskStatus
from zhifa.planning.models import Draw, Task, TaskSwap
from zhifa.planning.tests.helpers import next_month
from zhifa.planning.tests.test_views import drawn, make_tasks  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def count(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def test_tasks_expose_enterprise_officers_and_expert(api, world, drawn):  # noqa: F811
    task = drawn.tasks.get()
    body = api(world.alice).get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["enterprise"] == {
        "id": task.enterprise_id,
        "name": task.enterprise.name,
        "uscc": task.enterprise.uscc,
    }
    assert body["officers"] == [
        {"id": task.officer_1_id, "name": task.officer_1.name},
        {"id": task.officer_2_id, "name": task.officer_2.name},
    ]
    assert body["expert"] == {"id": task.expert_id, "name": task.expert.name}
    assert api(world.bob).get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert api(None).get("/api/v1/tasks/").status_code == 401
    assert api(world.sam).get("/api/v1/tasks/").status_code == 403
    # the expert reads the own tasks only
    expert_user = make_user("expert2", Role.EXPERT, expert=task.expert)
    listed = api(expert_user).get("/api/v1/tasks/").json()
    assert [t["id"] for t in listed["results"]] == [task.pk]
    mine = api(world.alice).get(f"/api/v1/tasks/?officer={task.officer_1_id}").json()
    assert [t["id"] for t in mine["results"]] == [task.pk]


def test_draw_exposes_commitment_seed_pools_hash_and_result_and_verifies(api, world, drawn):  # noqa: F811
    body = api(world.alice).get(f"/api/v1/draws/{drawn.pk}/").json()
    assert body["commitment"] == drawn.commitment and body["seed"] == drawn.seed_hex
    assert body["pools_hash"] == drawn.pool_hash
    task = drawn.tasks.get()
    assert body["result"] == [
        {
            "enterprise": task.enterprise_id,
            "board": task.board_id,
            "date": task.planned_date.isoformat(),
            "officers": sorted(task.officer_ids),
            "expert": task.expert_id,
        }
    ]
    report = api(world.alice).post(f"/api/v1/draws/{drawn.pk}/verify/").json()
    assert report["ok"] is True and all(c["ok"] for c in report["checks"])
    assert api(world.sam).post(f"/api/v1/draws/{drawn.pk}/verify/").status_code == 403


def test_an_unrevealed_draw_hides_its_seed(api, world, drawn):  # noqa: F811
    Draw.objects.filter(pk=drawn.pk).update(status=DrawStatus.COMMITTED, revealed_at=None)
    assert api(world.alice).get(f"/api/v1/draws/{drawn.pk}/").json()["seed"] is None


def test_running_a_draw_bad_input_400_overlap_409_scope_403(api, world, drawn):  # noqa: F811
    response = api(world.dan).post("/api/v1/draws/", {"month": "2026-13"}, format="json")
    assert response.status_code == 400 and "YYYY-MM" in response.json()["month"][0]
    response = api(world.dan).post("/api/v1/draws/", {"month": "2026-12", "board": 999999}, format="json")
    assert response.status_code == 400 and response.json()["board"] == ["板块不存在"]
    year, month = next_month()
    response = api(world.dan).post(
        "/api/v1/draws/", {"month": f"{year}-{month:02d}", "board": world.board_a.pk}, format="json"
    )
    assert response.status_code == 409 and "已有有效的抽取" in response.json()["detail"]
    response = api(world.albert).post("/api/v1/draws/", {"month": f"{year}-{month:02d}"}, format="json")
    assert response.status_code == 403
    assert api(world.alice).post("/api/v1/draws/", {"month": "2026-12"}, format="json").status_code == 403


def test_running_a_draw_without_an_approved_plan_is_refused(api, world):
    year, month = next_month()
    response = api(world.dan).post("/api/v1/draws/", {"month": f"{year}-{month:02d}"}, format="json")
    assert response.status_code == 409 and "尚未批准" in response.json()["detail"]


def test_redraw_needs_a_reason(api, world, drawn):  # noqa: F811
    response = api(world.dan).post(f"/api/v1/draws/{drawn.pk}/redraw/", {"reason": " "}, format="json")
    assert response.status_code == 400 and response.json()["reason"] == ["重新抽取须写明理由"]
    response = api(world.dan).post(f"/api/v1/draws/{drawn.pk}/redraw/", {"reason": "名单更新"}, format="json")
    assert response.status_code == 201 and response.json()["supersedes"] == drawn.pk
    drawn.refresh_from_db()
    assert drawn.status == DrawStatus.SUPERSEDED
    again = api(world.dan).post(f"/api/v1/draws/{drawn.pk}/redraw/", {"reason": "再次"}, format="json")
    assert again.status_code == 409


def test_start_inspection_then_a_second_start_is_409(api, world, drawn):  # noqa: F811
    task = drawn.tasks.get()
    response = api(world.alice).post(f"/api/v1/tasks/{task.pk}/start-inspection/")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["task"]["status"] == TaskStatus.IN_PROGRESS and body["task"]["inspection"] == body["inspection"]
    )
    assert api(world.alice).post(f"/api/v1/tasks/{task.pk}/start-inspection/").status_code == 409
    assert api(world.bob).post(f"/api/v1/tasks/{task.pk}/start-inspection/").status_code == 404


def test_swap_requires_a_reason_and_returns_the_replacement(api, world, drawn):  # noqa: F811
    task = drawn.tasks.get()
    url = f"/api/v1/tasks/{task.pk}/swap/"
    data = {"role": "officer", "outgoing": task.officer_1_id, "reason_kind": SwapReason.ILLNESS}
    response = api(world.albert).post(url, data, format="json")
    assert response.status_code == 400 and response.json()["reason"] == ["换人须写明原因"]
    response = api(world.albert).post(url, {**data, "role": "boss", "reason": "x"}, format="json")
    assert response.status_code == 400 and "role" in response.json()
    response = api(world.albert).post(url, {**data, "outgoing": 1, "reason": "住院"}, format="json")
    assert response.status_code == 400 and "outgoing" in response.json()
    assert api(world.alice).post(url, {**data, "reason": "住院"}, format="json").status_code == 403
    response = api(world.albert).post(url, {**data, "reason": "住院"}, format="json")
    assert response.status_code == 200, response.content
    swap = TaskSwap.objects.get()
    body = response.json()
    assert body["swap"]["incoming_id"] == swap.incoming_id
    assert swap.incoming_id in [o["id"] for o in body["task"]["officers"]]
    report = api(world.albert).post(f"/api/v1/draws/{drawn.pk}/verify/").json()
    assert report["ok"] is True


def test_cancel_requires_a_reason_and_a_cancelled_task_is_409(api, world, drawn):  # noqa: F811
    task = drawn.tasks.get()
    url = f"/api/v1/tasks/{task.pk}/cancel/"
    response = api(world.albert).post(url, {}, format="json")
    assert response.status_code == 400 and response.json()["reason"] == ["取消任务须写明原因"]
    response = api(world.albert).post(url, {"reason": "企业已停产"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == TaskStatus.CANCELLED
    assert api(world.albert).post(url, {"reason": "再次"}, format="json").status_code == 409


def test_plans_expose_required_and_capacity_per_board_and_month(api, world):
    plan = plans.build_plan(user=world.dan, year=2026)
    body = api(world.alice).get(f"/api/v1/plans/{plan.pk}/").json()
    row = body["board_months"][0]
    assert {"board", "month", "required", "capacity", "shortfall", "gap", "random_quota"} <= set(row)
    assert api(world.sam).get("/api/v1/plans/").status_code == 403
    assert api(world.alice).get("/api/v1/plans/?year=2026").json()["count"] == 1


def test_lists_run_a_constant_number_of_queries(api, world, drawn):  # noqa: F811
    client = api(world.dan)
    make_tasks(world, 2)
    few, body = count(client, "/api/v1/tasks/")
    assert body["count"] == 3
    make_tasks(world, 17)
    many, body = count(client, "/api/v1/tasks/")
    assert body["count"] == 20 and many == few
    draws_few, _ = count(client, "/api/v1/draws/")
    for _i in range(2):
        Draw.objects.create(
            district=drawn.district,
            year=2020,
            month=1,
            algorithm_version="x",
            commitment="0" * 64,
            created_by=world.dan,
            committed_at=drawn.committed_at,
        )
    draws_many, body = count(client, "/api/v1/draws/")
    assert body["count"] == 3 and draws_many == draws_few
    plans.build_plan(user=world.dan, year=2026)
    plans_few, _ = count(client, "/api/v1/plans/")
    plans.build_plan(user=world.dan, year=2027)
    plans.build_plan(user=world.dan, year=2028)
    plans_many, _ = count(client, "/api/v1/plans/")
    assert plans_many == plans_few


def test_bad_filters_do_not_fail(api, world):
    make_enterprise(world.board_a)
    assert api(world.alice).get("/api/v1/tasks/?month=garbage").json()["count"] == 0
    assert api(world.alice).get("/api/v1/tasks/?status=nope").status_code == 400
    assert Task.objects.count() == 0

"""The demo's draw: next month's district-wide draw gives every quota task a valid 2+1 team (two officers
certified on its date, an expert whose group covers the industry), ``zhifa draw verify`` passes on it and
fails once a stored assignment is altered; running the demo again draws nothing new."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from zhifa.inspections.services import check_team
from zhifa.planning.choices import DrawStatus, PlanStatus
from zhifa.planning.models import AnnualPlan, Draw, DrawAssignment
from zhifa.planning.services import expert_problems, seed_from_source

PASSWORD = "Demo-Draw-Passw0rd"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

pytestmark = pytest.mark.django_db


def small_demo(tmp_path) -> str:
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER, DATA_DIR=tmp_path):
        call_command(
            "demo", "--no-serve", "--password", PASSWORD, "--enterprises-per-district", "600", stdout=out
        )
    return out.getvalue()


def test_the_demo_draw_gives_every_task_a_valid_team_and_verifies(tmp_path):
    output = small_demo(tmp_path)
    draw = Draw.objects.get(board__isnull=True, status=DrawStatus.DRAWN)
    assert AnnualPlan.objects.filter(year=draw.committed_at.year, status=PlanStatus.APPROVED).exists()
    assert draw.seed_source.startswith("演示种子 ") and bytes.fromhex(draw.seed_hex) == seed_from_source(
        draw.seed_source
    )
    tasks = list(draw.tasks.select_related("enterprise", "board", "officer_1", "officer_2", "expert"))
    assert tasks and draw.summary["unassigned"] == 0, draw.diagnoses
    assert len(tasks) == draw.summary["quota"]
    for task in tasks:
        officers = [task.officer_1, task.officer_2]
        team = check_team(officers, task.board, task.planned_date, cross_enforcement=False)
        assert team.ok, (task.pk, team.problems)
        assert task.expert is not None
        assert expert_problems(task.expert, task.enterprise, task.planned_date) == [], task.pk
    assert f"#{draw.pk}" in output

    out = io.StringIO()
    call_command("draw", "verify", str(draw.pk), stdout=out)
    assert "复核通过" in out.getvalue()

    # running the demo again draws nothing new
    small_demo(tmp_path)
    assert Draw.objects.count() == 1

    # one altered assignment fails the verification
    row = DrawAssignment.objects.filter(draw=draw).order_by("position").first()
    other = next(t.officer_1_id for t in tasks if t.officer_1_id not in (row.officer_1_id, row.officer_2_id))
    DrawAssignment.objects.filter(pk=row.pk).update(officer_1_id=other)
    with pytest.raises(SystemExit) as exit_info:
        call_command("draw", "verify", str(draw.pk), stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_info.value.code != 0

"""The annual plan: requirement from classes and frequencies, capacity from certified officer-days on
China's working days, quotas, and the workflow (the district leader approves; revisions are versions)."""

from __future__ import annotations

import calendar
import math
from datetime import date

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise
from zhifa.enterprises.models import Enterprise
from zhifa.orgs.choices import Post
from zhifa.orgs.models import Pairing
from zhifa.planning import plan as plans
from zhifa.planning.choices import PlanItemKind, PlanStatus
from zhifa.planning.models import PlanBoardMonth, PlanEvent
from zhifa.planning.tests.helpers import officer_with, quiet_world
from zhifa.planning.workdays import working_days

pytestmark = pytest.mark.django_db


def weekdays(year: int, month: int) -> int:
    days = calendar.monthrange(year, month)[1]
    return sum(1 for d in range(1, days + 1) if date(year, month, d).weekday() < 5)


def test_working_days_follow_the_state_councils_2026_arrangement():
    october = working_days(2026, 10)
    assert october == chinese_calendar.get_workdays(date(2026, 10, 1), date(2026, 10, 31))
    # National Day and Mid-Autumn: October has fewer working days than its weekdays, and than November.
    assert len(october) < weekdays(2026, 10)
    assert len(october) < len(working_days(2026, 11)) == weekdays(2026, 11)
    assert date(2026, 10, 1) not in october
    # A 调休 weekend day is a working day.
    adjusted = [d for m in range(1, 13) for d in working_days(2026, m) if d.weekday() >= 5]
    assert adjusted and all(chinese_calendar.is_workday(d) for d in adjusted)


@pytest.fixture
def staffed(world):
    """湖塘镇 with two certified officers all 2026, a brigade officer paired with 牛塘镇, one unpaired."""
    quiet_world()
    a = world.board_a
    officer_with(a, Post.BOARD_LEADER, "full", 2026, 6)
    officer_with(a, Post.BOARD_OFFICER, "full", 2026, 6)
    officer_with(a, Post.SAFETY_MANAGER, "none", 2026, 6)  # auxiliary: never counts
    paired = officer_with(world.district, Post.BRIGADE_OFFICER, "full", 2026, 6)
    Pairing.objects.create(officer=paired, region=world.board_b, start=date(2025, 1, 1))
    officer_with(world.district, Post.BRIGADE_OFFICER, "full", 2026, 6)
    officer_with(world.district, Post.LEGAL_REVIEWER, "full", 2026, 6)  # reviewers are not drawn
    enterprises = [make_enterprise(a, industry="2614") for _ in range(3)]
    Enterprise.objects.filter(pk=enterprises[0].pk).update(enforcement_class="A")  # 4 a year (cap 6)
    Enterprise.objects.filter(pk__in=[e.pk for e in enterprises[1:]]).update(enforcement_class="D")
    return world


def rows(plan, board) -> dict[int, PlanBoardMonth]:
    return {r.month: r for r in plan.board_months.filter(board=board)}


def test_capacity_is_certified_officer_days_on_working_days_times_the_figures(staffed):
    plan = plans.build_plan(user=staffed.dan, year=2026)
    a, b, district = rows(plan, staffed.board_a), rows(plan, staffed.board_b), rows(plan, staffed.district)
    for month in (10, 11):
        days = len(working_days(2026, month))
        # 2 officers × working days × 50% × 2 per team-day / 2 per team
        assert a[month].officer_days == 2 * days
        assert a[month].capacity == math.floor(2 * days * 0.5 * 2 / 2)
        assert a[month].own_officers == 2
        # the paired brigade officer counts half toward 牛塘镇; the rest of the brigade is the reserve
        assert b[month].officer_days == days * 0.5 and b[month].attached_officers == 1
        assert district[month].officer_days == days * 1.5
    assert a[10].capacity < a[11].capacity  # October's holidays


def test_the_requirement_is_each_enterprises_yearly_frequency_spread_over_working_days(staffed):
    plan = plans.build_plan(user=staffed.dan, year=2026)
    a = rows(plan, staffed.board_a)
    assert sum(r.required for r in a.values()) == 4 + 1 + 1
    assert sum(r.required_by_class.get("A", 0) for r in a.values()) == 4
    for r in a.values():
        assert r.random_quota == math.ceil(r.required * 0.7)
        assert r.random_quota + r.targeted_quota == r.required
        assert r.shortfall == (r.required > r.capacity)


def test_a_yearly_cap_lowers_the_frequency(staffed):
    # A class (4 a year) but a 一级 工贸 enterprise may be inspected at most once a year
    Enterprise.objects.filter(enforcement_class="A").update(
        standardization_grade="1", sector="industry_trade"
    )
    plan = plans.build_plan(user=staffed.dan, year=2026)
    assert sum(r.required for r in rows(plan, staffed.board_a).values()) == 1 + 1 + 1


def test_the_district_leader_approves_and_nobody_else(staffed):
    world = staffed
    with pytest.raises(PermissionDenied):
        plans.build_plan(user=world.albert, year=2026)  # a board leader does not build the district's plan
    plan = plans.build_plan(user=world.bruce, year=2026)
    plans.submit_plan(plan, user=world.bruce)
    with pytest.raises(PermissionDenied):
        plans.approve_plan(plan, user=world.bruce)
    plans.approve_plan(plan, user=world.dan, opinion="同意")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == world.dan
    steps = list(PlanEvent.objects.filter(plan=plan).values_list("to_status", "actor__username"))
    assert steps == [("draft", "bruce"), ("submitted", "bruce"), ("approved", "dan")]
    assert AuditEntry.objects.filter(object_type="planning.annualplan", action="transition").count() >= 3


def test_a_revision_is_a_new_version_with_its_reason_and_the_old_one_is_kept(staffed):
    world = staffed
    first = plans.build_plan(user=world.dan, year=2026)
    plans.submit_plan(first, user=world.dan)
    plans.approve_plan(first, user=world.dan)
    with pytest.raises(plans.PlanError, match="理由"):
        plans.build_plan(user=world.dan, year=2026)
    second = plans.build_plan(user=world.dan, year=2026, reason="新增企业，调整频次")
    assert (second.version, second.previous, second.reason) == (2, first, "新增企业，调整频次")
    first.refresh_from_db()
    assert first.status == PlanStatus.APPROVED  # still in force until the new version is approved
    assert plans.plan_in_force(world.district, 2026) == first
    plans.submit_plan(second, user=world.dan)
    plans.approve_plan(second, user=world.dan)
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED and first.board_months.count() == second.board_months.count()
    assert plans.plan_in_force(world.district, 2026) == second


def test_a_campaign_item_is_spread_over_its_months_in_the_targeted_share(staffed):
    plan = plans.build_plan(user=staffed.dan, year=2026)
    plans.add_plan_item(
        plan,
        user=staffed.dan,
        kind=PlanItemKind.CAMPAIGN,
        title="粉尘涉爆专项检查",
        start_month=3,
        end_month=5,
        planned_count=12,
        board=staffed.board_a,
    )
    a = rows(plan, staffed.board_a)
    assert sum(a[m].items_planned for m in (3, 4, 5)) == 12
    assert all(a[m].items_planned == 0 for m in (1, 2, 6, 7))


def test_the_plan_command_builds_and_shows_the_shortfall(staffed, capsys):
    call_command("plan", "build", "2026", "--user", "dan")
    out = capsys.readouterr().out
    assert "2026 年度监督检查计划（第 1 版，草稿）" in out and "湖塘镇" in out
    assert AuditEntry.objects.filter(object_type="planning.annualplan", source="cli").exists()


def test_the_system_administrator_edits_the_figures_in_the_admin_and_nobody_deletes_them(world, web):
    from zhifa.planning.models import FrequencyRuleSet

    ruleset = FrequencyRuleSet.objects.get(version="示例-2026")
    assert ruleset.is_example and ruleset.frequencies() == {"A": 4, "B": 2, "C": 1, "D": 1}
    client = web(world.sam)
    assert client.get("/admin/planning/frequencyruleset/").status_code == 200
    page = client.get(f"/admin/planning/frequencyruleset/{ruleset.pk}/change/")
    assert page.status_code == 200 and "应急〔2025〕11号" in page.content.decode()
    assert client.get(f"/admin/planning/frequencyruleset/{ruleset.pk}/delete/").status_code == 403
    assert web(world.alice).get("/admin/planning/frequencyruleset/").status_code == 302

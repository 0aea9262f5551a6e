"""The demo's planning step: this year's annual plan (built, submitted and approved by the demo district
leader) and next month's double-random 2+1 draw for the whole district, through the real services.

The draw's seed comes from a fixed, public text (``演示种子 YYYY-MM``), so anyone can recompute it with
``zhifa draw verify``. Its quotas are a random share of the plan's random quota per board, capped by
what the board's certified officers can do that month (the draw assigns every quota task a valid team;
the plan page shows where the full quota would exceed capacity). Idempotent: a month already drawn is
not drawn again, an approved plan is not rebuilt.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from zhifa.accounts.models import User
from zhifa.core.roles import Role
from zhifa.orgs.choices import RegionKind
from zhifa.orgs.models import Region
from zhifa.planning import plan as plans
from zhifa.planning import services
from zhifa.planning.choices import PlanStatus
from zhifa.planning.models import AnnualPlan, Draw, PlanBoardMonth

DEMO_LEADER = "leader"
#: The share of a board's random quota drawn in the demo lies in this range (seeded per board) …
SHARE_RANGE = (0.3, 0.6)
#: … and never above this share of the board's capacity for the month (two officers per team).
CAPACITY_SHARE = 0.5


@dataclass
class PlanningCounts:
    plan_version: int
    draw_id: int | None
    month: str
    tasks: int = 0
    unassigned: int = 0
    drawn_now: bool = False

    def summary(self) -> str:
        text = f"{self.month[:4]} 年度计划第 {self.plan_version} 版已批准"
        if self.draw_id is not None:
            verb = "已抽取" if self.drawn_now else "已有抽取"
            text += f"，{self.month} 全区双随机抽取 #{self.draw_id} {verb}（{self.tasks} 项任务）"
        return text


def next_month(today: date) -> tuple[int, int]:
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.year, first.month


def seed_source(year: int, month: int) -> str:
    return f"演示种子 {year}-{month:02d}"


def _leader() -> User | None:
    user = User.objects.filter(username=DEMO_LEADER, role=Role.DISTRICT_LEADER, is_active=True).first()
    return user or User.objects.filter(role=Role.DISTRICT_LEADER, is_active=True).order_by("pk").first()


def approved_plan(district: Region, year: int, user) -> AnnualPlan:
    plan = plans.plan_in_force(district, year)
    if plan is not None:
        return plan
    plan = plans.latest_plan(district, year)
    if plan is None or plan.status == PlanStatus.SUPERSEDED:
        plan = plans.build_plan(
            user=user, year=year, district=district, reason="" if plan is None else "演示"
        )
    if plan.status == PlanStatus.DRAFT:
        plan = plans.submit_plan(plan, user=user)
    return plans.approve_plan(plan, user=user, opinion="同意（演示）")


def demo_quotas(plan: AnnualPlan, month: int, seed: int) -> dict[int, int]:
    """A random share of each board's random quota, within half its capacity (seeded: same every run)."""
    rng = random.Random(f"{seed}-{plan.year}-{month}")
    quotas = {}
    rows = PlanBoardMonth.objects.filter(plan=plan, month=month, board__parent=plan.district)
    for row in rows.order_by("board__sort_order", "board_id"):
        share = rng.uniform(*SHARE_RANGE)
        quotas[row.board_id] = max(
            0, min(round(row.random_quota * share), int(row.capacity * CAPACITY_SHARE))
        )
    return quotas


def build_planning(*, seed: int, today: date, log: Callable[[str], None]) -> PlanningCounts | None:
    user = _leader()
    if user is None:
        log("没有区局领导账号，不编制年度计划、不抽取。")
        return None
    district = Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk").first()
    if district is None:
        return None
    plan = approved_plan(district, today.year, user)
    year, month = next_month(today)
    if year != today.year:
        plan = approved_plan(district, year, user)
    label = f"{year}-{month:02d}"
    existing = Draw.objects.active().filter(year=year, month=month, board__isnull=True).first()
    if existing is not None:
        log(f"{label} 已有全区双随机抽取 #{existing.pk}，不再抽取。")
        return PlanningCounts(plan.version, existing.pk, label, tasks=existing.tasks.count())
    if Draw.objects.active().filter(year=year, month=month).exists():
        log(f"{label} 已有板块抽取，不再全区抽取。")
        return PlanningCounts(plan.version, None, label)
    quotas = demo_quotas(plan, month, seed)
    log(
        f"正在抽取 {label} 全区双随机检查（{sum(quotas.values())} 家，种子来源“{seed_source(year, month)}”）……"
    )
    outcome = services.run_draw(
        user=user,
        year=year,
        month=month,
        seed_source=seed_source(year, month),
        reason="演示：下月全区双随机抽取（各板块按年度计划双随机配额的一部分）",
        quotas=quotas,
    )
    summary = outcome.draw.summary
    counts = PlanningCounts(
        plan.version,
        outcome.draw.pk,
        label,
        tasks=summary.get("assigned", 0),
        unassigned=summary.get("unassigned", 0),
        drawn_now=True,
    )
    log(counts.summary() + "。")
    return counts

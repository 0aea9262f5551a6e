"""The annual plan: building it from classes and frequencies, its workflow, and its progress.

Formula (docs/planning.md gives it with the demo figures):

- required(board, year) = Σ over the board's operating enterprises of f, where
  f = min(per_year(class), cap(sector, 标准化 grade)) and at least 1 (every enterprise once a year);
  spread over the months in proportion to their working days (largest remainder), class by class.
- officer_days(board, month) = Σ over working days d of the month of
    the board's own officers (of the drawn posts) certified on d
  + brigade officers seconded to the board on d and certified on d
  + paired_share × brigade officers paired with the board on d and certified on d
    (divided equally when one officer is paired with several boards).
  The brigade's other certified days (officers neither seconded nor paired, and 1 − paired_share of
  paired ones) are the district's reserve, shown on the district's own row.
- capacity(board, month) = floor(officer_days × inspection_time_share × inspections_per_team_day / 2):
  two officers per team.
- random_quota = ceil(required × random_share); targeted_quota = required − random_quota. Key sectors
  and special campaigns are plan items, counted against the targeted share.
- shortfall = required > capacity (the reserve and cross-board help are how a short board is served).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.enterprises.choices import OperatingStatus
from zhifa.enterprises.models import Enterprise
from zhifa.orgs.choices import CertificateStatus, RegionKind
from zhifa.orgs.models import Certificate, Officer, Pairing, Region, Secondment
from zhifa.planning.choices import PlanItemKind, PlanStatus
from zhifa.planning.models import AnnualPlan, FrequencyRuleSet, PlanBoardMonth, PlanEvent, PlanItem, Task
from zhifa.planning.workdays import calendar_note, working_days

#: (from, to): (permission, what the step is called)
PLAN_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (PlanStatus.DRAFT, PlanStatus.SUBMITTED): ("planning.submit_annualplan", "报批"),
    (PlanStatus.SUBMITTED, PlanStatus.APPROVED): ("planning.approve_annualplan", "批准"),
    (PlanStatus.SUBMITTED, PlanStatus.DRAFT): ("planning.approve_annualplan", "退回修改"),
}


class PlanError(ValidationError):
    """A plan step refused, with the reason."""


def require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("无权执行此操作（需要权限 %(p)s）") % {"p": perm})


def the_district() -> Region:
    district = Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk").first()
    if district is None:
        raise PlanError(_("尚未建立区"))
    return district


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over ``weights`` (largest remainder; ties to the earlier slot)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def yearly_frequency(ruleset_figures: dict, enforcement_class: str, sector: str, grade: str) -> int:
    frequency = int(ruleset_figures["frequencies"].get(enforcement_class, 1))
    cap = ruleset_figures["caps"].get(f"{sector}/{grade}")
    return max(1, min(frequency, int(cap))) if cap is not None else max(1, frequency)


# --- Requirement and capacity ----------------------------------------------------------------------


def requirement(boards: list[Region], figures: dict, year: int) -> dict[int, dict[int, dict[str, int]]]:
    """{board: {month: {class: inspections}}} from one grouped count of operating enterprises."""
    per_class: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Enterprise.objects.filter(board__in=boards, operating_status=OperatingStatus.OPERATING)
        .values("board_id", "enforcement_class", "sector", "standardization_grade")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        f = yearly_frequency(figures, row["enforcement_class"], row["sector"], row["standardization_grade"])
        per_class[row["board_id"]][row["enforcement_class"]] += f * row["n"]
    weights = [len(working_days(year, m)) for m in range(1, 13)]
    result: dict[int, dict[int, dict[str, int]]] = {b.pk: {m: {} for m in range(1, 13)} for b in boards}
    for board_id, classes in per_class.items():
        for enforcement_class, total in sorted(classes.items()):
            for m, n in enumerate(apportion(total, weights), start=1):
                if n:
                    result[board_id][m][enforcement_class] = n
    return result


def officer_days(district: Region, boards: list[Region], ruleset: FrequencyRuleSet, year: int):
    """Certified officer-days per board and month (and the district reserve), with head counts.

    Four queries (officers, certificates, secondments, pairings) for the whole year; the day-by-day
    sums run in Python over at most a few thousand periods."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    share = float(ruleset.paired_share)
    officers = {
        o["pk"]: o
        for o in Officer.objects.filter(active=True, post__in=ruleset.posts)
        .filter(Q(unit__parent=district) | Q(unit=district))
        .values("pk", "unit_id")
    }
    certs = defaultdict(list)
    for officer_id, start, end in Certificate.objects.filter(
        officer_id__in=list(officers),
        status=CertificateStatus.VALID,
        valid_from__lte=last,
        valid_to__gte=first,
    ).values_list("officer_id", "valid_from", "valid_to"):
        certs[officer_id].append((start, end))
    attached: dict[str, dict[int, list]] = {"secondment": defaultdict(list), "pairing": defaultdict(list)}
    models: tuple[tuple[str, type[Secondment] | type[Pairing]], ...] = (
        ("secondment", Secondment),
        ("pairing", Pairing),
    )
    for key, model in models:
        for officer_id, region_id, start, until in (
            model.objects.filter(officer_id__in=list(officers), start__lte=last)
            .filter(Q(end__isnull=True) | Q(end__gte=first))
            .values_list("officer_id", "region_id", "start", "end")
        ):
            attached[key][officer_id].append((region_id, start, until or last))
    board_ids = {b.pk for b in boards}
    days_by: dict[int, dict[int, float]] = defaultdict(
        lambda: defaultdict(float)
    )  # [board or district][month]
    own_heads: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    attached_heads: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for m in range(1, 13):
        for day in working_days(year, m):
            for officer_id, officer in officers.items():
                if not any(s <= day <= e for s, e in certs.get(officer_id, ())):
                    continue
                unit = officer["unit_id"]
                if unit in board_ids:
                    days_by[unit][m] += 1
                    own_heads[unit][m].add(officer_id)
                    continue
                if unit != district.pk:
                    continue  # an officer of a board outside this district
                seconded = [r for r, s, e in attached["secondment"].get(officer_id, ()) if s <= day <= e]
                if seconded:
                    days_by[seconded[0]][m] += 1
                    attached_heads[seconded[0]][m].add(officer_id)
                    continue
                paired = sorted({r for r, s, e in attached["pairing"].get(officer_id, ()) if s <= day <= e})
                for region_id in paired:
                    days_by[region_id][m] += share / len(paired)
                    attached_heads[region_id][m].add(officer_id)
                days_by[district.pk][m] += (1 - share) if paired else 1
                if not paired:
                    own_heads[district.pk][m].add(officer_id)
    return days_by, own_heads, attached_heads


def capacity_of(days: float, ruleset: FrequencyRuleSet) -> int:
    value = Decimal(str(days)) * ruleset.inspection_time_share * ruleset.inspections_per_team_day / Decimal(2)
    return int(value)  # floor: a part of a team-day inspects no enterprise


def items_by_board_month(plan: AnnualPlan, boards: list[Region]) -> dict[int, dict[int, int]]:
    """Plan items' planned inspections spread over their months (by working days) and boards (by the
    number of operating enterprises each board has in the item's sectors and industries)."""
    result: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for item in plan.items.all():
        months = list(range(item.start_month, item.end_month + 1))
        weights = [len(working_days(plan.year, m)) for m in months]
        if item.board_id:
            split = {item.board_id: item.planned_count}
        else:
            matching = Enterprise.objects.filter(board__in=boards, operating_status=OperatingStatus.OPERATING)
            if item.sectors:
                matching = matching.filter(sector__in=item.sectors)
            if item.industry_prefixes:
                prefix_q = Q()
                for prefix in item.industry_prefixes:
                    prefix_q |= Q(industry_id__startswith=prefix)
                matching = matching.filter(prefix_q)
            counts = dict(matching.values("board_id").annotate(n=Count("pk")).values_list("board_id", "n"))
            ids = [b.pk for b in boards]
            split = dict(
                zip(ids, apportion(item.planned_count, [counts.get(b, 0) for b in ids]), strict=True)
            )
        for board_id, count in split.items():
            for m, n in zip(months, apportion(count, weights), strict=True):
                result[board_id][m] += n
    return result


def compute_board_months(plan: AnnualPlan) -> list[PlanBoardMonth]:
    ruleset, year = plan.ruleset, plan.year
    boards = list(Region.objects.boards().filter(parent=plan.district).order_by("sort_order", "pk"))
    required = requirement(boards, plan.figures, year)
    days_by, own_heads, attached_heads = officer_days(plan.district, boards, ruleset, year)
    items = items_by_board_month(plan, boards)
    rows = []
    for board in [*boards, plan.district]:
        for m in range(1, 13):
            by_class = required.get(board.pk, {}).get(m, {})
            total = sum(by_class.values())
            random_quota = math.ceil(total * ruleset.random_share) if total else 0
            capacity = capacity_of(days_by[board.pk][m], ruleset)
            rows.append(
                PlanBoardMonth(
                    plan=plan,
                    board=board,
                    month=m,
                    working_days=len(working_days(year, m)),
                    required=total,
                    required_by_class=dict(sorted(by_class.items())),
                    random_quota=random_quota,
                    targeted_quota=total - random_quota,
                    items_planned=items.get(board.pk, {}).get(m, 0),
                    own_officers=len(own_heads[board.pk][m]),
                    attached_officers=len(attached_heads[board.pk][m]),
                    officer_days=Decimal(str(round(days_by[board.pk][m], 2))),
                    capacity=capacity,
                    shortfall=total > capacity,
                )
            )
    return rows


# --- Workflow --------------------------------------------------------------------------------------


def _event(plan: AnnualPlan, from_status: str, to_status: str, user, note: str = "") -> None:
    PlanEvent.objects.create(plan=plan, from_status=from_status, to_status=to_status, actor=user, note=note)
    record(
        AuditAction.TRANSITION,
        plan,
        before={"status": from_status},
        after={"status": to_status},
        message=note or f"年度计划 {from_status}→{to_status}",
        user=user,
    )


def latest_plan(district: Region, year: int) -> AnnualPlan | None:
    return AnnualPlan.objects.filter(district=district, year=year).order_by("-version").first()


def build_plan(*, user, year: int, district: Region | None = None, reason: str = "") -> AnnualPlan:
    """Build the first version of a year's plan, or a new version of the latest one (with a reason)."""
    require(user, "planning.add_annualplan")
    district = district or the_district()
    ruleset = FrequencyRuleSet.current(date(year, 1, 1)) or FrequencyRuleSet.current(date(year, 12, 31))
    if ruleset is None:
        raise PlanError(_("没有适用于 %(y)s 年的检查频次与上限版本") % {"y": year})
    with transaction.atomic():
        previous = latest_plan(district, year)
        if previous is not None:
            previous = AnnualPlan.objects.select_for_update().get(pk=previous.pk)
            if not reason.strip():
                raise PlanError(_("已有第 %(v)s 版计划：修订须写明理由") % {"v": previous.version})
        plan = AnnualPlan.objects.create(
            district=district,
            year=year,
            version=previous.version + 1 if previous else 1,
            ruleset=ruleset,
            figures=ruleset.figures(),
            calendar_note=calendar_note(year),
            previous=previous,
            reason=reason.strip(),
            created_by=user,
        )
        if previous is not None:
            for item in previous.items.order_by("pk"):
                item.pk = None
                item.plan = plan
                item._state.adding = True
                item.save()
            if previous.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED):
                # An unapproved version is replaced at once; an approved one stays in force until this
                # one is approved.
                _set_status(
                    previous,
                    PlanStatus.SUPERSEDED,
                    user,
                    _("被第 %(v)s 版取代：%(r)s")
                    % {
                        "v": plan.version,
                        "r": reason.strip(),
                    },
                )
        PlanBoardMonth.objects.bulk_create(compute_board_months(plan))
        _event(plan, "", PlanStatus.DRAFT, user, reason.strip() or _("编制年度计划"))
    return plan


def refresh_plan(plan: AnnualPlan, *, user) -> AnnualPlan:
    """Recompute a draft's board-month figures (after its items change)."""
    require(user, "planning.add_annualplan")
    with transaction.atomic():
        locked = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.DRAFT:
            raise PlanError(_("只有草稿可以重新计算；已报批或已批准的计划请修订为新版本"))
        fresh = {(r.board_id, r.month): r for r in compute_board_months(locked)}
        fields = [
            "working_days",
            "required",
            "required_by_class",
            "random_quota",
            "targeted_quota",
            "items_planned",
            "own_officers",
            "attached_officers",
            "officer_days",
            "capacity",
            "shortfall",
        ]
        rows = list(locked.board_months.all())
        for row in rows:
            for name in fields:
                setattr(row, name, getattr(fresh[(row.board_id, row.month)], name))
        PlanBoardMonth.objects.bulk_update(rows, fields)
    return locked


def _set_status(plan: AnnualPlan, to_status: str, user, note: str = "") -> None:
    previous = plan.status
    plan.status = to_status
    fields = ["status"]
    if to_status == PlanStatus.APPROVED:
        plan.approved_by, plan.approved_at = user, timezone.now()
        fields += ["approved_by", "approved_at"]
    plan.save(update_fields=fields)
    _event(plan, previous, to_status, user, note)


def move_plan(plan: AnnualPlan, to_status: str, *, user, note: str = "") -> AnnualPlan:
    """Submit, approve or return a plan, as the transition table allows."""
    with transaction.atomic():
        locked = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        step = PLAN_TRANSITIONS.get((locked.status, to_status))
        if step is None:
            raise PlanError(
                _("计划不能从“%(a)s”变为“%(b)s”")
                % {"a": locked.get_status_display(), "b": PlanStatus(to_status).label}
            )
        perm, label = step
        require(user, perm)
        if to_status == PlanStatus.DRAFT and not note.strip():
            raise PlanError(_("退回修改须写明意见"))
        if to_status == PlanStatus.APPROVED:
            for old in AnnualPlan.objects.select_for_update().filter(
                district=locked.district, year=locked.year, status=PlanStatus.APPROVED
            ):
                _set_status(old, PlanStatus.SUPERSEDED, user, _("被第 %(v)s 版取代") % {"v": locked.version})
        _set_status(locked, to_status, user, note.strip() or label)
    return locked


def submit_plan(plan: AnnualPlan, *, user) -> AnnualPlan:
    return move_plan(plan, PlanStatus.SUBMITTED, user=user)


def approve_plan(plan: AnnualPlan, *, user, opinion: str = "") -> AnnualPlan:
    return move_plan(plan, PlanStatus.APPROVED, user=user, note=opinion)


def return_plan(plan: AnnualPlan, *, user, opinion: str) -> AnnualPlan:
    return move_plan(plan, PlanStatus.DRAFT, user=user, note=opinion)


def add_plan_item(
    plan: AnnualPlan,
    *,
    user,
    kind: str,
    title: str,
    start_month: int,
    end_month: int,
    planned_count: int,
    board: Region | None = None,
    sectors=(),
    industry_prefixes=(),
    note: str = "",
) -> PlanItem:
    require(user, "planning.add_annualplan")
    if plan.status != PlanStatus.DRAFT:
        raise PlanError(_("只能在草稿中增加专项与重点；已批准的计划请修订为新版本"))
    if kind not in PlanItemKind.values:
        raise ValidationError({"kind": _("类型无效")})
    if not 1 <= start_month <= end_month <= 12:
        raise ValidationError({"end_month": _("月份应在 1–12 之间，且结束不早于开始")})
    item = PlanItem(
        plan=plan,
        kind=kind,
        title=title.strip(),
        board=board,
        sectors=list(sectors),
        industry_prefixes=list(industry_prefixes),
        start_month=start_month,
        end_month=end_month,
        planned_count=planned_count,
        note=note,
    )
    item.full_clean()
    item.save()
    refresh_plan(plan, user=user)
    return item


def plan_in_force(district: Region, year: int) -> AnnualPlan | None:
    return AnnualPlan.objects.in_force(district, year).first()


# --- Progress --------------------------------------------------------------------------------------


def plan_progress(plan: AnnualPlan) -> list[dict]:
    """Per board and month: required, quotas, tasks planned by kind, and done (signed off).

    Two grouped queries: the plan's rows, and the year's live tasks by board, month, kind and whether
    their inspection is signed off ("counts toward the plan when the inspection is signed off")."""
    from django.db.models.functions import ExtractMonth

    from zhifa.inspections.choices import InspectionStatus

    tasks: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Task.objects.live()
        .filter(planned_date__year=plan.year, board__parent=plan.district)
        .annotate(m=ExtractMonth("planned_date"))
        .values("board_id", "m", "kind")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(inspection__status=InspectionStatus.SIGNED_OFF)),
        )
        .order_by()
    ):
        key = (row["board_id"], row["m"])
        tasks[key][row["kind"]] += row["n"]
        tasks[key]["done"] += row["done"]
    result = []
    for row in plan.board_months.select_related("board").order_by("board__sort_order", "board_id", "month"):
        counts = tasks.get((row.board_id, row.month), {})
        result.append(
            {
                "board": row.board.name,
                "board_id": row.board_id,
                "month": row.month,
                "required": row.required,
                "random_quota": row.random_quota,
                "targeted_quota": row.targeted_quota,
                "capacity": row.capacity,
                "shortfall": row.shortfall,
                "random_tasks": counts.get("random", 0),
                "targeted_tasks": counts.get("targeted", 0),
                "done": counts.get("done", 0),
            }
        )
    return result

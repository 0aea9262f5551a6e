"""Every state change of draws and tasks goes through here (views, the API, the CLI and tests).

A draw runs in four recorded steps, each an audit-chain row carrying the value it fixes:

1. commit   — the seed is drawn (``secrets``, or SHA-256 of a public value the district names) and
              only SHA-256(seed), the commitment, is written: the row is committed before anything else;
2. freeze   — the candidate pools are frozen into one canonical JSON document, stored with its SHA-256;
3. draw     — the engine (``zhifa.planning.draw``) computes the result from (seed, pools); the result's
              rows, tasks and SHA-256 are stored;
4. reveal   — the seed itself is written, so that anyone can check it against the commitment and
              recompute the result (``verify_draw`` / ``zhifa draw verify``).

A draw is never changed or deleted: drawing again is a new draw with a reason, the old one superseded
and its tasks not yet started cancelled with that reason.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import crypto
from zhifa.core.audit import compute_hash, record
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids
from zhifa.enterprises.models import Enterprise
from zhifa.experts.models import Expert, ExpertConflict
from zhifa.inspections.choices import InspectionOrigin, InspectionStatus
from zhifa.inspections.models import ChecklistTemplate, Inspection
from zhifa.inspections.services import RuleViolation, check_team, start_inspection
from zhifa.orgs.models import Officer, Region
from zhifa.planning import draw as engine
from zhifa.planning import pools
from zhifa.planning.choices import (
    DrawStatus,
    SwapReason,
    SwapRole,
    TargetedReason,
    TaskKind,
    TaskStatus,
)
from zhifa.planning.models import (
    AnnualPlan,
    Draw,
    DrawAssignment,
    FrequencyRuleSet,
    OfficerConflict,
    PlanBoardMonth,
    Task,
    TaskEvent,
    TaskSwap,
)
from zhifa.planning.plan import plan_in_force, require, the_district
from zhifa.planning.workdays import month_bounds, working_days

DRAW_OBJECT = "planning.draw"


class DrawError(ValidationError):
    """A draw refused, with the reason."""


def seed_from_source(source: str) -> bytes:
    """A public value's seed: SHA-256 of its UTF-8 text, exactly as written in ``seed_source``."""
    return hashlib.sha256(source.encode("utf-8")).digest()


def commitment_of(seed: bytes) -> str:
    """SHA-256 rather than SM3 (zhifa.core.crypto offers both): any member of the public can check a
    SHA-256 with the tools on their own computer (``sha256sum``, a spreadsheet add-in, a browser)."""
    return crypto.sha256_hex(seed)


def _draw_row(draw: Draw, step: str, after: dict, message: str, user) -> None:
    record(AuditAction.TRANSITION, draw, after={"step": step, **after}, message=message, user=user)


# --- Scope, quotas, parameters ---------------------------------------------------------------------


def _check_scope(user, board: Region | None, cross: bool) -> None:
    require(user, "planning.add_draw")
    if board is None or cross:
        if not is_district_wide(user):
            raise PermissionDenied(_("全区抽取和交叉执法抽取由区局组织"))
        return
    if not is_district_wide(user) and board.pk not in board_ids(user):
        raise PermissionDenied(_("只能为本板块抽取"))


def active_overlap(year: int, month: int, board: Region | None) -> Draw | None:
    """An active draw of the same month whose scope overlaps (the district covers every board)."""
    draws = Draw.objects.active().filter(year=year, month=month)
    if board is not None:
        draws = draws.filter(Q(board=board) | Q(board__isnull=True))
    return draws.order_by("pk").first()


def plan_quotas(
    district: Region, boards: list[Region], year: int, month: int
) -> tuple[dict[int, int], AnnualPlan]:
    """Random quotas from the approved plan, less random tasks already live for the board-month."""
    plan = plan_in_force(district, year)
    if plan is None:
        raise DrawError(
            _("%(y)s 年度监督检查计划尚未批准：请先编制并报区局领导批准，或指定配额") % {"y": year}
        )
    rows = dict(
        PlanBoardMonth.objects.filter(plan=plan, month=month, board__in=boards).values_list(
            "board_id", "random_quota"
        )
    )
    first, last = month_bounds(year, month)
    taken: dict[int, int] = {}
    for board_id in (
        Task.objects.live()
        .filter(kind=TaskKind.RANDOM, board__in=boards, planned_date__gte=first, planned_date__lte=last)
        .values_list("board_id", flat=True)
    ):
        taken[board_id] = taken.get(board_id, 0) + 1
    return {b.pk: max(0, rows.get(b.pk, 0) - taken.get(b.pk, 0)) for b in boards}, plan


def draw_params(
    ruleset: FrequencyRuleSet, *, cross: bool, quotas: dict[int, int], engine_params: dict | None = None
) -> dict:
    params = {**pools.figures_params(ruleset), **engine.ENGINE_DEFAULTS, **(engine_params or {})}
    params["cross"] = bool(cross)
    params["quotas"] = {str(k): int(v) for k, v in sorted(quotas.items())}
    return params


# --- The draw --------------------------------------------------------------------------------------


@dataclass
class DrawOutcome:
    draw: Draw
    result: engine.DrawResult
    seed_hex: str


def commit_draw(
    *,
    user,
    year: int,
    month: int,
    board: Region | None = None,
    cross: bool = False,
    seed_source: str = "",
    reason: str = "",
    quotas: dict[int, int] | None = None,
    supersede: Draw | None = None,
    engine_params: dict | None = None,
    not_before: date | None = None,
) -> tuple[Draw, bytes]:
    """Step 1: choose the seed and publish its commitment (committed to the database at once).

    Returns the draw and the seed, which the caller keeps for ``perform_draw`` (the system does not
    store the seed until it is revealed)."""
    _check_scope(user, board, cross)
    district = board.parent if board is not None and board.parent is not None else the_district()
    if supersede is not None:
        if supersede.status == DrawStatus.SUPERSEDED:
            raise DrawError(_("该抽取已被取代"))
        if not reason.strip():
            raise DrawError(_("重新抽取须写明理由"))
    existing = active_overlap(year, month, board)
    if existing is not None and existing != supersede:
        raise DrawError(
            _("%(m)s 已有有效的抽取 #%(id)s（%(scope)s）：重新抽取须以新抽取取代它并写明理由")
            % {"m": f"{year}-{month:02d}", "id": existing.pk, "scope": existing.board or _("全区")}
        )
    boards = pools.scope_boards(district, board)
    plan: AnnualPlan | None
    if quotas is None:
        quotas, plan = plan_quotas(district, boards, year, month)
        if supersede is not None:
            # The superseded draw's tasks not yet started are cancelled by this draw: count them back.
            for board_id in supersede.tasks.filter(status=TaskStatus.PLANNED).values_list(
                "board_id", flat=True
            ):
                quotas[board_id] = quotas.get(board_id, 0) + 1
    else:
        plan = plan_in_force(district, year)
    ruleset = getattr(plan, "ruleset", None) or FrequencyRuleSet.current(date(year, month, 1))
    if ruleset is None:
        raise DrawError(_("没有生效的检查频次与上限版本"))
    params = draw_params(ruleset, cross=cross, quotas=quotas, engine_params=engine_params)
    params["not_before"] = not_before.isoformat() if not_before else None
    seed = seed_from_source(seed_source) if seed_source.strip() else secrets.token_bytes(32)
    with transaction.atomic():
        draw = Draw.objects.create(
            district=district,
            board=board,
            year=year,
            month=month,
            plan=plan,
            cross_enforcement=cross,
            params=params,
            algorithm_version=engine.algorithm_version(),
            seed_source=seed_source,
            commitment=commitment_of(seed),
            reason=reason.strip(),
            supersedes=supersede,
            created_by=user,
            committed_at=timezone.now(),
        )
        _draw_row(
            draw,
            "commit",
            {
                "commitment": draw.commitment,
                "seed_source": seed_source or "secrets",
                "params_sha256": engine.sha256_hex(engine.canonical(params)),
                "algorithm_version": draw.algorithm_version,
            },
            f"双随机抽取：公布随机种子承诺值 SHA-256(种子) = {draw.commitment}",
            user,
        )
    return draw, seed


def perform_draw(draw: Draw, seed: bytes, *, user) -> DrawOutcome:
    """Steps 2–4: supersede the old draw (if any), freeze the pools, draw, create tasks, reveal."""
    if commitment_of(seed) != draw.commitment:
        raise DrawError(_("种子与承诺值不符，不能抽取"))
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.status != DrawStatus.COMMITTED:
            raise DrawError(_("该抽取已执行"))
        if draw.supersedes is not None:
            _supersede(draw.supersedes, draw, user)
        params = draw.params
        not_before = date.fromisoformat(params["not_before"]) if params.get("not_before") else None
        days = [d for d in working_days(draw.year, draw.month) if not_before is None or d >= not_before]
        document = pools.build_pool(
            district=draw.district,
            board=draw.board,
            year=draw.year,
            month=draw.month,
            dates=days,
            params=params,
        )
        pool_bytes = engine.canonical(document)
        draw.pool_json = pool_bytes.decode("utf-8")
        draw.pool_hash = engine.sha256_hex(pool_bytes)
        draw.save(update_fields=["pool_json", "pool_hash"])
        _draw_row(
            draw,
            "pools",
            {
                "pool_sha256": draw.pool_hash,
                "enterprises": len(document["enterprises"]),
                "officers": len(document["officers"]),
                "experts": len(document["experts"]),
            },
            f"双随机抽取：冻结候选池 SHA-256 = {draw.pool_hash}",
            user,
        )
        result = engine.run(seed, document)
        problems = engine.violations(document, result.assignments)
        if problems:  # the engine never breaks a hard rule; refuse loudly if it ever does
            raise DrawError([_("抽取结果违反硬性规则，已停止：")] + problems[:20])
        _store_result(draw, result, user)
        draw.seed_hex = seed.hex()
        draw.status = DrawStatus.DRAWN
        draw.revealed_at = timezone.now()
        draw.save(update_fields=["seed_hex", "status", "revealed_at"])
        _draw_row(
            draw,
            "reveal",
            {"seed": draw.seed_hex, "commitment": draw.commitment},
            f"双随机抽取：公布随机种子 {draw.seed_hex}",
            user,
        )
    return DrawOutcome(draw, result, seed.hex())


def _store_result(draw: Draw, result: engine.DrawResult, user) -> None:
    document = result.as_document()
    draw.result_json = engine.canonical(document).decode("utf-8")
    draw.result_hash = result.assignments_hash
    draw.summary = result.summary()
    draw.diagnoses = result.diagnoses
    draw.drawn_at = timezone.now()
    draw.save(update_fields=["result_json", "result_hash", "summary", "diagnoses", "drawn_at"])
    rows = [
        DrawAssignment(
            draw=draw,
            position=i,
            enterprise_id=row["enterprise"],
            board_id=row["board"],
            planned_date=date.fromisoformat(row["date"]),
            officer_1_id=row["officers"][0],
            officer_2_id=row["officers"][1],
            expert_id=row["expert"],
        )
        for i, row in enumerate(result.assignments)
    ]
    DrawAssignment.objects.bulk_create(rows)
    # Bulk-created (no row-by-row audit): the result row below fixes them all by their hash.
    Task.objects.bulk_create(
        [
            Task(
                draw=draw,
                assignment=a,
                enterprise_id=a.enterprise_id,
                board_id=a.board_id,
                planned_date=a.planned_date,
                officer_1_id=a.officer_1_id,
                officer_2_id=a.officer_2_id,
                expert_id=a.expert_id,
                kind=TaskKind.RANDOM,
                created_by=user,
            )
            for a in rows
        ]
    )
    _draw_row(
        draw,
        "result",
        {"result_sha256": draw.result_hash, **{k: v for k, v in draw.summary.items() if k != "by_board"}},
        f"双随机抽取：抽取结果 SHA-256 = {draw.result_hash}（{len(rows)} 家）",
        user,
    )


def _supersede(old: Draw, new: Draw, user) -> None:
    old = Draw.objects.select_for_update().get(pk=old.pk)
    if old.status == DrawStatus.SUPERSEDED:
        raise DrawError(_("该抽取已被取代"))
    note = _("重新抽取（抽取 #%(id)s）：%(r)s") % {"id": new.pk, "r": new.reason}
    for task in old.tasks.filter(status=TaskStatus.PLANNED).order_by("pk"):
        _move_task(task, TaskStatus.CANCELLED, user=user, note=note[:300], cancel_reason=note[:300])
    previous = old.status
    old.status = DrawStatus.SUPERSEDED
    old.save(update_fields=["status"])
    record(
        AuditAction.TRANSITION,
        old,
        before={"status": previous},
        after={"status": DrawStatus.SUPERSEDED, "superseded_by": new.pk, "reason": new.reason},
        message=note,
        user=user,
    )


def run_draw(**kwargs) -> DrawOutcome:
    """Commit, draw and reveal in one go (the CLI; the two-step API is commit_draw + perform_draw)."""
    draw, seed = commit_draw(**kwargs)
    return perform_draw(draw, seed, user=kwargs["user"])


def redraw(old: Draw, *, user, reason: str, seed_source: str = "", quotas=None, **kwargs) -> DrawOutcome:
    """A new draw of the same scope and month, superseding ``old``; the reason is required.

    Without ``quotas`` the old draw's quotas are kept, less its tasks already started (they stay)."""
    if quotas is None:
        kept: dict[int, int] = {}
        for board_id in old.tasks.exclude(status__in=[TaskStatus.PLANNED, TaskStatus.CANCELLED]).values_list(
            "board_id", flat=True
        ):
            kept[board_id] = kept.get(board_id, 0) + 1
        quotas = {int(b): max(0, int(q) - kept.get(int(b), 0)) for b, q in old.params["quotas"].items()}
    return run_draw(
        user=user,
        year=old.year,
        month=old.month,
        board=old.board,
        cross=old.cross_enforcement,
        seed_source=seed_source,
        reason=reason,
        supersede=old,
        quotas=quotas,
        **kwargs,
    )


# --- Verification ----------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Verification:
    draw: Draw
    checks: list[Check] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and not self.differences

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok


def _audit_rows(draw: Draw) -> dict[str, list[AuditEntry]]:
    rows: dict[str, list[AuditEntry]] = {}
    for entry in AuditEntry.objects.filter(object_type=DRAW_OBJECT, object_id=str(draw.pk)).order_by("id"):
        step = (entry.after or {}).get("step")
        if step:
            rows.setdefault(step, []).append(entry)
    return rows


def verify_draw(draw: Draw) -> Verification:
    """Recompute a draw from its stored seed and pools and compare everything (read-only)."""
    report = Verification(draw)
    if draw.status == DrawStatus.COMMITTED or not draw.seed_hex:
        report.add("状态", False, _("该抽取尚未完成，种子未公开"))
        return report
    try:
        seed = bytes.fromhex(draw.seed_hex)
    except ValueError:
        report.add("种子", False, _("存储的种子不是十六进制"))
        return report
    report.add(
        "种子与承诺值",
        crypto.constant_time_equal(commitment_of(seed), draw.commitment),
        _("SHA-256(种子) = %(h)s，承诺值 = %(c)s") % {"h": commitment_of(seed), "c": draw.commitment},
    )
    if draw.seed_source.strip():
        report.add(
            "种子来源",
            seed == seed_from_source(draw.seed_source),
            _("种子应为 SHA-256(“%(s)s”)") % {"s": draw.seed_source},
        )
    # The audit chain: each step's row is intact and names the values stored on the draw.
    rows = _audit_rows(draw)
    expected = {
        "commit": ("commitment", draw.commitment),
        "pools": ("pool_sha256", draw.pool_hash),
        "result": ("result_sha256", draw.result_hash),
        "reveal": ("seed", draw.seed_hex),
    }
    for step, (key, value) in expected.items():
        entries = rows.get(step, [])
        if len(entries) != 1:
            report.add(f"审计记录（{step}）", False, _("应有 1 条，实有 %(n)s 条") % {"n": len(entries)})
            continue
        entry = entries[0]
        intact = crypto.constant_time_equal(compute_hash(entry), entry.hash)
        same = (entry.after or {}).get(key) == value
        report.add(
            f"审计记录（{step}）",
            intact and same,
            ""
            if intact and same
            else (_("审计记录被改动") if not intact else _("与抽取中存储的 %(k)s 不符") % {"k": key}),
        )
    commit_rows = rows.get("commit", [])
    if commit_rows and rows.get("pools") and commit_rows[0].pk > rows["pools"][0].pk:
        report.add("顺序", False, _("候选池在公布承诺值之前冻结"))
    if commit_rows:
        params_hash = engine.sha256_hex(engine.canonical(draw.params))
        report.add(
            "抽取参数",
            (commit_rows[0].after or {}).get("params_sha256") == params_hash,
            _("抽取参数与公布承诺值时记录的不符"),
        )
    pool_bytes = draw.pool_json.encode("utf-8")
    if not report.add("候选池哈希", engine.sha256_hex(pool_bytes) == draw.pool_hash, _("冻结的候选池被改动")):
        return report
    document = json.loads(draw.pool_json)
    report.add("候选池规范格式", engine.canonical(document) == pool_bytes, _("候选池不是规范 JSON"))
    report.add("候选池参数", document.get("params") == draw.params, _("候选池中的参数与抽取参数不符"))
    version_ok = report.add(
        "算法版本",
        draw.algorithm_version == engine.algorithm_version(),
        _("抽取时为 %(a)s，本机为 %(b)s：请用相同版本复核")
        % {"a": draw.algorithm_version, "b": engine.algorithm_version()},
    )
    stored = [a.as_row() for a in draw.assignments.order_by("position")]
    report.add(
        "结果哈希",
        engine.sha256_hex(engine.canonical(stored)) == draw.result_hash,
        _("存储的抽取结果与其哈希不符"),
    )
    problems = engine.violations(document, stored)
    report.add("硬性规则", not problems, "；".join(problems[:10]))
    if version_ok:
        recomputed = engine.run(seed, document).assignments
        report.differences.extend(_diff(stored, recomputed))
        report.add("重算结果", not report.differences, _("%(n)s 处不同") % {"n": len(report.differences)})
    for swap in draw.swaps.order_by("counter"):
        report.differences.extend(_verify_swap(draw, seed, swap))
    return report


def _diff(stored: list[dict], recomputed: list[dict]) -> list[str]:
    a = {r["enterprise"]: r for r in stored}
    b = {r["enterprise"]: r for r in recomputed}
    out = []
    for enterprise_id in sorted(set(a) | set(b)):
        left, right = a.get(enterprise_id), b.get(enterprise_id)
        if left == right:
            continue
        if left is None:
            out.append(_("企业 %(e)s：重算抽中，存储结果中没有") % {"e": enterprise_id})
        elif right is None:
            out.append(_("企业 %(e)s：存储结果中有，重算未抽中") % {"e": enterprise_id})
        else:
            out.append(
                _("企业 %(e)s：存储为 %(l)s，重算为 %(r)s")
                % {
                    "e": enterprise_id,
                    "l": f"{left['date']} 执法人员 {left['officers']} 专家 {left['expert']}",
                    "r": f"{right['date']} 执法人员 {right['officers']} 专家 {right['expert']}",
                }
            )
    return out


def _verify_swap(draw: Draw, seed: bytes, swap: TaskSwap) -> list[str]:
    where = _("换人 #%(n)s（任务 %(t)s）") % {"n": swap.counter, "t": swap.task_id}
    if engine.sha256_hex(swap.candidates_json.encode("utf-8")) != swap.candidates_hash:
        return [f"{where}：" + _("冻结的候选人员被改动")]
    picked = engine.pick_replacement(seed, swap.counter, json.loads(swap.candidates_json))
    if picked != swap.incoming_id:
        return [f"{where}：" + _("存储的替换人员 %(a)s，重算为 %(b)s") % {"a": swap.incoming_id, "b": picked}]
    return []


# --- Tasks -----------------------------------------------------------------------------------------

#: (from, to): what the step is
TASK_TRANSITIONS: dict[tuple[str, str], str] = {
    (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS): "开始检查",
    (TaskStatus.IN_PROGRESS, TaskStatus.DONE): "现场检查记录已签署",
    (TaskStatus.PLANNED, TaskStatus.CANCELLED): "取消任务",
    (TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED): "取消任务（检查草稿保留）",
}


def _move_task(task: Task, to_status: str, *, user, note: str = "", cancel_reason: str = "") -> Task:
    key = (task.status, to_status)
    if key not in TASK_TRANSITIONS:
        raise RuleViolation(
            _("任务不能从“%(a)s”变为“%(b)s”")
            % {"a": task.get_status_display(), "b": TaskStatus(to_status).label}
        )
    previous = task.status
    task.status = to_status
    fields = ["status"]
    if to_status == TaskStatus.CANCELLED:
        task.cancel_reason = cancel_reason
        fields.append("cancel_reason")
    task.save(update_fields=fields)
    TaskEvent.objects.create(
        task=task,
        from_status=previous,
        to_status=to_status,
        actor=user,
        note=(note or TASK_TRANSITIONS[key])[:300],
    )
    return task


def _task_in_scope(task: Task, user, perm: str) -> None:
    require(user, perm)
    if not Task.objects.restrict(user, "view").filter(pk=task.pk).exists():
        raise PermissionDenied(_("该任务不在您的管辖范围内"))


def checklist_for(enterprise: Enterprise) -> ChecklistTemplate:
    """The latest published checklist of the enterprise's expert group, else the general one."""
    latest = list(
        ChecklistTemplate.objects.latest_published().select_related("expert_group").order_by("code")
    )
    for template in latest:
        if template.expert_group_id and template.expert_group.covers(enterprise.industry_id):
            return template
    general = [t for t in latest if t.expert_group_id is None]
    if not general:
        raise RuleViolation(_("没有已发布的检查表：请先发布通用检查表"))
    return general[0]


def start_inspection_for_task(task: Task, user) -> Inspection:
    """Open the inspection draft of a planned task: its team (two officers, the expert), the planned
    or targeted origin, cross enforcement as drawn, and the checklist of the enterprise's group."""
    _task_in_scope(task, user, "inspections.add_inspection")
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("enterprise", "board", "draw")
            .get(pk=task.pk)
        )
        if task.status != TaskStatus.PLANNED:
            raise RuleViolation(_("只有待检查的任务可以开始检查"))
        cross = bool(task.draw and task.draw.cross_enforcement)
        officers = list(Officer.objects.filter(pk__in=task.officer_ids).select_related("unit"))
        officers.sort(key=lambda o: task.officer_ids.index(o.pk))
        team = check_team(officers, task.board, task.planned_date, cross_enforcement=cross)
        if not team.ok:
            raise RuleViolation(team.problems + [_("请由板块分管领导换人后再开始检查")])
        origins: dict[str, str] = {
            TargetedReason.COMPLAINT: InspectionOrigin.COMPLAINT,
            TargetedReason.FOLLOW_UP: InspectionOrigin.FOLLOW_UP,
        }
        origin = origins.get(
            task.targeted_reason,
            InspectionOrigin.TARGETED if task.kind == TaskKind.TARGETED else InspectionOrigin.PLANNED,
        )
        inspection = start_inspection(
            enterprise=task.enterprise,
            checklist=checklist_for(task.enterprise),
            user=user,
            officers=officers,
            expert=task.expert,
            origin=origin,
            cross_enforcement=cross,
        )
        task.inspection = inspection
        task.save(update_fields=["inspection"])
        _move_task(
            task,
            TaskStatus.IN_PROGRESS,
            user=user,
            note=_("开始检查（检查记录 #%(id)s）") % {"id": inspection.pk},
        )
    return inspection


def complete_task_for(inspection: Inspection) -> None:
    """A signed-off inspection completes its task (called from the inspection's post_save)."""
    if inspection.status != InspectionStatus.SIGNED_OFF:
        return
    task = Task.objects.filter(inspection=inspection, status=TaskStatus.IN_PROGRESS).first()
    if task is not None:
        _move_task(task, TaskStatus.DONE, user=inspection.signed_off_by)


def cancel_task(task: Task, *, user, reason: str) -> Task:
    _task_in_scope(task, user, "planning.cancel_task")
    if not reason.strip():
        raise ValidationError({"reason": _("取消任务须写明原因")})
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        return _move_task(
            locked, TaskStatus.CANCELLED, user=user, note=reason.strip(), cancel_reason=reason.strip()[:300]
        )


def create_targeted_task(
    *,
    user,
    enterprise: Enterprise,
    planned_date: date,
    reason_kind: str,
    reason: str,
    officers: list[Officer],
    expert: Expert | None = None,
    plan_item=None,
) -> Task:
    """A targeted task (key enterprise, complaint, follow-up, campaign) made by hand, with its reason.
    The team meets the same rule as a drawn one: two officers certified on the date, on a valid
    footing, without declared conflicts; an expert of a covering group, not conflicted or employed."""
    require(user, "planning.add_task")
    if not Enterprise.objects.restrict(user, "view").filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("该企业不在您的管辖范围内"))
    if reason_kind not in TargetedReason.values or not reason.strip():
        raise ValidationError({"reason": _("定向检查须选择事由并写明说明")})
    if len(officers) != 2 or officers[0].pk == officers[1].pk:
        raise ValidationError({"officers": _("须指定两名不同的执法人员")})
    team = check_team(officers, enterprise.board, planned_date, cross_enforcement=False)
    problems = list(team.problems)
    conflicted = set(
        OfficerConflict.objects.filter(enterprise=enterprise, officer__in=officers).values_list(
            "officer__name", flat=True
        )
    )
    problems += [_("%(n)s 对该企业申报了回避") % {"n": name} for name in sorted(conflicted)]
    if expert is not None:
        problems += expert_problems(expert, enterprise, planned_date)
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        return Task.objects.create(
            enterprise=enterprise,
            board=enterprise.board,
            planned_date=planned_date,
            officer_1=officers[0],
            officer_2=officers[1],
            expert=expert,
            kind=TaskKind.TARGETED,
            targeted_reason=reason_kind,
            reason=reason.strip()[:300],
            plan_item=plan_item,
            created_by=user,
        )


def expert_problems(expert: Expert, enterprise: Enterprise, on: date) -> list[str]:
    problems = []
    if not expert.active:
        problems.append(_("专家 %(n)s 已不在库") % {"n": expert.name})
    if not any(g.covers(enterprise.industry_id) for g in expert.groups.all()):
        problems.append(_("专家 %(n)s 的专业组不覆盖该企业的行业") % {"n": expert.name})
    if expert.employer_uscc == enterprise.uscc:
        problems.append(_("专家 %(n)s 受雇于该企业，应回避") % {"n": expert.name})
    if ExpertConflict.objects.filter(expert=expert, enterprise=enterprise).exists():
        problems.append(_("专家 %(n)s 对该企业申报了回避") % {"n": expert.name})
    if not expert.is_available_on(on):
        problems.append(_("专家 %(n)s 在 %(d)s 不在可用时段") % {"n": expert.name, "d": on.isoformat()})
    return problems


def swap_member(
    task: Task,
    *,
    user,
    role: str,
    outgoing_id: int,
    reason_kind: str,
    reason: str,
) -> TaskSwap:
    """Replace one member of a drawn task (board leader, with the reason). The replacement is drawn by
    the draw's rules from candidates frozen now, seeded from the draw's seed and this swap's counter."""
    require(user, "planning.swap_task")
    if task.board_id not in board_ids(user):
        raise PermissionDenied(_("只有任务所在板块的分管领导可以换人"))
    if reason_kind not in SwapReason.values or not reason.strip():
        raise ValidationError({"reason": _("换人须选择原因并写明说明")})
    if role not in SwapRole.values:
        raise ValidationError({"role": _("角色无效")})
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",)).select_related("enterprise", "draw").get(pk=task.pk)
        )
        if task.draw is None:
            raise RuleViolation(_("定向检查任务请取消后重新指定"))
        if task.status != TaskStatus.PLANNED:
            raise RuleViolation(_("只有待检查的任务可以换人"))
        members = task.officer_ids if role == SwapRole.OFFICER else [task.expert_id]
        if outgoing_id not in members:
            raise ValidationError({"outgoing": _("换下的人员不是该任务的成员")})
        draw = Draw.objects.select_for_update().get(pk=task.draw.pk)
        if not draw.seed_hex:
            raise RuleViolation(_("抽取尚未完成"))
        if reason_kind == SwapReason.CONFLICT:
            _declare_conflict(role, outgoing_id, task.enterprise, reason.strip(), user)
        document = swap_candidates(task, draw, role, outgoing_id)
        counter = draw.swap_counter + 1
        seed = bytes.fromhex(draw.seed_hex)
        incoming = engine.pick_replacement(seed, counter, document)
        if incoming is None:
            who = _("执法人员") if role == SwapRole.OFFICER else _("专家")
            raise RuleViolation(
                _(
                    "%(d)s %(b)s：没有符合条件的替换%(who)s（候选 %(n)s 名均不符合持证、回避、轮换或工作量规则）"
                )
                % {"d": task.planned_date, "b": task.board, "who": who, "n": len(document["candidates"])}
            )
        if role == SwapRole.OFFICER:
            if task.officer_1_id == outgoing_id:
                task.officer_1_id = incoming
            else:
                task.officer_2_id = incoming
            task.save(update_fields=["officer_1", "officer_2"])
        else:
            task.expert_id = incoming
            task.save(update_fields=["expert"])
        candidates_bytes = engine.canonical(document)
        swap = TaskSwap.objects.create(
            task=task,
            draw=draw,
            counter=counter,
            role=role,
            outgoing_id=outgoing_id,
            incoming_id=incoming,
            reason_kind=reason_kind,
            reason=reason.strip()[:300],
            candidates_json=candidates_bytes.decode("utf-8"),
            candidates_hash=engine.sha256_hex(candidates_bytes),
            actor=user,
        )
        draw.swap_counter = counter
        draw.save(update_fields=["swap_counter"])
        record(
            AuditAction.TRANSITION,
            draw,
            after={
                "step": "swap",
                "counter": counter,
                "task": task.pk,
                "role": role,
                "outgoing": outgoing_id,
                "incoming": incoming,
                "candidates_sha256": swap.candidates_hash,
                "reason": swap.reason,
            },
            message=_("任务换人 #%(n)s：%(r)s") % {"n": counter, "r": swap.reason},
            user=user,
        )
    return swap


def _declare_conflict(role: str, member_id: int, enterprise: Enterprise, reason: str, user) -> None:
    if role == SwapRole.OFFICER:
        OfficerConflict.objects.get_or_create(
            officer_id=member_id, enterprise=enterprise, defaults={"reason": reason[:200]}
        )
    else:
        ExpertConflict.objects.get_or_create(
            expert_id=member_id, enterprise=enterprise, defaults={"reason": reason[:200]}
        )


def swap_candidates(task: Task, draw: Draw, role: str, outgoing_id: int) -> dict:
    """The frozen candidate document of a swap: the enterprise as the pool states it now, the members
    not to pick, and every candidate of the role with what the rules read (loads without this task)."""
    first, last = month_bounds(task.planned_date.year, task.planned_date.month)
    params = draw.params
    enterprise = _enterprise_record(task)
    staying = [
        m for m in (task.officer_ids if role == SwapRole.OFFICER else [task.expert_id]) if m != outgoing_id
    ]
    document = {
        "format": "zhifa-swap/1",
        "month": draw.label,
        "params": params,
        "date": task.planned_date.isoformat(),
        "task": task.pk,
        "role": role,
        "enterprise": enterprise,
        "exclude": sorted([outgoing_id, *(m for m in staying if m is not None)]),
    }
    if role == SwapRole.OFFICER:
        officers_qs = pools.officers_for_scope(
            draw.district, task.board, cross=params["cross"], posts=params["posts"]
        )
        document["candidates"] = pools.officer_records(officers_qs, first, last, exclude_task=task.pk)
    else:
        groups = pools.group_records()
        document["groups"] = groups
        needed = {g["id"] for g in groups if engine.covers(g, enterprise["industry"])}
        document["candidates"] = pools.expert_records(needed, first, last, exclude_task=task.pk)
    return document


def _enterprise_record(task: Task) -> dict:
    records, _ = pools.enterprise_records(
        [task.board_id],
        task.planned_date.year,
        _NoRules(),
        extra_filter=Q(pk=task.enterprise_id),
    )
    return records[0]


class _NoRules:
    """Admits every enterprise (a swap concerns an enterprise already drawn)."""

    def candidate_problem(self, record) -> None:
        return None


# --- Monthly quotas --------------------------------------------------------------------------------


def monthly_quota(board: Region, year: int, month: int) -> dict:
    """A board's month: the plan's quotas against live tasks by kind and those signed off."""
    plan = plan_in_force(board.parent, year) if board.parent is not None else None
    row = PlanBoardMonth.objects.filter(plan=plan, board=board, month=month).first() if plan else None
    first, last = month_bounds(year, month)
    tasks = Task.objects.live().filter(board=board, planned_date__gte=first, planned_date__lte=last)
    return {
        "board": board.name,
        "month": f"{year}-{month:02d}",
        "plan_version": plan.version if plan else None,
        "required": row.required if row else 0,
        "random_quota": row.random_quota if row else 0,
        "targeted_quota": row.targeted_quota if row else 0,
        "random_tasks": tasks.filter(kind=TaskKind.RANDOM).count(),
        "targeted_tasks": tasks.filter(kind=TaskKind.TARGETED).count(),
        "done": tasks.counted().count(),
    }

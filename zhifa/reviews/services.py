"""Every change to reviews, rounds, assignments and scores goes through here (pages, the API, the CLI
and tests).

Drawing the files of a round follows the 2+1 draw (``zhifa.planning.services``), each step an audit-chain
row carrying the value it fixes:

1. commit — the candidates (closed and archived files of the period, per board, sorted; the reviewer pool;
            who took part in each case) are frozen into one canonical JSON document, and a seed is drawn
            (``secrets.token_hex``); SHA-256(seed) and SHA-256(document) are written and committed to
            the database before the seed decides anything;
2. result — ``zhifa.reviews.sampling.run(seed, document)`` picks the files and their reviewers; the rows
            and their SHA-256 are stored;
3. reveal — the seed itself is written, so that anyone can check it against the commitment and recompute
            the files and reviewers (``verify_round`` / ``zhifa reviews verify ROUND``).

A score sheet is written once. The reviewer submits it; the round's organiser corrects it as a new
version with a reason; nothing is overwritten.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.accounts.models import User
from zhifa.cases.choices import CaseStatus
from zhifa.cases.models import Case, CaseEvent, CaseOfficer
from zhifa.core import crypto
from zhifa.core.audit import compute_hash, record
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.permissions import role_permissions
from zhifa.core.roles import Role
from zhifa.orgs.models import Officer, Pairing, Region, Secondment
from zhifa.reviews import sampling
from zhifa.reviews.choices import AssignmentStatus, Award, ItemKind, RoundStatus, RubricStatus
from zhifa.reviews.models import (
    ReviewAssignment,
    ReviewRound,
    Rubric,
    RubricItem,
    Score,
    ScoreSheet,
    points_text,
)
from zhifa.reviews.precheck import precheck

ROUND_OBJECT = "reviews.reviewround"
ORGANISE = "reviews.change_reviewround"
SCORE = "reviews.score_reviewassignment"
CORRECT = "reviews.correct_reviewassignment"
#: Who reviews when a round names nobody: board leaders and officers (of other boards) and the brigade.
DEFAULT_POOL_ROLES = (Role.BOARD_LEADER, Role.BOARD_OFFICER, Role.BRIGADE_OFFICER)
CANDIDATE_STATUSES = (CaseStatus.CLOSED, CaseStatus.ARCHIVED)
CENT = Decimal("0.01")


class ReviewError(ValidationError):
    """A step of a round refused, with the reason."""


def require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def reviewer_roles() -> frozenset[str]:
    """Roles that may be given files to score (the permission map decides)."""
    return frozenset(role for role in Role.values if SCORE in role_permissions(role))


def commitment_of(seed: bytes) -> str:
    """SHA-256, as for the 2+1 draw: anyone can check it with the tools on their own computer."""
    return crypto.sha256_hex(seed)


def _step(round_: ReviewRound, step: str, after: dict, message: str, user) -> None:
    record(AuditAction.TRANSITION, round_, after={"step": step, **after}, message=message, user=user)


def _locked(round_: ReviewRound) -> ReviewRound:
    return ReviewRound.objects.select_for_update(of=("self",)).select_related("rubric").get(pk=round_.pk)


# --- Rounds ------------------------------------------------------------------------------------------------


def save_round(round_: ReviewRound, *, user, pool: Iterable[User] | None = None) -> ReviewRound:
    """Create a round (its organiser is the user) or change one still in draft."""
    require(user, "reviews.add_reviewround" if round_.pk is None else ORGANISE)
    if round_.pk is None:
        round_.organiser = user
        round_.status = RoundStatus.DRAFT
    pool = list(pool) if pool is not None else None
    if pool is not None:
        allowed = reviewer_roles()
        wrong = [u.get_full_name() or u.username for u in pool if u.role not in allowed or not u.is_active]
        if wrong:
            raise ValidationError(
                {"reviewer_pool": _("以下账号不能担任评查人：%(n)s") % {"n": "、".join(wrong)}}
            )
    round_.full_clean(exclude=["organiser"])
    with transaction.atomic():
        if round_.pk is not None:
            current = _locked(round_)
            if current.status != RoundStatus.DRAFT:
                raise ReviewError(_("本轮已抽取案卷，设置不能再修改"))
        round_.save()
        if pool is not None:
            round_.reviewer_pool.set(pool)
    return round_


def candidate_cases(round_: ReviewRound):
    """Files the round draws from: cases closed (or since archived) within its period."""
    return Case.objects.filter(
        status__in=CANDIDATE_STATUSES,
        closed_on__gte=round_.period_start,
        closed_on__lte=round_.period_end,
    )


def pool_users(round_: ReviewRound) -> list[User]:
    chosen = round_.reviewer_pool.all()
    users = chosen if chosen.exists() else User.objects.filter(role__in=DEFAULT_POOL_ROLES)
    return list(users.filter(is_active=True, role__in=reviewer_roles()).order_by("pk"))


def reviewer_records(users: list[User], on: date) -> list[dict]:
    """Each reviewer and the boards they belong to on ``on``: the account's board, the unit of their
    officer record, boards of a secondment or pairing in force (none of those may they review)."""
    officer_ids = [u.officer_id for u in users if u.officer_id]
    units = dict(Officer.objects.filter(pk__in=officer_ids).values_list("pk", "unit_id"))
    attached: dict[int, set[int]] = defaultdict(set)
    for model in (Secondment, Pairing):
        for officer_id, region_id in (
            model.objects.active_on(on).filter(officer__in=officer_ids).values_list("officer_id", "region_id")
        ):
            attached[officer_id].add(region_id)
    records = []
    for user in users:
        unit = units.get(user.officer_id) if user.officer_id else None
        boards = {user.region_id, unit} | (attached.get(user.officer_id, set()) if user.officer_id else set())
        records.append({"id": user.pk, "boards": sorted(b for b in boards if b is not None)})
    return records


def build_document(round_: ReviewRound, on: date) -> dict:
    """The frozen candidates: everything ``sampling.run`` reads, and nothing else."""
    cases = candidate_cases(round_)
    boards: dict[str, list[int]] = defaultdict(list)
    for pk, board_id in cases.values_list("pk", "board_id").order_by("pk"):
        boards[str(board_id)].append(pk)
    involved: dict[int, set[int]] = defaultdict(set)
    for case_id, actor_id in CaseEvent.objects.filter(case__in=cases.values("pk")).values_list(
        "case_id", "actor_id"
    ):
        involved[case_id].add(actor_id)
    handlers = CaseOfficer.objects.filter(case__in=cases.values("pk"))
    user_of = dict(
        User.objects.filter(officer__in=handlers.values("officer")).values_list("officer_id", "pk")
    )
    for case_id, officer_id in handlers.values_list("case_id", "officer_id"):
        if officer_id in user_of:
            involved[case_id].add(user_of[officer_id])
    return {
        "format": sampling.FORMAT,
        "algorithm": sampling.ENGINE,
        "round": round_.pk,
        "period": [round_.period_start.isoformat(), round_.period_end.isoformat()],
        "per_board": round_.per_board,
        "boards": {b: sorted(ids) for b, ids in boards.items()},
        "involved": {str(c): sorted(users) for c, users in sorted(involved.items())},
        "reviewers": reviewer_records(pool_users(round_), on),
    }


def sample(round_: ReviewRound, *, user) -> ReviewRound:
    """Draw the round's files and their reviewers: commit, draw, reveal (see the module's docstring)."""
    require(user, ORGANISE)
    round_ = ReviewRound.objects.get(pk=round_.pk)
    if round_.status != RoundStatus.DRAFT:
        raise ReviewError(_("本轮已抽取案卷"))
    document = build_document(round_, timezone.localdate())
    files = sum(len(ids) for ids in document["boards"].values())
    if not files:
        raise ReviewError(
            _("%(a)s 至 %(b)s 没有已结案或已归档的案件可供抽取")
            % {"a": round_.period_start, "b": round_.period_end}
        )
    if not document["reviewers"]:
        raise ReviewError(_("没有可以担任评查人的账号"))
    stuck = sampling.unreviewable(document)
    if stuck:
        numbers = Case.objects.filter(pk__in=stuck).order_by("pk").values_list("registration_number", "pk")
        raise ReviewError(
            _("以下案件没有其他板块、且未参与办案的评查人员，请增加评查人员：%(c)s")
            % {"c": "、".join(number or f"#{pk}" for number, pk in numbers)}
        )
    seed = bytes.fromhex(secrets.token_hex(32))
    frozen = sampling.canonical(document)
    with transaction.atomic():
        round_ = _locked(round_)
        if round_.status != RoundStatus.DRAFT:
            raise ReviewError(_("本轮已抽取案卷"))
        previous = round_.commitment
        round_.algorithm = sampling.ENGINE
        round_.commitment = commitment_of(seed)
        round_.committed_at = timezone.now()
        round_.candidates_json = frozen.decode("utf-8")
        round_.candidates_hash = sampling.sha256_hex(frozen)
        round_.save(
            update_fields=["algorithm", "commitment", "committed_at", "candidates_json", "candidates_hash"]
        )
        _step(
            round_,
            "commit",
            {
                "commitment": round_.commitment,
                "candidates_sha256": round_.candidates_hash,
                "algorithm": sampling.ENGINE,
                "candidates": files,
                "reviewers": len(document["reviewers"]),
                **({"replaces": previous} if previous else {}),
            },
            f"案卷抽取：公布随机种子承诺值 SHA-256(种子) = {round_.commitment}，候选案卷 SHA-256 = "
            f"{round_.candidates_hash}（{files} 件）",
            user,
        )
    # Committed: the commitment and the candidates are in the chain before the seed picks anything.
    with transaction.atomic():
        round_ = _locked(round_)
        if round_.status != RoundStatus.DRAFT or round_.commitment != commitment_of(seed):
            raise ReviewError(_("本轮已由他人重新抽取，请刷新"))
        rows = sampling.run(seed, json.loads(round_.candidates_json))
        if any(row["reviewer"] is None for row in rows):  # excluded above; refuse loudly if it ever happens
            raise ReviewError(_("抽取结果中有案卷没有评查人，已停止"))
        ReviewAssignment.objects.bulk_create(
            [
                ReviewAssignment(
                    round=round_,
                    position=row["position"],
                    case_id=row["case"],
                    board_id=row["board"],
                    reviewer_id=row["reviewer"],
                )
                for row in rows
            ]
        )
        round_.result_hash = sampling.result_hash(rows)
        by_board: dict[str, int] = defaultdict(int)
        for row in rows:
            by_board[str(row["board"])] += 1
        # Bulk-created (no row-by-row audit): the result row fixes them all by their hash.
        _step(
            round_,
            "result",
            {"result_sha256": round_.result_hash, "files": len(rows), "by_board": dict(by_board)},
            f"案卷抽取：抽取结果 SHA-256 = {round_.result_hash}（{len(rows)} 件）",
            user,
        )
        round_.seed_hex = seed.hex()
        round_.revealed_at = timezone.now()
        round_.status = RoundStatus.SAMPLED
        round_.save(update_fields=["result_hash", "seed_hex", "revealed_at", "status"])
        _step(
            round_,
            "reveal",
            {"seed": round_.seed_hex, "commitment": round_.commitment},
            f"案卷抽取：公布随机种子 {round_.seed_hex}",
            user,
        )
    return round_


def start_scoring(round_: ReviewRound, *, user) -> ReviewRound:
    """Run the automatic pre-check on every drawn file, then open scoring."""
    require(user, ORGANISE)
    with transaction.atomic():
        round_ = _locked(round_)
        if round_.status != RoundStatus.SAMPLED:
            raise ReviewError(_("只有已抽取案卷、尚未开始评分的一轮可以开始评分"))
        now = timezone.now()
        for assignment in round_.assignments.select_related("case", "case__board").order_by("position"):
            assignment.findings = [f.as_dict() for f in precheck(assignment.case)]
            assignment.prechecked_at = now
            assignment.save(update_fields=["findings", "prechecked_at"])
        round_.status = RoundStatus.SCORING
        round_.scoring_started_at = now
        round_.save(update_fields=["status", "scoring_started_at"])
    return round_


def finish(round_: ReviewRound, *, user) -> ReviewRound:
    require(user, ORGANISE)
    with transaction.atomic():
        round_ = _locked(round_)
        if round_.status != RoundStatus.SCORING:
            raise ReviewError(_("只有评分中的一轮可以结束"))
        pending = round_.assignments.exclude(status=AssignmentStatus.SUBMITTED).count()
        if pending:
            raise ReviewError(_("还有 %(n)s 份案卷未评分，不能结束") % {"n": pending})
        round_.status = RoundStatus.FINISHED
        round_.finished_on = timezone.localdate()
        round_.save(update_fields=["status", "finished_on"])
    return round_


# --- Scores ------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One item as scored: points (None for a veto item), veto ticked, note."""

    points: Decimal | None = None
    veto: bool = False
    note: str = ""


def check_entries(items: list[RubricItem], entries: dict[str, Entry]) -> dict[str, list[str]]:
    """Errors by item code (the form's and the API's field names); {} when the sheet may be submitted."""
    errors: dict[str, list[str]] = {}
    vetoed = any(entries.get(i.code, Entry()).veto for i in items if i.is_veto)
    for item in items:
        entry = entries.get(item.code, Entry())
        if item.is_veto:
            if entry.veto and not entry.note.strip():
                errors[f"{item.code}_note"] = [_("勾选否决项须写明理由")]
            continue
        if entry.points is None:
            if not vetoed:
                errors[item.code] = [_("请填写得分（0 至 %(m)s 分）") % {"m": item.max_text}]
            continue
        if entry.points < 0:
            errors[item.code] = [_("得分不能为负数")]
        elif entry.points > item.max_points:
            errors[item.code] = [_("不能超过本项满分 %(m)s 分") % {"m": item.max_text}]
    return errors


def _write_sheet(assignment: ReviewAssignment, user, entries: dict[str, Entry], comment: str, reason: str):
    rubric = assignment.round.rubric
    items = list(rubric.items.order_by("order", "pk"))
    errors = check_entries(items, entries)
    if errors:
        raise ValidationError(errors)
    vetoes = [i.code for i in items if i.is_veto and entries.get(i.code, Entry()).veto]
    points = sum(
        (entries[i.code].points or Decimal("0") for i in items if not i.is_veto and i.code in entries),
        Decimal("0"),
    )
    vetoed = bool(vetoes)
    total = Decimal("0") if vetoed else points
    passed = not vetoed and total >= rubric.pass_mark
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        version=assignment.version + 1,
        author=user,
        reason=reason.strip(),
        comment=comment.strip(),
        points=points,
        total=total,
        vetoed=vetoed,
        passed=passed,
    )
    for item in items:
        entry = entries.get(item.code, Entry())
        Score.objects.create(
            sheet=sheet,
            item=item,
            points=None if item.is_veto else entry.points,
            vetoed=item.is_veto and entry.veto,
            note=entry.note.strip()[:500],
        )
    assignment.version = sheet.version
    assignment.points = points
    assignment.total = total
    assignment.vetoed = vetoed
    assignment.passed = passed
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.save(update_fields=["version", "points", "total", "vetoed", "passed", "status"])
    return sheet


def _locked_assignment(assignment: ReviewAssignment) -> ReviewAssignment:
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("round", "round__rubric", "round__organiser")
        .get(pk=assignment.pk)
    )


def submit_score(
    assignment: ReviewAssignment, *, user, entries: dict[str, Entry], comment: str = ""
) -> ScoreSheet:
    """The reviewer's score: once; the sheet is locked on submission."""
    require(user, SCORE)
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        if assignment.reviewer_id != user.pk:
            raise PermissionDenied(_("只有被指派的评查人可以为该案卷评分"))
        if assignment.round.status != RoundStatus.SCORING:
            raise ReviewError(_("本轮当前为“%(s)s”，不能评分") % {"s": assignment.round.get_status_display()})
        if assignment.status == AssignmentStatus.SUBMITTED:
            raise ReviewError(_("该案卷已提交评分，不能再修改；如需更正，请本轮组织者更正并写明理由"))
        return _write_sheet(assignment, user, entries, comment, "")


def may_correct(user, round_: ReviewRound) -> bool:
    return user.has_perm(CORRECT) and (user.pk == round_.organiser_id or user.role == Role.DISTRICT_LEADER)


def correct_score(
    assignment: ReviewAssignment, *, user, entries: dict[str, Entry], reason: str, comment: str = ""
) -> ScoreSheet:
    """A correction by the round's organiser (or the district leader): a new version with its reason."""
    require(user, CORRECT)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("更正评分须写明理由")})
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        if not may_correct(user, assignment.round):
            raise PermissionDenied(_("只有本轮组织者可以更正评分"))
        if assignment.status != AssignmentStatus.SUBMITTED:
            raise ReviewError(_("该案卷尚未提交评分，不能更正"))
        return _write_sheet(assignment, user, entries, comment, reason)


# --- Results -----------------------------------------------------------------------------------------------


def _average(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class BoardResult:
    board: Region
    files: int
    scored: int
    average: Decimal | None
    vetoes: int
    passed: int
    rank: int | None = None


def _files(round_: ReviewRound, assignments) -> list[ReviewAssignment]:
    """The round's files with their boards (and cases): prefetched by the caller, or read now."""
    if assignments is not None:
        return list(assignments)
    return list(round_.assignments.select_related("board", "case").order_by("position"))


def results(
    round_: ReviewRound, boards: Iterable[int] | None = None, *, assignments=None
) -> list[BoardResult]:
    """Per board: files drawn and scored, average total, vetoes and passes; ranked by the average
    (equal averages share a rank). ``boards`` limits the rows shown, not the ranking."""
    grouped: dict[int, list[ReviewAssignment]] = defaultdict(list)
    for assignment in _files(round_, assignments):
        grouped[assignment.board_id].append(assignment)
    table = []
    for files in grouped.values():
        scored = [a for a in files if a.status == AssignmentStatus.SUBMITTED and a.total is not None]
        totals = [a.total for a in scored if a.total is not None]
        average = sum(totals, Decimal("0")) / len(totals) if totals else None
        table.append(
            BoardResult(
                board=files[0].board,
                files=len(files),
                scored=len(scored),
                average=_average(average),
                vetoes=sum(1 for a in scored if a.vetoed),
                passed=sum(1 for a in scored if a.passed),
            )
        )
    table.sort(key=lambda r: (r.average is None, -(r.average or 0), r.board.sort_order, r.board.pk))
    previous, rank = None, 0
    for index, row in enumerate(table, start=1):
        if row.average is None:
            break
        if row.average != previous:
            rank, previous = index, row.average
        row.rank = rank
    if boards is not None:
        wanted = set(boards)
        table = [r for r in table if r.board.pk in wanted]
    return table


@dataclass
class AwardRow:
    assignment: ReviewAssignment
    award: str
    label: str


def awards(round_: ReviewRound, boards: Iterable[int] | None = None, *, assignments=None) -> list[AwardRow]:
    """A contest's prizes: the passed files by total (equal totals in drawing order), the configured
    number of 一等奖, then 二等奖, then 三等奖."""
    if not round_.is_contest:
        return []
    ranked = sorted(
        (a for a in _files(round_, assignments) if a.status == AssignmentStatus.SUBMITTED and a.passed),
        key=lambda a: (-(a.total or 0), a.position),
    )
    slots = [Award.FIRST] * round_.first_prizes + [Award.SECOND] * round_.second_prizes
    slots += [Award.THIRD] * round_.third_prizes
    rows = [AwardRow(a, award.value, str(award.label)) for a, award in zip(ranked, slots, strict=False)]
    if boards is not None:
        wanted = set(boards)
        rows = [r for r in rows if r.assignment.board_id in wanted]
    return rows


def average_scores(board_ids: Iterable[int], start: date, end: date) -> dict[int, Decimal]:
    """The average total of the files scored in rounds finished within [start, end], per board (boards
    without any are absent). The monthly bulletin (``zhifa.bulletins``) reads it by this name."""
    rows = (
        ReviewAssignment.objects.filter(
            board_id__in=list(board_ids),
            status=AssignmentStatus.SUBMITTED,
            round__status=RoundStatus.FINISHED,
            round__finished_on__gte=start,
            round__finished_on__lte=end,
        )
        .order_by()
        .values("board_id")
        .annotate(average=Avg("total"))
    )
    return {r["board_id"]: _average(r["average"]) for r in rows if r["average"] is not None}  # type: ignore[misc]


# --- Verification ------------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Verification:
    round: ReviewRound
    checks: list[Check] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks) and not self.differences

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok


def _audit_rows(round_: ReviewRound) -> dict[str, list[AuditEntry]]:
    rows: dict[str, list[AuditEntry]] = {}
    entries = AuditEntry.objects.filter(object_type=ROUND_OBJECT, object_id=str(round_.pk)).order_by("id")
    for entry in entries:
        step = (entry.after or {}).get("step")
        if step:
            rows.setdefault(step, []).append(entry)
    return rows


def verify_round(round_: ReviewRound) -> Verification:
    """Recompute the files and reviewers from the revealed seed and the frozen candidates, and check
    every hash against the audit chain (read-only)."""
    report = Verification(round_)
    if not round_.seed_hex:
        report.add("状态", False, _("本轮尚未抽取案卷，种子未公开"))
        return report
    try:
        seed = bytes.fromhex(round_.seed_hex)
    except ValueError:
        report.add("种子", False, _("存储的种子不是十六进制"))
        return report
    report.add(
        "种子与承诺值",
        crypto.constant_time_equal(commitment_of(seed), round_.commitment),
        _("SHA-256(种子) = %(h)s，承诺值 = %(c)s") % {"h": commitment_of(seed), "c": round_.commitment},
    )
    rows = _audit_rows(round_)
    expected = {
        "commit": ("commitment", round_.commitment),
        "result": ("result_sha256", round_.result_hash),
        "reveal": ("seed", round_.seed_hex),
    }
    chosen: dict[str, AuditEntry] = {}
    for step, (key, value) in expected.items():
        entries = rows.get(step, [])
        # An earlier commitment whose draw never completed stays in the chain; the last one counts.
        if not entries or (step != "commit" and len(entries) != 1):
            report.add(f"审计记录（{step}）", False, _("应有 1 条，实有 %(n)s 条") % {"n": len(entries)})
            continue
        entry = chosen[step] = entries[-1]
        intact = crypto.constant_time_equal(compute_hash(entry), entry.hash)
        same = (entry.after or {}).get(key) == value
        report.add(
            f"审计记录（{step}）",
            intact and same,
            ""
            if intact and same
            else (_("审计记录被改动") if not intact else _("与本轮存储的 %(k)s 不符") % {"k": key}),
        )
    if "commit" in chosen:
        report.add(
            "候选案卷在承诺时冻结",
            (chosen["commit"].after or {}).get("candidates_sha256") == round_.candidates_hash,
            _("公布承诺值时记录的候选案卷哈希与本轮存储的不符"),
        )
    if len(chosen) == 3:
        report.add(
            "顺序",
            chosen["commit"].pk < chosen["result"].pk < chosen["reveal"].pk,
            _("应先公布承诺值，再抽取，最后公布种子"),
        )
    frozen = round_.candidates_json.encode("utf-8")
    if not report.add(
        "候选案卷哈希", sampling.sha256_hex(frozen) == round_.candidates_hash, _("冻结的候选案卷被改动")
    ):
        return report
    document = json.loads(round_.candidates_json)
    report.add("候选案卷规范格式", sampling.canonical(document) == frozen, _("候选案卷不是规范 JSON"))
    report.add(
        "抽取参数",
        document.get("period") == [round_.period_start.isoformat(), round_.period_end.isoformat()]
        and document.get("per_board") == round_.per_board,
        _("候选案卷中的结案期间或每板块数量与本轮设置不符"),
    )
    current = {
        str(b): sorted(ids)
        for b, ids in _group(candidate_cases(round_).values_list("board_id", "pk")).items()
    }
    report.add(
        "候选案卷与案件库一致",
        current == document.get("boards"),
        _("冻结的候选案卷与该期间已结案的案件不符"),
    )
    version_ok = report.add(
        "算法版本",
        round_.algorithm == sampling.ENGINE,
        _("抽取时为 %(a)s，本机为 %(b)s") % {"a": round_.algorithm, "b": sampling.ENGINE},
    )
    stored = [a.as_row() for a in round_.assignments.order_by("position")]
    report.add(
        "结果哈希", sampling.result_hash(stored) == round_.result_hash, _("存储的抽取结果与其哈希不符")
    )
    boards_of = {r["id"]: set(r["boards"]) for r in document.get("reviewers", [])}
    own = [row for row in stored if row["board"] in boards_of.get(row["reviewer"], set())]
    report.add(
        "交叉评查",
        not own,
        _("%(n)s 份案卷由本板块人员评查") % {"n": len(own)},
    )
    if version_ok:
        recomputed = sampling.run(seed, document)
        report.differences.extend(_diff(stored, recomputed))
        report.add("重算结果", not report.differences, _("%(n)s 处不同") % {"n": len(report.differences)})
    return report


def _group(pairs) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _diff(stored: list[dict], recomputed: list[dict]) -> list[str]:
    out = []
    for position in range(max(len(stored), len(recomputed))):
        a = stored[position] if position < len(stored) else None
        b = recomputed[position] if position < len(recomputed) else None
        if a != b:
            out.append(_("第 %(n)s 份：存储为 %(a)s，重算为 %(b)s") % {"n": position + 1, "a": a, "b": b})
    return out


# --- The scoring standard ----------------------------------------------------------------------------------


def new_rubric_version(rubric: Rubric, *, user) -> Rubric:
    """A draft copy of ``rubric`` (items included) as the next version of its name."""
    require(user, "reviews.add_rubric")
    with transaction.atomic():
        draft = Rubric.objects.filter(name=rubric.name, status=RubricStatus.DRAFT).first()
        if draft is not None:
            raise ReviewError(_("已有草稿第 %(v)s 版，请先编辑并发布它") % {"v": draft.version})
        latest = (
            Rubric.objects.filter(name=rubric.name).order_by("-version").values_list("version", flat=True)
        )
        copy = Rubric.objects.create(
            name=rubric.name,
            version=(latest.first() or 0) + 1,
            status=RubricStatus.DRAFT,
            form_points=rubric.form_points,
            content_points=rubric.content_points,
            pass_mark=rubric.pass_mark,
            example_values=rubric.example_values,
            source=rubric.source,
            created_by=user,
        )
        for item in rubric.items.order_by("order", "pk"):
            RubricItem.objects.create(
                rubric=copy,
                kind=item.kind,
                code=item.code,
                title=item.title,
                description=item.description,
                max_points=item.max_points,
                order=item.order,
            )
    return copy


def save_rubric_draft(
    rubric: Rubric, *, user, items: list[RubricItem], removed: Iterable[RubricItem] = ()
) -> Rubric:
    """Save a draft's figures and items (published versions are read-only)."""
    require(user, "reviews.change_rubric")
    with transaction.atomic():
        locked = Rubric.objects.select_for_update(of=("self",)).get(pk=rubric.pk)
        if locked.status != RubricStatus.DRAFT:
            raise ReviewError(_("已发布的评查标准不能修改，请另立新版本"))
        rubric.full_clean()
        rubric.save()
        for item in removed:
            if item.pk and item.rubric_id == rubric.pk:
                item.delete()
        for item in items:
            item.rubric = rubric
            item.full_clean(exclude=["rubric"], validate_unique=False)
            item.save()
    return rubric


def publish_rubric(rubric: Rubric, *, user) -> Rubric:
    """Publish a draft once its form and content items add up to the declared totals."""
    require(user, "reviews.change_rubric")
    with transaction.atomic():
        rubric = Rubric.objects.select_for_update(of=("self",)).get(pk=rubric.pk)
        if rubric.status != RubricStatus.DRAFT:
            raise ReviewError(_("该版本已发布"))
        items = list(rubric.items.all())
        problems = []
        for kind, declared in (
            (ItemKind.FORM, rubric.form_points),
            (ItemKind.CONTENT, rubric.content_points),
        ):
            total = sum((i.max_points for i in items if i.kind == kind), Decimal("0"))
            if total != declared:
                problems.append(
                    _("%(k)s各项满分合计 %(t)s 分，应为 %(d)s 分")
                    % {"k": ItemKind(kind).label, "t": points_text(total), "d": points_text(declared)}
                )
        if rubric.pass_mark > rubric.total_points:
            problems.append(_("合格分不能高于总分"))
        if problems:
            raise ReviewError(problems)
        rubric.status = RubricStatus.PUBLISHED
        rubric.published_at = timezone.now()
        rubric.save(update_fields=["status", "published_at"])
    return rubric

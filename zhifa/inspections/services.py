"""Every state change of inspections, hazards, orders and re-inspections goes through here.

The legal rules live in this module, not in views: an inspection is signed off only by at least two
officers holding enforcement certificates valid on the inspection date (行政处罚法 art. 42); experts and
safety managers never count toward the two; an officer from outside the board's jurisdiction takes
part only on a recorded footing (secondment, pairing, or a cross-enforcement inspection).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.inspections.choices import (
    CaseSourceStatus,
    ChecklistStatus,
    ExtensionStatus,
    HazardStatus,
    InspectionStatus,
    ItemResult,
    OfficerBasis,
    ReviewOutcome,
)
from zhifa.inspections.models import (
    CaseSource,
    ChecklistItem,
    ChecklistTemplate,
    ExtensionRequest,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionOfficer,
    InspectionResult,
    RectificationItem,
    RectificationOrder,
    ReInspection,
    ReInspectionOutcome,
)
from zhifa.orgs.models import Certificate, Officer, Pairing, Secondment

#: The rule's name, quoted in refusals (UI, API 400, CLI).
TWO_OFFICERS_RULE = _("执法人员不得少于两人，且均须持有检查当日有效的执法证（《行政处罚法》第四十二条）")

MIN_OFFICERS = 2


class RuleViolation(ValidationError):
    """A legal rule refused the change; ``messages`` name the rule and who fails it."""


# --- Who may inspect ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamCheck:
    certified: list[Officer]
    problems: list[str]
    bases: dict[int, str]

    @property
    def ok(self) -> bool:
        return not self.problems


def officer_basis(officer: Officer, board, on: date, *, cross_enforcement: bool) -> str | None:
    """On what footing ``officer`` may inspect in ``board`` on ``on``; None when on none."""
    if officer.unit_id == board.pk:
        return OfficerBasis.OWN_BOARD
    if Secondment.objects.active_on(on).filter(officer=officer, region=board).exists():
        return OfficerBasis.SECONDMENT
    if Pairing.objects.active_on(on).filter(officer=officer, region=board).exists():
        return OfficerBasis.PAIRING
    if not officer.unit.is_board:
        return OfficerBasis.DISTRICT  # the brigade's jurisdiction is the whole district
    if cross_enforcement:
        return OfficerBasis.CROSS
    return None


def check_team(officers: list[Officer], board, on: date, *, cross_enforcement: bool) -> TeamCheck:
    """Apply the rule to a proposed team; returns the certified members and every problem found."""
    problems: list[str] = []
    bases: dict[int, str] = {}
    valid_holders = set(
        Certificate.objects.valid_on(on).filter(officer__in=officers).values_list("officer_id", flat=True)
    )
    certified = []
    for officer in officers:
        basis = officer_basis(officer, board, on, cross_enforcement=cross_enforcement)
        if basis is None:
            problems.append(
                _("%(name)s 不属于%(board)s，也未派驻、挂钩或参加交叉执法，不能在该板块执法")
                % {"name": officer.name, "board": board.name}
            )
            continue
        bases[officer.pk] = basis
        if officer.pk in valid_holders:
            certified.append(officer)
        else:
            problems.append(
                _("%(name)s 在 %(date)s 没有有效的执法证，不能作为执法人员签署（辅助人员请列为协助人员）")
                % {"name": officer.name, "date": on.isoformat()}
            )
    if len(certified) < MIN_OFFICERS:
        problems.insert(
            0, f"{TWO_OFFICERS_RULE}：" + _("当日持证执法人员只有 %(n)s 名") % {"n": len(certified)}
        )
    return TeamCheck(certified, problems, bases)


# --- Drafting -------------------------------------------------------------------------------------


def start_inspection(
    *, enterprise, checklist: ChecklistTemplate, user, officers: Sequence[Officer] = (), **fields
) -> Inspection:
    """Open a draft for an enterprise; the team may still be incomplete."""
    if checklist.status != ChecklistStatus.PUBLISHED:
        raise ValidationError({"checklist": _("只能使用已发布的检查表")})
    with transaction.atomic():
        inspection = Inspection.objects.create(
            enterprise=enterprise, board=enterprise.board, checklist=checklist, created_by=user, **fields
        )
        set_team(inspection, list(officers))
        InspectionResult.objects.bulk_create(
            [InspectionResult(inspection=inspection, item=item) for item in checklist.items.all()]
        )
    return inspection


def _require_draft(inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.DRAFT:
        raise RuleViolation(_("现场检查记录已签署，不能再修改"))


def set_team(inspection: Inspection, officers: list[Officer]) -> None:
    _require_draft(inspection)
    if len({o.pk for o in officers}) != len(officers):
        raise ValidationError({"officers": _("同一执法人员不能重复选择")})
    with transaction.atomic():
        before = list(inspection.team.values_list("officer_id", flat=True))
        inspection.team.all().delete()
        InspectionOfficer.objects.bulk_create(
            [InspectionOfficer(inspection=inspection, officer=o, order=i) for i, o in enumerate(officers)]
        )
        after = [o.pk for o in officers]
        if before != after:
            record(AuditAction.UPDATE, inspection, before={"officers": before}, after={"officers": after})


def save_results(
    inspection: Inspection, results: dict[int, tuple[str, str]], *, expected_version: int | None = None
) -> None:
    """Save item results {item_id: (result, note)} on a draft (a half-filled record survives)."""
    _require_draft(inspection)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if expected_version is not None and locked.version != expected_version:
            raise RuleViolation(
                _("该检查记录已在其他设备上修改（版本 %(v)s），请刷新后再保存") % {"v": locked.version}
            )
        rows = {r.item_id: r for r in inspection.results.all()}
        changed = {}
        for item_id, (result, note) in results.items():
            row = rows.get(item_id)
            if row is None:
                raise ValidationError(_("检查项 %(id)s 不属于本检查表") % {"id": item_id})
            if result not in ItemResult.values:
                raise ValidationError(_("检查结果“%(r)s”无效") % {"r": result})
            if (row.result, row.note) != (result, note):
                changed[item_id] = {"from": [row.result, row.note], "to": [result, note]}
                row.result, row.note = result, note
                row.save(update_fields=["result", "note"])
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        inspection.version = locked.version
        if changed:
            record(AuditAction.UPDATE, inspection, after={"results": changed}, message="保存检查结果")


# --- Sign-off -------------------------------------------------------------------------------------


def completeness_problems(inspection: Inspection) -> list[str]:
    problems = []
    if not inspection.started_at or not inspection.ended_at:
        problems.append(_("请填写检查开始和结束时间"))
    elif inspection.ended_at < inspection.started_at:
        problems.append(_("检查结束时间不能早于开始时间"))
    if not inspection.place.strip():
        problems.append(_("请填写检查场所"))
    if not inspection.onsite_person_name.strip():
        problems.append(_("请填写被检查单位现场负责人"))
    blank = inspection.results.filter(result=ItemResult.BLANK).count()
    if blank:
        problems.append(_("还有 %(n)s 个检查项未填写结果") % {"n": blank})
    unrecorded = (
        inspection.results.filter(result=ItemResult.NON_COMPLIANT)
        .exclude(item_id__in=inspection.hazards.values("item_id"))
        .count()
    )
    if unrecorded:
        problems.append(_("%(n)s 个“不符合”检查项尚未登记隐患") % {"n": unrecorded})
    return problems


def sign_off(inspection: Inspection, *, user) -> Inspection:
    """Sign the record. Refused, naming the rule, unless complete and signed by two certified officers."""
    from zhifa.inspections import documents as forms

    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        _require_draft(locked)
        problems = completeness_problems(locked)
        if locked.started_at:
            officers = [t.officer for t in locked.team.select_related("officer__unit")]
            on = locked.inspection_date
            assert on is not None  # started_at is set
            team = check_team(officers, locked.board, on, cross_enforcement=locked.cross_enforcement)
            problems = team.problems + problems
            for member in locked.team.all():
                basis = team.bases.get(member.officer_id, "")
                if member.basis != basis:
                    member.basis = basis
                    member.save(update_fields=["basis"])
        if problems:
            raise RuleViolation(problems)
        locked.status = InspectionStatus.SIGNED_OFF
        locked.signed_off_at = timezone.now()
        locked.signed_off_by = user
        locked.save(update_fields=["status", "signed_off_at", "signed_off_by", "updated_at"])
        record(
            AuditAction.TRANSITION,
            locked,
            before={"status": InspectionStatus.DRAFT},
            after={"status": InspectionStatus.SIGNED_OFF},
            message="签署现场检查记录",
            user=user,
        )
        locked.document = forms.issue_inspection_record(locked, user=user)
        locked.save(update_fields=["document"])
    return locked


# --- Hazards --------------------------------------------------------------------------------------

HAZARD_TRANSITIONS: dict[tuple[str, str], str] = {
    # (from, to): who moves it
    (HazardStatus.PENDING, HazardStatus.RECTIFYING): "企业开始整改（执法人员登记）",
    (HazardStatus.PENDING, HazardStatus.AWAITING_REVIEW): "企业报告整改完成",
    (HazardStatus.RECTIFYING, HazardStatus.AWAITING_REVIEW): "企业报告整改完成",
    (HazardStatus.AWAITING_REVIEW, HazardStatus.RECTIFYING): "复查未通过，继续整改",
    (HazardStatus.PENDING, HazardStatus.CLOSED): "复查合格销号",
    (HazardStatus.RECTIFYING, HazardStatus.CLOSED): "复查合格销号",
    (HazardStatus.AWAITING_REVIEW, HazardStatus.CLOSED): "复查合格销号",
}


def add_hazard(
    inspection: Inspection,
    *,
    description: str,
    level: str | None = None,
    item: ChecklistItem | None = None,
    deadline: date | None = None,
    responsible_person: str = "",
    user=None,
) -> Hazard:
    if not description.strip():
        raise ValidationError({"description": _("请描述隐患")})
    if item is not None and item.template_id != inspection.checklist_id:
        raise ValidationError({"item": _("检查项不属于本次检查使用的检查表")})
    hazard = Hazard(
        inspection=inspection,
        enterprise=inspection.enterprise,
        board=inspection.board,
        item=item,
        description=description.strip(),
        level=level or (item.hazard_level if item else "general"),
        legal_basis=(item.major_basis or item.legal_basis) if item else "",
        deadline=deadline,
        responsible_person=responsible_person,
    )
    hazard.full_clean()
    with transaction.atomic():
        hazard.save()
        HazardEvent.objects.create(hazard=hazard, to_status=hazard.status, actor=user, note="登记隐患")
    return hazard


def move_hazard(hazard: Hazard, to_status: str, *, user, note: str = "", _via_review: bool = False) -> Hazard:
    """Move a hazard along its workflow. Closing (销号) happens only through a signed re-inspection."""
    with transaction.atomic():
        locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
        key = (locked.status, to_status)
        if key not in HAZARD_TRANSITIONS:
            raise RuleViolation(
                _("隐患不能从“%(a)s”变为“%(b)s”")
                % {"a": locked.get_status_display(), "b": HazardStatus(to_status).label}
            )
        if to_status == HazardStatus.CLOSED and not _via_review:
            raise RuleViolation(_("隐患只能经整改复查合格后销号"))
        previous = locked.status
        locked.status = to_status
        locked.closed_at = timezone.now() if to_status == HazardStatus.CLOSED else None
        locked.save(update_fields=["status", "closed_at"])
        HazardEvent.objects.create(
            hazard=locked, from_status=previous, to_status=to_status, actor=user, note=note
        )
    return locked


# --- Rectification orders --------------------------------------------------------------------------


def issue_rectification_order(
    inspection: Inspection, deadlines: dict[int, date], *, user
) -> RectificationOrder:
    """责令限期整改指令书 for the given hazards of a signed inspection, each with its deadline."""
    from zhifa.inspections import documents as forms

    if inspection.status != InspectionStatus.SIGNED_OFF:
        raise RuleViolation(_("现场检查记录签署后才能下达整改指令"))
    if not deadlines:
        raise ValidationError({"hazards": _("请至少选择一项隐患")})
    today = timezone.localdate()
    hazards = list(inspection.hazards.filter(pk__in=deadlines).exclude(status=HazardStatus.CLOSED))
    if len(hazards) != len(deadlines):
        raise ValidationError({"hazards": _("所选隐患不属于本次检查，或已销号")})
    for hazard in hazards:
        if deadlines[hazard.pk] < today:
            raise ValidationError(
                {"deadline": _("整改期限不能早于今天（%(h)s）") % {"h": hazard.description[:20]}}
            )
    with transaction.atomic():
        order = RectificationOrder.objects.create(
            inspection=inspection, enterprise=inspection.enterprise, board=inspection.board, issued_by=user
        )
        for hazard in hazards:
            RectificationItem.objects.create(order=order, hazard=hazard, deadline=deadlines[hazard.pk])
            if hazard.deadline != deadlines[hazard.pk]:
                hazard.deadline = deadlines[hazard.pk]
                hazard.save(update_fields=["deadline"])
        order.document = forms.issue_rectification_order(order, user=user)
        order.save(update_fields=["document"])
    return order


def request_extension(
    order: RectificationOrder,
    hazards: list[Hazard],
    requested_deadline: date,
    *,
    reason: str,
    applicant: str,
    user,
) -> ExtensionRequest:
    open_ids = set(order.hazards.exclude(status=HazardStatus.CLOSED).values_list("pk", flat=True))
    if not hazards or not {h.pk for h in hazards} <= open_ids:
        raise ValidationError({"hazards": _("只能为本指令中未销号的隐患申请延期")})
    current = max(h.deadline for h in hazards if h.deadline) if any(h.deadline for h in hazards) else None
    if current and requested_deadline <= current:
        raise ValidationError(
            {"requested_deadline": _("延期后的期限应晚于原整改期限（%(d)s）") % {"d": current}}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("请填写延期理由")})
    with transaction.atomic():
        extension = ExtensionRequest.objects.create(
            order=order,
            board=order.board,
            requested_deadline=requested_deadline,
            reason=reason.strip(),
            applicant=applicant,
            created_by=user,
        )
        extension.hazards.set(hazards)
    return extension


def decide_extension(extension: ExtensionRequest, *, approve: bool, opinion: str, user) -> ExtensionRequest:
    from zhifa.inspections import documents as forms

    with transaction.atomic():
        locked = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if locked.status != ExtensionStatus.PENDING:
            raise RuleViolation(_("该延期申请已审批"))
        if not opinion.strip():
            raise ValidationError({"opinion": _("请填写审批意见")})
        locked.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        locked.decided_by, locked.decided_at, locked.opinion = user, timezone.now(), opinion.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "opinion"])
        if approve:
            for hazard in locked.hazards.select_for_update():
                hazard.deadline = locked.requested_deadline
                hazard.save(update_fields=["deadline"])
                HazardEvent.objects.create(
                    hazard=hazard,
                    from_status=hazard.status,
                    to_status=hazard.status,
                    actor=user,
                    note=f"整改期限延至 {locked.requested_deadline}",
                )
        record(
            AuditAction.TRANSITION,
            locked,
            after={"status": locked.status},
            message="审批整改延期申请",
            user=user,
        )
        locked.document = forms.issue_extension_approval(locked, user=user)
        locked.save(update_fields=["document"])
    return locked


# --- Re-inspection ---------------------------------------------------------------------------------


def start_reinspection(order: RectificationOrder, *, user, officers: Sequence[Officer] = ()) -> ReInspection:
    """Opens a re-inspection listing only the order's hazards still open."""
    open_hazards = list(order.hazards.exclude(status=HazardStatus.CLOSED))
    if not open_hazards:
        raise RuleViolation(_("该整改指令的隐患均已销号，无需复查"))
    with transaction.atomic():
        review = ReInspection.objects.create(order=order, board=order.board, created_by=user)
        review.officers.set(officers)
        ReInspectionOutcome.objects.bulk_create(
            [ReInspectionOutcome(reinspection=review, hazard=h) for h in open_hazards]
        )
    return review


def sign_off_reinspection(review: ReInspection, *, user) -> ReInspection:
    """Closes the hazards found rectified and keeps the others (with a new deadline); issues the opinion."""
    from zhifa.inspections import documents as forms

    with transaction.atomic():
        locked = ReInspection.objects.select_for_update().get(pk=review.pk)
        if locked.status != InspectionStatus.DRAFT:
            raise RuleViolation(_("整改复查意见已签署，不能再修改"))
        problems = []
        if not locked.inspected_at:
            problems.append(_("请填写复查时间"))
        else:
            on = timezone.localtime(locked.inspected_at).date()
            team = check_team(
                list(locked.officers.select_related("unit")), locked.board, on, cross_enforcement=False
            )
            problems += team.problems
        outcomes = list(locked.outcomes.select_related("hazard"))
        for outcome in outcomes:
            if not outcome.outcome:
                problems.append(_("请给出隐患“%(h)s”的复查结论") % {"h": outcome.hazard.description[:20]})
            elif outcome.outcome == ReviewOutcome.KEPT and not outcome.new_deadline:
                problems.append(
                    _("继续整改的隐患“%(h)s”须给出新的整改期限") % {"h": outcome.hazard.description[:20]}
                )
        if not locked.opinion.strip():
            problems.append(_("请填写复查意见"))
        if problems:
            raise RuleViolation(problems)
        for outcome in outcomes:
            hazard = outcome.hazard
            if outcome.outcome == ReviewOutcome.CLOSED and outcome.new_deadline is not None:
                outcome.new_deadline = None  # a closed hazard has no further deadline, whatever the form sent
                outcome.save(update_fields=["new_deadline"])
            if outcome.outcome == ReviewOutcome.CLOSED:
                move_hazard(
                    hazard,
                    HazardStatus.CLOSED,
                    user=user,
                    note=f"复查合格销号：{outcome.note}",
                    _via_review=True,
                )
            else:
                with transaction.atomic():
                    fresh = Hazard.objects.select_for_update().get(pk=hazard.pk)
                    previous = fresh.status
                    fresh.status = HazardStatus.RECTIFYING
                    fresh.deadline = outcome.new_deadline
                    fresh.save(update_fields=["status", "deadline"])
                    HazardEvent.objects.create(
                        hazard=fresh,
                        from_status=previous,
                        to_status=fresh.status,
                        actor=user,
                        note=f"复查未通过，限期至 {outcome.new_deadline}：{outcome.note}",
                    )
        locked.status = InspectionStatus.SIGNED_OFF
        locked.signed_off_by, locked.signed_off_at = user, timezone.now()
        locked.save(update_fields=["status", "signed_off_by", "signed_off_at"])
        record(
            AuditAction.TRANSITION,
            locked,
            after={"status": locked.status},
            message="签署整改复查意见",
            user=user,
        )
        locked.document = forms.issue_reinspection_opinion(locked, user=user)
        locked.save(update_fields=["document"])
    return locked


# --- Towards a penalty case -------------------------------------------------------------------------


def refer_to_case(
    *, user, description: str, hazard: Hazard | None = None, inspection: Inspection | None = None
) -> CaseSource:
    """Queue a finding that calls for a penalty; the case workflow registers (立案) from this queue."""
    if not description.strip():
        raise ValidationError({"description": _("请填写违法事实摘要")})
    if hazard is not None:
        inspection = hazard.inspection
        board, enterprise = hazard.board, hazard.enterprise
        queued = CaseSource.objects.filter(hazard=hazard)
    elif inspection is not None:
        board, enterprise = inspection.board, inspection.enterprise
        queued = CaseSource.objects.filter(inspection=inspection, hazard__isnull=True)
    else:
        raise ValidationError(_("案件线索必须来自检查或隐患"))
    if queued.filter(status=CaseSourceStatus.QUEUED).exists():
        raise RuleViolation(_("该线索已在立案审查队列中"))
    return CaseSource.objects.create(
        board=board,
        enterprise=enterprise,
        hazard=hazard,
        inspection=inspection,
        description=description.strip(),
        created_by=user,
    )


def new_checklist_version(template: ChecklistTemplate, *, user) -> ChecklistTemplate:
    """Copy a published checklist into a new draft version; inspections keep the version they used."""
    with transaction.atomic():
        latest = ChecklistTemplate.objects.filter(code=template.code).order_by("-version").first()
        copy = ChecklistTemplate.objects.create(
            code=template.code,
            version=(latest.version if latest else template.version) + 1,
            name=template.name,
            expert_group=template.expert_group,
            note=template.note,
        )
        for item in template.items.all():
            ChecklistItem.objects.create(
                template=copy,
                order=item.order,
                section=item.section,
                text=item.text,
                legal_basis=item.legal_basis,
                major_basis=item.major_basis,
                default_level=item.default_level,
            )
    return copy


def publish_checklist(template: ChecklistTemplate, *, user) -> ChecklistTemplate:
    with transaction.atomic():
        locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        if locked.status != ChecklistStatus.DRAFT:
            raise RuleViolation(_("只有草稿可以发布"))
        if not locked.items.exists():
            raise RuleViolation(_("检查表至少要有一个检查项"))
        for previous in ChecklistTemplate.objects.filter(code=locked.code, status=ChecklistStatus.PUBLISHED):
            previous.status = ChecklistStatus.RETIRED
            previous.save(update_fields=["status"])
        locked.status = ChecklistStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
    return locked


def local_datetime(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M")

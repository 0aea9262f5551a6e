"""Every change of a penalty case, for pages, API, CLI and demo alike.

``perform(case, step_name, user, data)`` runs one step of ``zhifa.cases.workflow``: it locks the case row,
checks the state, permission, jurisdiction and the step's guards, lets the step's handler change the case,
writes the ``CaseEvent`` and the audit row, then issues the step's documents — all in one transaction, so
two reviewers approving at once give exactly one transition and a refused step leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.cases import workflow
from zhifa.cases.choices import (
    CaseStatus,
    DecisionKind,
    PartyKind,
    PaymentKind,
    PenaltyKind,
    Procedure,
    RecordKind,
    ReviewOutcome,
    SourceKind,
)
from zhifa.cases.models import (
    Case,
    CaseDeadline,
    CaseEvent,
    CaseEvidence,
    CaseOfficer,
    CaseRecord,
    Hearing,
    Instalment,
    LegalReview,
    Payment,
    Preservation,
    ProcedureRules,
)
from zhifa.cases.workflow import Refused
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction

S = CaseStatus


def actor_name(user) -> str:
    return getattr(user, "full_name", "") or user.get_username()


# --- Deadlines -----------------------------------------------------------------------------------------


def open_deadline(
    case: Case, code: str, start: date, *, label: str = "", length: int | None = None
) -> CaseDeadline:
    """Start the statutory period ``code`` (a ``PeriodRule``) from ``start``; its end follows the calendar."""
    from zhifa.core import calendar

    rule = calendar.rule_version(code, start)
    if length is None:
        result = calendar.rule_due(code, start)
    else:
        result = calendar.due(start, length, rule.unit)
    return CaseDeadline.objects.create(
        case=case,
        rule_code=code,
        label=label or rule.name,
        source=rule.source,
        start=start,
        due_on=result.date,
        warnings=list(result.warnings),
    )


def meet_deadlines(case: Case, *codes: str) -> None:
    case.deadlines.running().filter(rule_code__in=codes).update(met_at=timezone.now())


def cancel_deadlines(case: Case, *codes: str, keep: tuple[str, ...] = ()) -> None:
    qs = case.deadlines.running().exclude(rule_code__in=keep)
    if codes:
        qs = qs.filter(rule_code__in=codes)
    qs.update(cancelled=True)


# --- Rules read by several steps -------------------------------------------------------------------------


def hearing_rights(case: Case) -> bool:
    """Whether the proposed penalty gives the party the right to a hearing (行政处罚法 art. 63; thresholds
    are configured data)."""
    if case.decision_kind != DecisionKind.PENALTY:
        return False
    heavy = {
        PenaltyKind.SUSPEND,
        PenaltyKind.REVOKE_PERMIT,
        PenaltyKind.RESTRICT,
        PenaltyKind.CONFISCATE_PROPERTY,
    }
    if heavy & set(case.penalty_kinds):
        return True
    rules = ProcedureRules.in_force(case.registered_on)
    threshold = rules.hearing_min_person if case.party_kind == PartyKind.PERSON else rules.hearing_min_unit
    return (case.proposed_fine or Decimal("0")) >= threshold


def is_major_by_rule(case: Case) -> bool:
    """The local trigger list for collective discussion: large fines and the heavy penalties."""
    if case.decision_kind != DecisionKind.PENALTY:
        return False
    if {PenaltyKind.SUSPEND, PenaltyKind.REVOKE_PERMIT} & set(case.penalty_kinds):
        return True
    rules = ProcedureRules.in_force(case.registered_on)
    threshold = rules.major_min_person if case.party_kind == PartyKind.PERSON else rules.major_min_unit
    return (case.proposed_fine or Decimal("0")) >= threshold


def surcharge_due(case: Case, on: date | None = None) -> Decimal:
    """加处罚款: 3 % of the fine per day after the payment term, never more than the fine (art. 72)."""
    on = on or timezone.localdate()
    if not case.fine_amount or case.payment_due_on is None or on <= case.payment_due_on:
        return Decimal("0")
    last_paid = (
        case.payments.filter(kind=PaymentKind.FINE)
        .order_by("-paid_on")
        .values_list("paid_on", flat=True)
        .first()
    )
    end = on
    if case.fine_outstanding == 0 and last_paid:
        end = last_paid
    days = max(0, (end - case.payment_due_on).days)
    rate = ProcedureRules.in_force(case.decided_on).surcharge_rate
    amount = (case.fine_amount * rate * days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(amount, case.fine_amount)


def simple_cap(case: Case) -> Decimal:
    rules = ProcedureRules.in_force(timezone.localdate())
    return rules.simple_max_person if case.party_kind == PartyKind.PERSON else rules.simple_max_unit


# --- Creating cases ---------------------------------------------------------------------------------------


def _check_officers(officers, user) -> None:
    if len(officers) < 2:
        raise ValidationError({"officers": _("承办人不得少于两名")})


def create_case(*, user, board=None, officers, source=None, enterprise=None, **fields) -> Case:
    """Open a case (a draft awaiting registration, or a simple-procedure case) in the user's jurisdiction.

    From a queued ``CaseSource`` the board, enterprise and facts come from the finding; otherwise from the
    enterprise or the given board.
    """
    from zhifa.core.permissions import is_district_wide
    from zhifa.core.scoping import board_ids
    from zhifa.documents.numbering import issuing_agency
    from zhifa.inspections.choices import CaseSourceStatus

    if not user.has_perm("cases.add_case"):
        raise PermissionDenied(_("您没有立案的权限"))
    officers = list(officers)
    _check_officers(officers, user)
    if source is not None:
        if source.status != CaseSourceStatus.QUEUED:
            raise Refused(workflow.RULE_STATE, _("该线索已处理"))
        board = source.board
        enterprise = source.enterprise
        fields.setdefault("source_kind", SourceKind.HAZARD if source.hazard_id else SourceKind.INSPECTION)
        fields.setdefault("facts", source.description)
    if enterprise is not None:
        board = enterprise.board
        fields.setdefault("party_kind", PartyKind.UNIT)
        if not fields.get("party_name"):
            fields["party_name"] = enterprise.name
        fields.setdefault("party_code", enterprise.uscc)
        fields.setdefault("party_address", getattr(enterprise, "address", "") or "")
        fields.setdefault("party_representative", getattr(enterprise, "legal_representative", "") or "")
        fields.setdefault("party_phone", getattr(enterprise, "contact_phone", "") or "")
    if board is None:
        if getattr(user, "region_id", None):
            board = user.region
        else:
            raise ValidationError({"board": _("请选择承办板块或企业")})
    if not is_district_wide(user) and board.pk not in board_ids(user):
        raise ValidationError({"enterprise": _("所选企业不在您的管辖范围内")})
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if v is not None}
    case = Case(
        board=board,
        agency=issuing_agency(board),
        source=source,
        enterprise=enterprise,
        created_by=user,
        **fields,
    )
    case.full_clean(exclude=["violation_type"])
    with transaction.atomic():
        case.save()
        CaseOfficer.objects.bulk_create(
            [CaseOfficer(case=case, officer=officer, order=i) for i, officer in enumerate(officers)]
        )
        if source is not None:
            source.status = CaseSourceStatus.ACCEPTED
            source.save(update_fields=["status"])
        CaseEvent.objects.create(
            case=case,
            transition="create",
            label=_("登记案件"),
            from_status=case.status,
            to_status=case.status,
            actor=user,
            actor_name=actor_name(user),
            opinion=case.source_note,
        )
    return case


def add_evidence(
    case: Case,
    *,
    user,
    title: str,
    kind: str,
    collected_on: date,
    upload=None,
    inspection_evidence=None,
    description: str = "",
    collected_by: str = "",
) -> CaseEvidence:
    """Attach an evidence file (or an inspection's evidence item) to a case under investigation."""
    from zhifa.core import storage

    if case.status in workflow.TERMINAL_FOR_EVIDENCE:
        raise Refused(workflow.RULE_STATE, _("案件已结案或终止，不能再添加证据"))
    if not title.strip():
        raise ValidationError({"title": _("请填写证据名称")})
    if collected_on > timezone.localdate():
        raise ValidationError({"collected_on": _("取证日期不能晚于今天")})
    item = CaseEvidence(
        case=case,
        title=title.strip(),
        kind=kind,
        collected_on=collected_on,
        collected_by=collected_by.strip(),
        description=description.strip(),
        created_by=user,
    )
    if inspection_evidence is not None:
        if inspection_evidence.inspection.enterprise_id != case.enterprise_id:
            raise ValidationError({"inspection_evidence": _("该检查证据不属于本案当事人")})
        item.inspection_evidence = inspection_evidence
        item.sha256 = inspection_evidence.sha256
        item.size = inspection_evidence.size
        item.content_type = inspection_evidence.content_type
        item.filename = inspection_evidence.original_name
    elif upload is not None:
        sha, size = storage.put_stream(upload)
        item.sha256, item.size = sha, size
        item.content_type = getattr(upload, "content_type", "") or ""
        item.filename = getattr(upload, "name", "") or ""
    else:
        raise ValidationError({"file": _("请上传证据文件")})
    item.save()
    return item


# --- Running a step ---------------------------------------------------------------------------------------


@dataclass
class Result:
    to: str | None = None
    outcome: str = ""
    opinion: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    #: (form kind, subject) issued after the event is written, so the forms print the approval just given
    documents: list[tuple[str, Any]] = field(default_factory=list)
    after: Callable[[list], None] | None = None


def perform(case: Case, name: str, user, data: dict | None = None) -> Case:
    """Run step ``name`` on ``case`` as ``user`` with the step form's cleaned ``data``."""
    st = workflow.step(name)
    data = dict(data or {})
    if not user.has_perm(st.perm):
        raise PermissionDenied(_("您没有“%(s)s”的权限") % {"s": st.label})
    with transaction.atomic():
        scoped = Case.objects.restrict(user, "view")
        locked = (
            scoped.select_for_update(of=("self",))
            .select_related("board", "agency")
            .filter(pk=case.pk)
            .first()
        )
        if locked is None:
            raise PermissionDenied(_("案件不在您的管辖范围内"))
        if locked.status not in st.sources:
            raise Refused(
                workflow.RULE_STATE,
                _("案件当前为“%(s)s”，不能%(step)s") % {"s": locked.get_status_display(), "step": st.label},
            )
        for guard in st.guards:
            guard(locked, user, data)
        before = locked.status
        result = HANDLERS[name](locked, user, data)
        to = result.to or before
        if st.targets and to != before and to not in st.targets:  # the table is the contract
            raise AssertionError(f"{name} led to {to}, not in {st.targets}")
        locked.status = to
        locked.version += 1
        locked.save()
        CaseEvent.objects.create(
            case=locked,
            transition=name,
            label=str(st.label),
            from_status=before,
            to_status=to,
            actor=user,
            actor_name=actor_name(user),
            opinion=result.opinion or str(data.get("opinion", "") or "").strip(),
            outcome=result.outcome,
            data=_jsonable(result.data),
        )
        documents = [_issue(kind, subject, locked, user) for kind, subject in result.documents]
        if result.after is not None:
            result.after(documents)
        record(
            AuditAction.TRANSITION,
            locked,
            before={"status": before},
            after={"status": to, "step": name, "documents": [d.number or d.title for d in documents]},
            message=f"{st.label}：{locked}",
            user=user,
        )
    return locked


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Decimal, date)):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _issue(kind: str, subject, case: Case, user):
    from zhifa.cases.documents import build_content
    from zhifa.documents.services import issue

    return issue(kind, subject, case.board, build_content(kind, subject), user=user)


def _agree(data) -> bool:
    return data.get("outcome") == "agree"


# --- Handlers: (case, user, data) -> Result ----------------------------------------------------------------


def _submit_registration(case, user, data):
    return Result(to=S.REGISTRATION_REVIEW)


def _review_registration(case, user, data):
    return Result(to=S.REGISTRATION_APPROVAL if _agree(data) else S.DRAFT, outcome=data["outcome"])


def _approve_registration(case, user, data):
    if not _agree(data):
        return Result(to=S.DRAFT, outcome="disagree")
    today = timezone.localdate()
    case.registered_on = today

    def numbered(documents):
        case.registration_number = documents[0].number
        case.save(update_fields=["registration_number"])

    open_deadline(case, "decision", today)
    return Result(
        to=S.INVESTIGATING, outcome="agree", documents=[("case_registration", case)], after=numbered
    )


def _decline_registration(case, user, data):
    from zhifa.inspections.choices import CaseSourceStatus

    case.end_reason = data["opinion"]
    if case.source_id:
        case.source.status = CaseSourceStatus.DISMISSED
        case.source.save(update_fields=["status"])
    return Result(to=S.NOT_REGISTERED)


RECORD_DOCUMENTS = {
    RecordKind.INQUIRY_NOTICE: "inquiry_notice",
    RecordKind.INQUIRY: "inquiry_record",
    RecordKind.SCENE: "scene_record",
    RecordKind.SAMPLING: "sampling_record",
    RecordKind.STATEMENT: "statement_record",
}


def _check_team(officers, case) -> None:
    from zhifa.inspections.services import check_team

    team = check_team(list(officers), case.board, timezone.localdate(), cross_enforcement=False)
    if not team.ok:
        raise Refused(workflow.RULE_TWO_OFFICERS, "；".join(team.problems))


def _record(kind):
    def handler(case, user, data):
        _check_team(data["officers"], case)
        item = CaseRecord.objects.create(
            case=case,
            kind=kind,
            on=data["on"],
            place=data.get("place", ""),
            person=data["person"],
            person_title=data.get("person_title", ""),
            content=data["content"],
            created_by=user,
        )
        item.officers.set(data["officers"])

        def link(documents):
            item.document = documents[0]
            item.save(update_fields=["document"])

        extra = {"record": item.pk}
        if kind == RecordKind.STATEMENT:
            extra["adopted"] = bool(data.get("adopted"))
        return Result(data=extra, documents=[(RECORD_DOCUMENTS[kind], item)], after=link)

    return handler


def _preserve_evidence(case, user, data):
    started = data["started_on"]
    item = Preservation.objects.create(
        case=case, items=data["items"], place=data["place"], started_on=started, approved_by=user
    )
    open_deadline(case, "preservation_decision", started, label=_("先行登记保存处理决定"))

    def link(documents):
        item.notice = documents[0]
        item.save(update_fields=["notice"])

    return Result(data={"preservation": item.pk}, documents=[("preservation_notice", item)], after=link)


def _decide_preservation(case, user, data):
    item = data["preservation"]
    if item.case_id != case.pk or item.outcome:
        raise ValidationError({"preservation": _("所选登记保存不属于本案或已作出处理决定")})
    item.outcome = data["outcome"]
    item.decided_on = timezone.localdate()
    item.save(update_fields=["outcome", "decided_on"])
    if not case.preservations.filter(outcome="").exclude(pk=item.pk).exists():
        meet_deadlines(case, "preservation_decision")

    def link(documents):
        item.decision = documents[0]
        item.save(update_fields=["decision"])

    return Result(
        data={"preservation": item.pk, "outcome": item.outcome},
        documents=[("preservation_decision", item)],
        after=link,
    )


def _set_proposal(case, user, data):
    from zhifa.discretion import engine

    violation = data["violation_type"]
    factors = list(data.get("factors") or [])
    proposal = engine.propose(
        violation,
        first_offence=bool(data.get("first_offence")),
        minor=bool(data.get("minor")),
        corrected_in_time=bool(data.get("corrected_in_time")),
        factors=factors,
    )
    kind = data["decision_kind"]
    kinds = list(data.get("penalty_kinds") or [])
    fine = data.get("proposed_fine")
    reason = (data.get("deviation_reason") or "").strip()
    if kind == DecisionKind.PENALTY and PenaltyKind.FINE in kinds:
        problems = engine.check_decision(violation, fine, proposal, reason)
        if problems:
            raise Refused(workflow.RULE_PROPOSAL, "；".join(problems))
    elif kind == DecisionKind.PENALTY and not kinds:
        raise ValidationError({"penalty_kinds": _("给予处罚时须选择处罚种类")})
    proposed_no_penalty = proposal.level == "no_penalty"
    if kind == DecisionKind.PENALTY and proposed_no_penalty and len(reason) < workflow_min_reason():
        raise Refused(workflow.RULE_PROPOSAL, _("裁量建议为不予处罚（首违不罚），给予处罚须书面说明理由"))
    if kind == DecisionKind.NO_PENALTY and not proposed_no_penalty and len(reason) < workflow_min_reason():
        raise Refused(workflow.RULE_PROPOSAL, _("裁量建议给予处罚，不予处罚须书面说明理由"))
    if case.procedure == Procedure.SIMPLE:
        if kind != DecisionKind.PENALTY or not set(kinds) <= {PenaltyKind.WARNING, PenaltyKind.FINE}:
            raise Refused(workflow.RULE_SIMPLE, _("简易程序只能给予警告或罚款"))
        if fine and fine > simple_cap(case):
            raise Refused(
                workflow.RULE_SIMPLE,
                _("拟罚款超过当场处罚上限 %(c)s 元，请适用普通程序") % {"c": simple_cap(case)},
            )
    case.violation_type = violation
    case.decision_kind = kind
    case.penalty_kinds = kinds
    case.proposed_fine = fine if kind == DecisionKind.PENALTY and PenaltyKind.FINE in kinds else None
    # The applied factors are stored with their text (as the engine resolved them), which the forms print.
    case.proposal = proposal.as_dict()
    case.deviation_reason = reason
    case.proposal_version += 1
    case.is_major = bool(data.get("is_major")) or is_major_by_rule(case)
    return Result(
        data={
            "violation_type": violation.pk,
            "decision_kind": kind,
            "penalty_kinds": kinds,
            "proposed_fine": fine,
            "proposal_level": proposal.level,
            "deviation_reason": reason,
            "proposal_version": case.proposal_version,
        }
    )


def workflow_min_reason() -> int:
    from zhifa.cases.forms import MIN_REASON

    return MIN_REASON


def _submit_handling(case, user, data):
    case.investigation_report = data["investigation_report"]
    return Result(to=S.HANDLING_APPROVAL, documents=[("investigation_report", case)])


def proposal_snapshot(case: Case) -> dict:
    return _jsonable(
        {
            "decision_kind": case.decision_kind,
            "penalty_kinds": case.penalty_kinds,
            "proposed_fine": case.proposed_fine,
            "violation_type": case.violation_type_id,
            "proposal": case.proposal,
            "deviation_reason": case.deviation_reason,
            "is_major": case.is_major,
        }
    )


def _open_review(case, user) -> LegalReview:
    from zhifa.cases.gate import review_required

    assert review_required(case)
    today = timezone.localdate()
    last = case.legal_reviews.order_by("-round").first()
    review = LegalReview.objects.create(
        case=case,
        round=(last.round + 1) if last else 1,
        submitted_by=user,
        due_on=today,  # replaced just below by the period rule's end
        proposal_version=case.proposal_version,
        proposal_snapshot=proposal_snapshot(case),
    )
    deadline = open_deadline(case, "legal_review", today)
    review.due_on = deadline.due_on
    review.save(update_fields=["due_on"])
    return review


def _after_review_state(case) -> str:
    from zhifa.cases.gate import review_required

    if review_required(case):
        return S.LEGAL_REVIEW
    return S.COLLECTIVE_DISCUSSION if case.is_major else S.REVIEWED


def _approve_handling(case, user, data):
    if not _agree(data):
        return Result(to=S.INVESTIGATING, outcome="disagree")
    to = _after_review_state(case)
    if to == S.LEGAL_REVIEW:
        _open_review(case, user)
    return Result(to=to, outcome="agree", documents=[("handling_approval", case)])


def _submit_simple_review(case, user, data):
    _open_review(case, user)
    return Result(to=S.LEGAL_REVIEW)


def _legal_review(case, user, data):
    review = case.legal_reviews.filter(outcome="").order_by("-round").first()
    if review is None:
        raise Refused(workflow.RULE_STATE, _("没有待审核的送审记录"))
    if review.proposal_version != case.proposal_version:
        raise Refused(workflow.RULE_LEGAL_REVIEW, _("送审后处理意见已变更，请退回重新送审"))
    outcome = data["outcome"]
    review.outcome = outcome
    review.reviewer = user
    review.checklist = data["checklist"]
    review.opinion = (data.get("opinion") or "").strip()
    review.decided_at = timezone.now()
    review.save()
    meet_deadlines(case, "legal_review")
    if outcome == ReviewOutcome.APPROVE:
        if case.procedure == Procedure.SIMPLE:
            to = S.REVIEWED
        else:
            to = S.COLLECTIVE_DISCUSSION if case.is_major else S.REVIEWED
    else:
        to = S.DRAFT if case.procedure == Procedure.SIMPLE else S.INVESTIGATING

    def link(documents):
        review.document = documents[0]
        review.save(update_fields=["document"])

    return Result(
        to=to,
        outcome=outcome,
        opinion=review.opinion,
        data={"review": review.pk, "round": review.round, "checklist": review.checklist},
        documents=[("legal_review_opinion", review)],
        after=link,
    )


def _record_discussion(case, user, data):
    case.discussion_participants = data["discussion_participants"]
    case.discussion_record = data["discussion_record"]
    to = S.REVIEWED if _agree(data) else S.INVESTIGATING
    return Result(to=to, outcome=data["outcome"], documents=[("collective_discussion", case)])


def _notify(case, user, data):
    today = timezone.localdate()
    documents = [("penalty_notice", case)]
    open_deadline(case, "statement_defence", today)
    if hearing_rights(case):
        documents.append(("hearing_notice", case))
        open_deadline(case, "hearing_request", today)
    return Result(to=S.NOTIFIED, documents=documents, data={"hearing_rights": hearing_rights(case)})


def _request_hearing(case, user, data):
    Hearing.objects.create(case=case, requested_on=data["requested_on"])
    meet_deadlines(case, "hearing_request", "statement_defence")
    return Result(to=S.HEARING, data={"requested_on": data["requested_on"]})


def _pending_hearing(case) -> Hearing:
    hearing = case.hearings.filter(held_on__isnull=True).order_by("-pk").first()
    if hearing is None:
        raise Refused(workflow.RULE_HEARING, _("没有待举行的听证"))
    return hearing


def _schedule_hearing(case, user, data):
    hearing = _pending_hearing(case)
    chair = data["chair"]
    if case.case_officers.filter(officer=chair).exists():
        raise Refused(workflow.RULE_HEARING_CHAIR, _("%(n)s 是本案承办人") % {"n": chair.name})
    when = data["scheduled_for"]
    from zhifa.core import calendar

    earliest = calendar.rule_due("hearing_notice", timezone.localdate()).date
    if timezone.localtime(when).date() < earliest:
        raise Refused(
            workflow.RULE_HEARING_NOTICE,
            _("通知之日起七个工作日后方能举行，最早 %(d)s") % {"d": earliest.isoformat()},
        )
    hearing.scheduled_for, hearing.place, hearing.chair = when, data["place"], chair
    hearing.save(update_fields=["scheduled_for", "place", "chair"])
    return Result(data={"scheduled_for": when.isoformat(), "place": data["place"], "chair": chair.name})


def _record_hearing(case, user, data):
    hearing = _pending_hearing(case)
    if hearing.scheduled_for is None or hearing.chair_id is None:
        raise Refused(workflow.RULE_HEARING_NOTICE, _("请先安排听证时间、地点和主持人"))
    if data["held_on"] < timezone.localtime(hearing.scheduled_for).date():
        raise ValidationError({"held_on": _("举行日期不能早于通知的听证时间")})
    hearing.held_on, hearing.record, hearing.conclusion = data["held_on"], data["record"], data["conclusion"]
    hearing.save(update_fields=["held_on", "record", "conclusion"])

    def link(documents):
        hearing.minutes = documents[0]
        hearing.save(update_fields=["minutes"])

    return Result(data={"hearing": hearing.pk}, documents=[("hearing_record", hearing)], after=link)


def _reopen(case, user, data):
    cancel_deadlines(case, "statement_defence", "hearing_request")
    return Result(to=S.INVESTIGATING)


def _decided(case, user, kind: str):
    today = timezone.localdate()
    case.decided_on = today
    fine = case.proposed_fine if PenaltyKind.FINE in (case.penalty_kinds or []) else None
    case.fine_amount = fine if case.decision_kind == DecisionKind.PENALTY else None
    meet_deadlines(case, "decision", "statement_defence", "hearing_request")

    def numbered(documents):
        case.decision_number = documents[0].number
        case.save(update_fields=["decision_number"])

    return numbered


def _decide(case, user, data):
    numbered = _decided(case, user, "penalty_decision")
    open_deadline(case, "decision_service", case.decided_on)
    # 安全生产法 art. 78 (enterprises) and 国办发〔2018〕118号 (every penalty decision): 7 working days.
    open_deadline(case, "publication", case.decided_on)
    return Result(
        to=S.DECIDED,
        data={"fine_amount": case.fine_amount, "party_waived": bool(data.get("party_waived"))},
        documents=[("penalty_decision", case)],
        after=numbered,
    )


def _decide_no_penalty(case, user, data):
    numbered = _decided(case, user, "no_penalty_decision")
    open_deadline(case, "decision_service", case.decided_on)
    return Result(to=S.DECIDED, documents=[("no_penalty_decision", case)], after=numbered)


def _decide_on_spot(case, user, data):
    _check_team([co.officer for co in case.case_officers.select_related("officer")], case)
    if case.proposed_fine and case.proposed_fine > simple_cap(case):
        raise Refused(workflow.RULE_SIMPLE)
    numbered = _decided(case, user, "on_spot_decision")
    case.served_on = case.decided_on
    paid = bool(data.get("paid_on_spot")) and bool(case.fine_amount)
    collection_max = ProcedureRules.in_force(case.decided_on).on_spot_collection_max
    if paid and case.fine_amount > collection_max:
        raise Refused(
            workflow.RULE_ON_SPOT_COLLECTION,
            _("罚款 %(f)s 元超过当场收缴上限 %(m)s 元，请告知当事人十五日内到指定银行缴纳")
            % {"f": case.fine_amount, "m": collection_max},
        )
    if case.fine_amount:
        case.payment_due_on = _payment_due(case, case.decided_on)
    if paid:
        Payment.objects.create(
            case=case,
            amount=case.fine_amount,
            paid_on=case.decided_on,
            receipt_number=data.get("receipt_number", ""),
            recorded_by=user,
        )
        case.paid_amount = case.fine_amount
        meet_deadlines(case, "payment")
    to = S.EXECUTING if case.fine_outstanding else S.EXECUTED
    open_deadline(case, "simple_filing", case.decided_on)
    return Result(
        to=to,
        data={"served_to": data["served_to"], "place": data["place"], "paid_on_spot": paid},
        documents=[("on_spot_decision", case)],
        after=numbered,
    )


def _file_simple(case, user, data):
    case.simple_filed_on = timezone.localdate()
    meet_deadlines(case, "simple_filing")
    return Result()


def _payment_due(case, served: date) -> date:
    return open_deadline(case, "payment", served).due_on


def _serve(case, user, data):
    from zhifa.documents.models import IssuedDocument
    from zhifa.documents.services import record_service

    decision = (
        IssuedDocument.objects.current()
        .filter(number=case.decision_number, subject_type__model="case", subject_id=case.pk)
        .first()
    )
    if decision is None:
        raise Refused(workflow.RULE_STATE, _("未找到本案的决定书"))
    servers = [co.officer for co in case.case_officers.select_related("officer")[:2]]
    record_service(
        decision,
        method=data["method"],
        served_at=data["served_at"],
        servers=servers,
        recipient_name=data["recipient_name"],
        recipient_title=data.get("recipient_title", ""),
        place=data.get("place", ""),
        witnesses=data.get("witnesses", ""),
        consent_reference=data.get("consent_reference", ""),
        electronic_address=data.get("electronic_address", ""),
        notice_published_on=data.get("notice_published_on"),
        user=user,
    )
    served = timezone.localtime(data["served_at"]).date()
    case.served_on = served
    meet_deadlines(case, "decision_service")
    if case.fine_amount:
        case.payment_due_on = _payment_due(case, served)
        to = S.EXECUTING
    else:
        to = S.EXECUTED
    return Result(to=to, data={"method": data["method"], "served_on": served})


def _record_payment(case, user, data):
    amount = data["amount"]
    kind = data.get("kind") or PaymentKind.FINE
    if kind == PaymentKind.FINE and amount > case.fine_outstanding:
        raise ValidationError({"amount": _("超过尚未缴纳的罚款 %(a)s 元") % {"a": case.fine_outstanding}})
    Payment.objects.create(
        case=case,
        kind=kind,
        amount=amount,
        paid_on=data["paid_on"],
        receipt_number=data.get("receipt_number", ""),
        recorded_by=user,
    )
    if kind == PaymentKind.FINE:
        case.paid_amount += amount
    else:
        case.surcharge_paid += amount
    to = None
    if case.fine_outstanding == 0:
        meet_deadlines(case, "payment", "instalment", "demand_wait")
        if case.surcharge_paid >= surcharge_due(case, data["paid_on"]):
            to = S.EXECUTED
    return Result(to=to, data={"kind": kind, "amount": amount, "paid_on": data["paid_on"]})


def _approve_instalments(case, user, data):
    rows = data["schedule"]
    total = sum(amount for _, amount in rows)
    if total != case.fine_outstanding:
        raise ValidationError(
            {
                "schedule": _("各期合计 %(t)s 元，应等于未缴罚款 %(o)s 元")
                % {"t": total, "o": case.fine_outstanding}
            }
        )
    case.instalments.all().delete()
    Instalment.objects.bulk_create([Instalment(case=case, due_on=on, amount=amount) for on, amount in rows])
    cancel_deadlines(case, "payment", "instalment")
    for on, amount in rows:
        CaseDeadline.objects.create(
            case=case,
            rule_code="instalment",
            label=_("分期缴纳 %(a)s 元") % {"a": amount},
            source=_("《行政处罚法》第六十六条"),
            start=timezone.localdate(),
            due_on=on,
        )
    case.payment_due_on = rows[-1][0]
    return Result(
        data={"schedule": [[on, amount] for on, amount in rows]}, documents=[("instalment_approval", case)]
    )


def _demand_payment(case, user, data):
    open_deadline(case, "demand_wait", timezone.localdate())
    return Result(data={"surcharge": surcharge_due(case)}, documents=[("payment_demand", case)])


def _apply_enforcement(case, user, data):
    return Result(to=S.ENFORCEMENT, documents=[("enforcement_application", case)])


def _record_enforced(case, user, data):
    meet_deadlines(case, "payment", "instalment", "demand_wait")
    return Result(to=S.EXECUTED)


def _extend(case, user, data):
    days = data["days"]
    current = case.deadlines.running().filter(rule_code="decision").order_by("-pk").first()
    case.extension_days += days
    if current is not None:
        current.cancelled = True
        current.save(update_fields=["cancelled"])
        from zhifa.core import calendar

        base = calendar.rule_due("decision", case.registered_on).date
        new_due = calendar.due(base, days, "natural")
        CaseDeadline.objects.create(
            case=case,
            rule_code="decision",
            label=_("作出处理决定（已延长 %(d)s 日）") % {"d": case.extension_days},
            source=current.source,
            start=case.registered_on,
            due_on=new_due.date,
            warnings=list(new_due.warnings),
        )
    return Result(data={"days": days, "total": case.extension_days}, documents=[("case_extension", case)])


def _close(case, user, data):
    case.closed_on = timezone.localdate()
    cancel_deadlines(case, keep=("publication",))  # publication runs on after closing
    return Result(to=S.CLOSED, documents=[("case_closing", case)])


def _archive(case, user, data):
    from zhifa.cases.casefile import store_case_file

    sha = store_case_file(case, user=user)
    case.archived_on = timezone.localdate()
    case.case_file_sha256 = sha
    return Result(to=S.ARCHIVED, data={"case_file_sha256": sha})


def _revoke(case, user, data):
    from zhifa.disclosure.services import withdraw

    case.end_reason = data["opinion"]
    cancel_deadlines(case)
    withdraw(case, data["opinion"], user=user)  # a published decision is withdrawn with a notice
    return Result(to=S.REVOKED)


def _transfer(case, user, data):
    case.end_reason = data["opinion"]
    case.transferred_to = data["transferred_to"]
    cancel_deadlines(case)
    return Result(
        to=S.TRANSFERRED, data={"transferred_to": case.transferred_to}, documents=[("case_transfer", case)]
    )


HANDLERS: dict[str, Callable[..., Result]] = {
    "submit_registration": _submit_registration,
    "review_registration": _review_registration,
    "approve_registration": _approve_registration,
    "decline_registration": _decline_registration,
    "record_inquiry_notice": _record(RecordKind.INQUIRY_NOTICE),
    "record_inquiry": _record(RecordKind.INQUIRY),
    "record_scene": _record(RecordKind.SCENE),
    "record_sampling": _record(RecordKind.SAMPLING),
    "preserve_evidence": _preserve_evidence,
    "decide_preservation": _decide_preservation,
    "set_proposal": _set_proposal,
    "submit_handling": _submit_handling,
    "approve_handling": _approve_handling,
    "submit_simple_review": _submit_simple_review,
    "legal_review": _legal_review,
    "record_discussion": _record_discussion,
    "notify": _notify,
    "record_statement": _record(RecordKind.STATEMENT),
    "request_hearing": _request_hearing,
    "schedule_hearing": _schedule_hearing,
    "record_hearing": _record_hearing,
    "reopen": _reopen,
    "decide": _decide,
    "decide_no_penalty": _decide_no_penalty,
    "decide_on_spot": _decide_on_spot,
    "file_simple": _file_simple,
    "serve": _serve,
    "record_payment": _record_payment,
    "approve_instalments": _approve_instalments,
    "demand_payment": _demand_payment,
    "apply_enforcement": _apply_enforcement,
    "record_enforced": _record_enforced,
    "extend": _extend,
    "close": _close,
    "archive": _archive,
    "revoke": _revoke,
    "transfer": _transfer,
}

assert set(HANDLERS) == set(workflow.BY_NAME), set(HANDLERS) ^ set(workflow.BY_NAME)

"""The penalty procedure as one declarative table: each step's name, the states it starts from, who may
take it, the guards that must hold, the form it reads and the documents it issues.

The case page lists the steps ``available(case, user)`` and renders each step's form; the API exposes one
endpoint per step (``POST /api/v1/cases/{id}/{step}/``) from the same table; ``services.perform`` runs a
step. A guard that fails raises ``Refused`` with the rule's name, which the API answers with 409.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import CaseStatus as S
from zhifa.cases.choices import DecisionKind, PartyKind, Procedure
from zhifa.core.roles import Role


class Refused(ValidationError):
    """A rule of the procedure refused the step. ``rule`` names it (the API's 409 carries it)."""

    def __init__(self, rule, message=None):
        self.rule = str(rule)
        super().__init__(f"{rule}：{message}" if message else str(rule))


# --- Rules (named once; guards and messages quote them) --------------------------------------------

RULE_STATE = _("办案程序顺序")
RULE_TWO_OFFICERS = _("执法人员不得少于两人且持有有效执法证（《行政处罚法》第四十二条）")
RULE_AGENCY_HEAD = _("须由处罚机关负责人审批（《行政处罚法》第五十四条、第五十七条）")
RULE_REVIEWER_QUALIFIED = _("初次从事法制审核的人员须取得法律职业资格（《行政处罚法》第五十八条）")
RULE_SEPARATION = _("审核、审批人员不得为本案承办人")
RULE_PARTY = _("当事人信息须完整")
RULE_PROPOSAL = _("处理意见须依裁量基准提出，罚款在法定幅度内（《行政处罚法》第五条、第三十四条）")
RULE_PRESERVATION = _("先行登记保存的证据须在七日内作出处理决定（《行政处罚法》第五十六条）")
RULE_EVIDENCE = _("作出决定须有调查取证记录（《行政处罚法》第四十条）")
RULE_STATEMENT = _("告知后须给予当事人陈述、申辩的期间（《行政处罚法》第四十四条、第四十五条）")
RULE_HEARING = _("当事人申请听证的，须举行听证后方能决定（《行政处罚法》第六十三条、第六十五条）")
RULE_HEARING_REQUEST = _("当事人应在告知后五日内提出听证要求（《行政处罚法》第六十四条）")
RULE_HEARING_CHAIR = _("听证由非本案调查人员主持（《行政处罚法》第六十四条）")
RULE_HEARING_NOTICE = _("听证七日前通知当事人时间、地点（《行政处罚法》第六十四条）")
RULE_DECISION_PERIOD = _("自立案之日起九十日内作出处理决定，延长须经批准（《行政处罚法》第六十条）")
RULE_SIMPLE = _("当场处罚限于警告或对个人二百元、对单位三千元以下罚款（《行政处罚法》第五十一条）")
RULE_ON_SPOT_COLLECTION = _("当场收缴罚款限于一百元以下（《行政处罚法》第六十八条）")
RULE_DEMAND = _("申请强制执行前须催告并等待十日（《行政强制法》第五十四条）")
RULE_PAYMENT_DUE = _("缴款期限届满前不得催缴（《行政处罚法》第六十七条）")
RULE_COMPLETE_FILE = _("结案、归档须案卷文书齐全")
RULE_SIMPLE_FILED = _("当场处罚决定须报所属机关备案（《行政处罚法》第五十二条）")
RULE_REASON = _("须书面说明理由")
RULE_MAJOR = _("重大复杂案件须经集体讨论决定（《行政处罚法》第五十七条）")
RULE_LEGAL_REVIEW = _(
    "法制审核前置：板块承办的案件须经区局法制审核员审核同意后方能作出决定（《行政处罚法》第五十八条）"
)


# --- Who may -----------------------------------------------------------------------------------------


def is_agency_head(user, case) -> bool:
    """The head of the agency in whose name the case is decided: the district bureau's leader, or the
    board's leader where the board holds delegated powers and decides in its own name."""
    if case.agency_id == case.board_id:
        return user.role == Role.BOARD_LEADER and user.region_id == case.board_id
    return user.role == Role.DISTRICT_LEADER


def is_handler(user, case) -> bool:
    officer_id = getattr(user, "officer_id", None)
    return bool(officer_id) and case.case_officers.filter(officer_id=officer_id).exists()


# --- Guards: (case, user, data) -> None, raising Refused -----------------------------------------------

Guard = Callable[..., None]


def agency_head(case, user, data) -> None:
    if not is_agency_head(user, case):
        raise Refused(
            RULE_AGENCY_HEAD,
            _("%(agency)s 的负责人") % {"agency": case.agency.agency_name or case.agency.name},
        )


def not_a_handler(case, user, data) -> None:
    if is_handler(user, case):
        raise Refused(RULE_SEPARATION)


def two_certified_handlers(case, user, data) -> None:
    from zhifa.orgs.models import Certificate

    on = timezone.localdate()
    officer_ids = list(case.case_officers.values_list("officer_id", flat=True))
    certified = Certificate.objects.valid_on(on).filter(officer_id__in=officer_ids)
    count = certified.values("officer_id").distinct().count()
    if count < 2:
        raise Refused(RULE_TWO_OFFICERS, _("本案当日持证承办人只有 %(n)s 名") % {"n": count})


def party_complete(case, user, data) -> None:
    missing = [
        str(label)
        for name, label in (("party_name", _("当事人")), ("party_address", _("住所（地址）")))
        if not getattr(case, name, "").strip()
    ]
    if case.party_kind == PartyKind.UNIT and not case.party_representative.strip():
        missing.append(str(_("法定代表人（负责人）")))
    if not case.cause.strip():
        missing.append(str(_("案由")))
    if missing:
        raise Refused(RULE_PARTY, _("缺少：%(f)s") % {"f": "、".join(missing)})


def proposal_ready(case, user, data) -> None:
    if not case.decision_kind:
        raise Refused(RULE_PROPOSAL, _("尚未提出处理意见"))
    if case.decision_kind == DecisionKind.PENALTY and not case.penalty_kinds:
        raise Refused(RULE_PROPOSAL, _("尚未选择处罚种类"))


def preservations_decided(case, user, data) -> None:
    if case.preservations.filter(outcome="").exists():
        raise Refused(RULE_PRESERVATION, _("有先行登记保存的证据尚未作出处理决定"))


def has_investigation_record(case, user, data) -> None:
    if not case.records.exists() and not case.evidence.exists():
        raise Refused(RULE_EVIDENCE, _("尚无询问笔录、勘验笔录或证据材料"))


def is_penalty(case, user, data) -> None:
    if case.decision_kind != DecisionKind.PENALTY:
        raise Refused(RULE_STATE, _("处理意见为不予处罚，无需告知，请直接作出不予行政处罚决定"))


def is_no_penalty(case, user, data) -> None:
    if case.decision_kind != DecisionKind.NO_PENALTY:
        raise Refused(RULE_STATE, _("处理意见为给予处罚，须先告知当事人"))


def legal_review_passed(case, user, data) -> None:
    from zhifa.cases.gate import GateClosed, check_decision_allowed

    try:
        check_decision_allowed(case)
    except GateClosed as exc:
        raise Refused(RULE_LEGAL_REVIEW, exc.messages[0].rsplit("：", 1)[-1]) from exc


def reviewer_qualified(case, user, data) -> None:
    officer = getattr(user, "officer", None)
    if officer is None or not officer.legal_qualification:
        raise Refused(RULE_REVIEWER_QUALIFIED, _("当前账号未登记法律职业资格"))


def within_decision_period(case, user, data) -> None:
    deadline = case.deadlines.filter(rule_code="decision", cancelled=False).order_by("-pk").first()
    if deadline is not None and timezone.localdate() > deadline.due_on:
        raise Refused(
            RULE_DECISION_PERIOD,
            _("办案期限已于 %(d)s 届满，请先报批延长办案期限") % {"d": deadline.due_on.isoformat()},
        )


def statement_period_over(case, user, data) -> None:
    if data.get("party_waived"):
        return
    running = case.deadlines.running().filter(rule_code__in=["statement_defence", "hearing_request"])
    today = timezone.localdate()
    pending = [d for d in running if d.due_on >= today]
    if pending:
        last = max(d.due_on for d in pending)
        raise Refused(
            RULE_STATEMENT,
            _("陈述申辩（听证申请）期限 %(d)s 届满前不得作出决定，当事人书面放弃的除外")
            % {"d": last.isoformat()},
        )


def hearing_held(case, user, data) -> None:
    if case.hearings.filter(held_on__isnull=True).exists():
        raise Refused(RULE_HEARING, _("听证尚未举行"))


def hearing_eligible(case, user, data) -> None:
    from zhifa.cases.services import hearing_rights

    if not hearing_rights(case):
        raise Refused(RULE_HEARING_REQUEST, _("本案拟作出的处罚不属于听证范围"))
    deadline = case.deadlines.filter(rule_code="hearing_request").order_by("-pk").first()
    requested_on: date = data.get("requested_on") or timezone.localdate()
    if deadline is not None and requested_on > deadline.due_on:
        raise Refused(RULE_HEARING_REQUEST, _("申请期限已于 %(d)s 届满") % {"d": deadline.due_on.isoformat()})


def file_complete_for_closing(case, user, data) -> None:
    from zhifa.cases.casefile import missing_documents

    missing = missing_documents(case, for_closing=True)
    if missing:
        raise Refused(RULE_COMPLETE_FILE, _("缺少：%(m)s") % {"m": "、".join(missing)})
    if case.procedure == Procedure.SIMPLE and not case.simple_filed_on:
        raise Refused(RULE_SIMPLE_FILED)


def file_complete_for_archiving(case, user, data) -> None:
    from zhifa.cases.casefile import missing_documents

    missing = missing_documents(case)
    if missing:
        raise Refused(RULE_COMPLETE_FILE, _("缺少：%(m)s") % {"m": "、".join(missing)})


def payment_overdue(case, user, data) -> None:
    if case.payment_due_on is None or timezone.localdate() <= case.payment_due_on:
        raise Refused(RULE_PAYMENT_DUE, _("缴款期限 %(d)s 尚未届满") % {"d": case.payment_due_on or "—"})


def demand_waited(case, user, data) -> None:
    deadline = case.deadlines.filter(rule_code="demand_wait").order_by("-pk").first()
    if deadline is None:
        raise Refused(RULE_DEMAND, _("尚未催告"))
    if timezone.localdate() <= deadline.due_on:
        raise Refused(RULE_DEMAND, _("催告期限 %(d)s 尚未届满") % {"d": deadline.due_on.isoformat()})


def simple_procedure(case, user, data) -> None:
    if case.procedure != Procedure.SIMPLE:
        raise Refused(RULE_STATE, _("仅适用于简易程序案件"))


def general_procedure(case, user, data) -> None:
    if case.procedure != Procedure.GENERAL:
        raise Refused(RULE_STATE, _("简易程序案件不立案，请直接当场处罚"))


def review_needed(case, user, data) -> None:
    from zhifa.cases.gate import review_required

    if not review_required(case):
        raise Refused(RULE_STATE, _("本案无需法制审核"))


# --- The table -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    label: Any  # a lazily translated string
    sources: frozenset[str]
    perm: str
    form: str  # class name in zhifa.cases.forms
    guards: tuple[Guard, ...] = ()
    documents: tuple[str, ...] = ()  # form kinds the step issues
    targets: tuple[str, ...] = ()  # where the step may lead (the handler picks); () = stays
    help: Any = ""
    danger: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def url_name(self) -> str:
        return self.name.replace("_", "-")


BEFORE_DECISION = frozenset(
    {
        S.INVESTIGATING,
        S.HANDLING_APPROVAL,
        S.LEGAL_REVIEW,
        S.COLLECTIVE_DISCUSSION,
        S.REVIEWED,
        S.NOTIFIED,
        S.HEARING,
    }
)
OPEN = frozenset({S.DRAFT, S.REGISTRATION_REVIEW, S.REGISTRATION_APPROVAL}) | BEFORE_DECISION
EXECUTION = frozenset({S.EXECUTING, S.ENFORCEMENT})
TERMINAL_FOR_EVIDENCE = frozenset({S.CLOSED, S.ARCHIVED, S.NOT_REGISTERED, S.REVOKED, S.TRANSFERRED})

H = "cases.handle_case"
A = "cases.approve_case"

STEPS: tuple[Step, ...] = (
    # Registration (立案)
    Step(
        "submit_registration",
        _("提交立案审批"),
        frozenset({S.DRAFT}),
        H,
        "OpinionForm",
        (general_procedure, party_complete, two_certified_handlers),
        targets=(S.REGISTRATION_REVIEW,),
    ),
    Step(
        "review_registration",
        _("立案审核"),
        frozenset({S.REGISTRATION_REVIEW}),
        "cases.review_registration",
        "ApprovalForm",
        (not_a_handler,),
        targets=(S.REGISTRATION_APPROVAL, S.DRAFT),
    ),
    Step(
        "approve_registration",
        _("立案审批"),
        frozenset({S.REGISTRATION_APPROVAL}),
        A,
        "ApprovalForm",
        (agency_head, not_a_handler, two_certified_handlers),
        ("case_registration",),
        targets=(S.INVESTIGATING, S.DRAFT),
    ),
    Step(
        "decline_registration",
        _("不予立案"),
        frozenset({S.REGISTRATION_APPROVAL}),
        A,
        "ReasonForm",
        (agency_head,),
        targets=(S.NOT_REGISTERED,),
        danger=True,
    ),
    # Investigation (调查取证)
    Step(
        "record_inquiry_notice",
        _("制作询问通知书"),
        frozenset({S.INVESTIGATING}),
        H,
        "RecordForm",
        (),
        ("inquiry_notice",),
        extra={"kind": "inquiry_notice"},
    ),
    Step(
        "record_inquiry",
        _("制作询问笔录"),
        frozenset({S.INVESTIGATING}),
        H,
        "RecordForm",
        (),
        ("inquiry_record",),
        extra={"kind": "inquiry"},
    ),
    Step(
        "record_scene",
        _("制作勘验笔录"),
        frozenset({S.INVESTIGATING}),
        H,
        "RecordForm",
        (),
        ("scene_record",),
        extra={"kind": "scene"},
    ),
    Step(
        "record_sampling",
        _("抽样取证"),
        frozenset({S.INVESTIGATING}),
        H,
        "RecordForm",
        (),
        ("sampling_record",),
        extra={"kind": "sampling"},
    ),
    Step(
        "preserve_evidence",
        _("先行登记保存证据（负责人批准）"),
        frozenset({S.INVESTIGATING}),
        A,
        "PreservationForm",
        (agency_head,),
        ("preservation_notice",),
    ),
    Step(
        "decide_preservation",
        _("先行登记保存处理决定"),
        frozenset({S.INVESTIGATING, S.HANDLING_APPROVAL}),
        H,
        "PreservationDecisionForm",
        (),
        ("preservation_decision",),
    ),
    Step(
        "set_proposal",
        _("提出处理意见（裁量）"),
        frozenset({S.INVESTIGATING, S.DRAFT}),
        H,
        "ProposalForm",
        (),
        help=_("依裁量基准计算建议罚款；偏离建议须书面说明理由，供法制审核"),
    ),
    Step(
        "submit_handling",
        _("提交调查报告及处理审批"),
        frozenset({S.INVESTIGATING}),
        H,
        "ReportForm",
        (general_procedure, proposal_ready, preservations_decided, has_investigation_record),
        ("investigation_report",),
        targets=(S.HANDLING_APPROVAL,),
    ),
    Step(
        "approve_handling",
        _("案件处理审批"),
        frozenset({S.HANDLING_APPROVAL}),
        A,
        "ApprovalForm",
        (agency_head, not_a_handler),
        ("handling_approval",),
        targets=(S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION, S.REVIEWED, S.INVESTIGATING),
    ),
    # Simple procedure cases of a board go to legal review straight from the draft.
    Step(
        "submit_simple_review",
        _("当场处罚送法制审核"),
        frozenset({S.DRAFT}),
        H,
        "OpinionForm",
        (simple_procedure, review_needed, proposal_ready, party_complete, two_certified_handlers),
        targets=(S.LEGAL_REVIEW,),
    ),
    # Legal review (法制审核)
    Step(
        "legal_review",
        _("法制审核"),
        frozenset({S.LEGAL_REVIEW}),
        "cases.legal_review_case",
        "LegalReviewForm",
        (reviewer_qualified, not_a_handler),
        ("legal_review_opinion",),
        targets=(S.COLLECTIVE_DISCUSSION, S.REVIEWED, S.INVESTIGATING, S.DRAFT),
    ),
    Step(
        "record_discussion",
        _("集体讨论"),
        frozenset({S.COLLECTIVE_DISCUSSION}),
        A,
        "DiscussionForm",
        (agency_head,),
        ("collective_discussion",),
        targets=(S.REVIEWED, S.INVESTIGATING),
    ),
    # Notice, statement and hearing
    Step(
        "notify",
        _("告知拟处罚"),
        frozenset({S.REVIEWED}),
        H,
        "NoticeForm",
        (general_procedure, is_penalty, within_decision_period),
        ("penalty_notice", "hearing_notice"),
        targets=(S.NOTIFIED,),
    ),
    Step(
        "record_statement",
        _("记录陈述申辩"),
        frozenset({S.NOTIFIED, S.HEARING}),
        H,
        "StatementForm",
        (),
        ("statement_record",),
    ),
    Step(
        "request_hearing",
        _("登记听证申请"),
        frozenset({S.NOTIFIED}),
        H,
        "HearingRequestForm",
        (hearing_eligible,),
        targets=(S.HEARING,),
    ),
    Step("schedule_hearing", _("安排听证"), frozenset({S.HEARING}), A, "HearingScheduleForm", (agency_head,)),
    Step(
        "record_hearing",
        _("制作听证笔录"),
        frozenset({S.HEARING}),
        H,
        "HearingRecordForm",
        (),
        ("hearing_record",),
    ),
    Step(
        "reopen",
        _("退回调查（变更处理意见）"),
        frozenset({S.REVIEWED, S.COLLECTIVE_DISCUSSION, S.NOTIFIED, S.HEARING}),
        H,
        "ReasonForm",
        (general_procedure,),
        targets=(S.INVESTIGATING,),
        help=_("处理意见变更后须重新审批和法制审核"),
    ),
    # Decision (决定)
    Step(
        "decide",
        _("作出行政处罚决定"),
        frozenset({S.NOTIFIED, S.HEARING}),
        "cases.decide_case",
        "DecisionForm",
        (
            agency_head,
            is_penalty,
            legal_review_passed,
            statement_period_over,
            hearing_held,
            within_decision_period,
        ),
        ("penalty_decision",),
        targets=(S.DECIDED,),
    ),
    Step(
        "decide_no_penalty",
        _("作出不予行政处罚决定"),
        frozenset({S.REVIEWED}),
        "cases.decide_case",
        "OpinionForm",
        (agency_head, general_procedure, is_no_penalty, legal_review_passed, within_decision_period),
        ("no_penalty_decision",),
        targets=(S.DECIDED,),
    ),
    Step(
        "decide_on_spot",
        _("当场作出处罚决定"),
        frozenset({S.DRAFT, S.REVIEWED}),
        H,
        "OnSpotForm",
        (simple_procedure, is_penalty, legal_review_passed),
        ("on_spot_decision",),
        targets=(S.EXECUTING, S.EXECUTED),
    ),
    Step(
        "file_simple",
        _("当场处罚备案"),
        frozenset({S.EXECUTING, S.EXECUTED, S.ENFORCEMENT}),
        A,
        "OpinionForm",
        (simple_procedure, agency_head),
    ),
    # Service and execution (送达、执行)
    Step(
        "serve",
        _("送达决定书"),
        frozenset({S.DECIDED}),
        H,
        "ServiceForm",
        (),
        ("service_receipt",),
        targets=(S.EXECUTING, S.EXECUTED),
    ),
    Step("record_payment", _("登记缴款"), EXECUTION, H, "PaymentForm", (), targets=(S.EXECUTED,)),
    Step(
        "approve_instalments",
        _("批准延期（分期）缴纳"),
        frozenset({S.EXECUTING}),
        A,
        "InstalmentForm",
        (agency_head,),
        ("instalment_approval",),
    ),
    Step(
        "demand_payment",
        _("催告缴纳"),
        frozenset({S.EXECUTING}),
        H,
        "OpinionForm",
        (payment_overdue,),
        ("payment_demand",),
    ),
    Step(
        "apply_enforcement",
        _("申请法院强制执行"),
        frozenset({S.EXECUTING}),
        A,
        "OpinionForm",
        (agency_head, demand_waited),
        ("enforcement_application",),
        targets=(S.ENFORCEMENT,),
    ),
    Step(
        "record_enforced",
        _("登记强制执行完毕"),
        frozenset({S.ENFORCEMENT}),
        H,
        "OpinionForm",
        (),
        targets=(S.EXECUTED,),
    ),
    # Period, closing, archiving
    Step(
        "extend",
        _("延长办案期限（负责人批准）"),
        BEFORE_DECISION,
        A,
        "ExtensionForm",
        (agency_head,),
        ("case_extension",),
    ),
    Step(
        "close",
        _("结案"),
        frozenset({S.EXECUTED}),
        A,
        "OpinionForm",
        (agency_head, file_complete_for_closing),
        ("case_closing",),
        targets=(S.CLOSED,),
    ),
    Step(
        "archive",
        _("归档（生成电子卷宗）"),
        frozenset({S.CLOSED}),
        H,
        "OpinionForm",
        (file_complete_for_archiving,),
        targets=(S.ARCHIVED,),
    ),
    # Endings other than a decision
    Step(
        "revoke",
        _("撤销案件"),
        OPEN | frozenset({S.DECIDED}) | EXECUTION | frozenset({S.EXECUTED}),
        A,
        "ReasonForm",
        (agency_head,),
        targets=(S.REVOKED,),
        danger=True,
        help=_("案件不删除；撤销须书面说明理由，已公示的决定同时撤回"),
    ),
    Step(
        "transfer",
        _("移送"),
        OPEN,
        A,
        "TransferForm",
        (agency_head,),
        ("case_transfer",),
        targets=(S.TRANSFERRED,),
        danger=True,
    ),
)

BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}


def step(name: str) -> Step:
    try:
        return BY_NAME[name]
    except KeyError:
        raise Refused(RULE_STATE, _("未知的办案环节：%(n)s") % {"n": name}) from None


def available(case, user) -> list[Step]:
    """The steps the user may take on the case now (state and permission; guards are checked on submit so
    that the refusal can name the rule)."""
    return [s for s in STEPS if case.status in s.sources and user.has_perm(s.perm)]


def as_markdown() -> str:
    """The table as docs/cases.md prints it (a test keeps the two identical)."""
    from zhifa.core.permissions import PERMISSIONS

    labels = dict(S.choices)
    order = {value: i for i, value in enumerate(S.values)}
    lines = [
        "| 环节 | name | 起始状态 | 去向 | 权限（角色） | 规则（guards） | 文书 |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in STEPS:
        roles = "、".join(
            str(Role(r).label) for r in sorted(PERMISSIONS.get(s.perm, ()), key=Role.values.index)
        )
        sources = "、".join(str(labels[x]) for x in sorted(s.sources, key=order.__getitem__))
        targets = "、".join(str(labels[x]) for x in s.targets) or "（不变）"
        guards = "、".join(g.__name__ for g in s.guards) or "—"
        documents = "、".join(s.documents) or "—"
        lines.append(f"| {s.label} | `{s.name}` | {sources} | {targets} | {roles} | {guards} | {documents} |")
    return "\n".join(lines) + "\n"

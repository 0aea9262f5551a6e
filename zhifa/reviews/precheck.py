"""The automatic pre-check of a case file, shown to the reviewer beside the scoring form.

It reads what the system already knows and a reviewer would otherwise look up by hand: the documents the
file must hold (``zhifa.cases.casefile.required_documents``, the same list the closing guard reads),
statutory periods met late or still running past their date, officers acting on a day their certificate
did not cover, signature lines left without a name, a fine outside the discretion benchmark, and a
decision without the approved legal review. Findings inform the reviewer; they score nothing by
themselves (the reviewer decides, e.g. whether a late period is a veto).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.reviews.choices import FindingCode

#: Signature lines signed by hand on paper by the party, witnesses or recipients: blank in the form by
#: design, never a finding.
HAND_SIGNED = (
    "当事人",
    "被询问",
    "被通知",
    "陈述申辩人",
    "参加人员",
    "被检查单位",
    "被复查单位",
    "受送达人",
    "见证人",
    "在场人",
)


@dataclass(frozen=True)
class Finding:
    code: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def precheck(case) -> list[Finding]:
    """Every finding for ``case``, in the order a reviewer reads a file."""
    return [
        *missing_documents(case),
        *deadlines(case),
        *certificates(case),
        *unsigned_documents(case),
        *fine_range(case),
        *legal_review(case),
    ]


def missing_documents(case) -> list[Finding]:
    from zhifa.cases.casefile import missing_documents as missing

    return [
        Finding(FindingCode.MISSING_DOCUMENT, _("缺少文书：%(t)s") % {"t": title}) for title in missing(case)
    ]


def _local(moment) -> date:
    return timezone.localtime(moment).date()


def deadlines(case, today: date | None = None) -> list[Finding]:
    today = today or timezone.localdate()
    found = []
    for deadline in case.deadlines.filter(cancelled=False).order_by("due_on", "pk"):
        if deadline.met_at is None and deadline.due_on < today:
            found.append(
                Finding(
                    FindingCode.DEADLINE_RUNNING,
                    _("%(l)s：%(d)s 届满，至今未完成（已超过 %(n)s 日）")
                    % {"l": deadline.label, "d": deadline.due_on, "n": (today - deadline.due_on).days},
                )
            )
        elif deadline.met_at is not None and _local(deadline.met_at) > deadline.due_on:
            met = _local(deadline.met_at)
            found.append(
                Finding(
                    FindingCode.DEADLINE_MISSED,
                    _("%(l)s：%(d)s 届满，%(m)s 才完成（超过 %(n)s 日）")
                    % {
                        "l": deadline.label,
                        "d": deadline.due_on,
                        "m": met,
                        "n": (met - deadline.due_on).days,
                    },
                )
            )
    return found


def certificates(case) -> list[Finding]:
    """Officers of the case acting (a record they made, a step they took) on a day none of their
    certificates covered. The register keeps each certificate's period but not the date of a
    suspension or revocation, so the period alone is judged."""
    from zhifa.cases.choices import RecordKind
    from zhifa.cases.models import CaseEvent, CaseOfficer, CaseRecord
    from zhifa.orgs.models import Certificate, Officer

    kinds = dict(RecordKind.choices)

    handlers = set(CaseOfficer.objects.filter(case=case).values_list("officer_id", flat=True))
    actions: list[tuple[int, date, str]] = []
    for record in CaseRecord.objects.filter(case=case).prefetch_related("officers").order_by("on", "pk"):
        label = str(kinds.get(record.kind, record.kind))
        actions += [(officer.pk, record.on, label) for officer in record.officers.all()]
    events = (
        CaseEvent.objects.filter(case=case, actor__officer__in=handlers)
        .values_list("actor__officer_id", "at", "label")
        .order_by("at", "pk")
    )
    actions += [(officer_id, _local(at), label) for officer_id, at, label in events]
    if not actions:
        return []
    officer_ids = {officer_id for officer_id, _day, _label in actions}
    periods: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for officer_id, start, end in Certificate.objects.filter(officer__in=officer_ids).values_list(
        "officer_id", "valid_from", "valid_to"
    ):
        periods[officer_id].append((start, end))
    names = dict(Officer.objects.filter(pk__in=officer_ids).values_list("pk", "name"))
    found, seen = [], set()
    for officer_id, day, label in actions:
        if any(start <= day <= end for start, end in periods[officer_id]):
            continue
        key = (officer_id, day, label)
        if key in seen:
            continue
        seen.add(key)
        found.append(
            Finding(
                FindingCode.CERTIFICATE,
                _("%(n)s 于 %(d)s（%(a)s）未持有有效执法证")
                % {"n": names.get(officer_id, officer_id), "d": day, "a": label},
            )
        )
    return found


def _hand_signed(label: str) -> bool:
    return any(word in label for word in HAND_SIGNED)


def unsigned_documents(case) -> list[Finding]:
    """Signature lines of the officers, approvers and reviewers that name nobody."""
    from zhifa.cases.casefile import case_documents

    found = []
    for document in case_documents(case).only("title", "number", "content", "kind"):
        for line in (document.content or {}).get("signatures") or []:
            label = str(line.get("label") or "")
            if str(line.get("name") or "").strip() or _hand_signed(label):
                continue
            found.append(
                Finding(
                    FindingCode.UNSIGNED,
                    _("%(t)s %(no)s：“%(l)s”一栏未签名")
                    % {"t": document.title, "no": document.number, "l": label or _("签名")},
                )
            )
    return found


def fine_range(case) -> list[Finding]:
    """The decided fine against the discretion benchmark the case was proposed under."""
    from zhifa.discretion import engine

    if case.fine_amount is None or case.violation_type_id is None or not case.proposal:
        return []
    try:
        proposal = engine.Proposal.from_dict(case.proposal)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return [Finding(FindingCode.FINE_RANGE, _("案件存储的裁量建议无法读取，请人工核对罚款金额"))]
    problems = engine.check_decision(case.violation_type, case.fine_amount, proposal, case.deviation_reason)
    return [
        Finding(FindingCode.FINE_RANGE, _("决定罚款 %(a)s 元：%(p)s") % {"a": case.fine_amount, "p": problem})
        for problem in problems
    ]


def legal_review(case) -> list[Finding]:
    from zhifa.cases.gate import GateClosed, check_decision_allowed

    if not case.decided_on:
        return []
    try:
        check_decision_allowed(case)
    except GateClosed as exc:
        return [Finding(FindingCode.LEGAL_REVIEW, "；".join(str(m) for m in exc.messages))]
    return []

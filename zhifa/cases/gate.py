"""The legal-review gate (法制审核): no decision on a case that needs review without an approved review of
the very proposal being decided.

Called from ``Case.save`` (so the admin, a shell or any future path cannot write a decision past it), from
``documents.services.issue`` for decision forms, and from the workflow's guards (which name the rule in the
409 the API answers). One function, so the three places cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import Procedure, ReviewOutcome

LEGAL_REVIEW_RULE = _(
    "法制审核前置：板块承办的案件须经区局法制审核员审核同意后方能作出决定（《行政处罚法》第五十八条）"
)


class GateClosed(ValidationError):
    """A decision was attempted without the approved legal review it needs."""

    rule = LEGAL_REVIEW_RULE


def review_required(case) -> bool:
    """Every case board staff handle; the district's own cases by the configured rule (general procedure)."""
    from zhifa.cases.models import ProcedureRules

    if handled_by_board(case):
        return True
    if case.procedure != Procedure.GENERAL:
        return False
    return ProcedureRules.in_force(case.registered_on or timezone.localdate()).review_all_district_cases


def handled_by_board(case) -> bool:
    """Whether board staff handle the case (the brigade's own cases in a board's territory are the
    district's). A case not yet staffed counts by its board."""
    from zhifa.orgs.choices import RegionKind

    if case.pk is None:
        return case.board.is_board
    officers = case.case_officers.all()
    if not officers.exists():
        return case.board.is_board
    return officers.exclude(officer__unit__kind=RegionKind.DISTRICT).exists()


def approved_review(case):
    """The approved review of the case's current proposal, if the latest decided round approved it."""
    latest = case.legal_reviews.exclude(outcome="").order_by("-round").first()
    if latest is None or latest.outcome != ReviewOutcome.APPROVE:
        return None
    if latest.proposal_version != case.proposal_version:
        return None
    return latest


def _amount(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def check_decision_allowed(case) -> None:
    """Raise ``GateClosed`` unless the case may be decided as it now stands."""
    if not review_required(case):
        return
    review = approved_review(case)
    if review is None:
        raise GateClosed(f"{LEGAL_REVIEW_RULE}：" + str(_("尚无对当前处理意见的审核同意意见")))
    snapshot = review.proposal_snapshot or {}
    decided_kind = case.decision_kind
    if snapshot.get("decision_kind") and snapshot["decision_kind"] != decided_kind:
        raise GateClosed(f"{LEGAL_REVIEW_RULE}：" + str(_("决定的处理种类与审核同意的不一致")))
    if case.fine_amount is not None and _amount(case.fine_amount) != _amount(snapshot.get("proposed_fine")):
        raise GateClosed(
            f"{LEGAL_REVIEW_RULE}：" + str(_("决定的罚款金额与审核同意的金额不一致，须重新审核"))
        )

"""Publishing penalty decisions and withdrawing them; what the public portal reads.

``publish_decision`` freezes what is public of a decided case into a ``Publication`` (``snapshot``) and
meets the case's publication deadline (安全生产法 art. 78: seven working days from the decision, opened by
the decide step). ``withdraw`` is called when a published case is revoked: the row stays, with a
withdrawal notice (撤回公告), and its content is no longer shown.

The snapshot is built from an allow-list of fields, never by copying the case: a new field on ``Case``
stays internal until someone adds it here on purpose.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.cases.choices import CaseStatus, DecisionKind, PartyKind, PenaltyKind
from zhifa.cases.models import Case, CaseDeadline, CaseEvent
from zhifa.disclosure.choices import CertificateState
from zhifa.disclosure.masking import mask_name, redact
from zhifa.disclosure.models import Publication

S = CaseStatus
#: A decision may be published once it is made, whatever has happened since (served, paid, closed).
PUBLISHABLE = frozenset({S.DECIDED, S.EXECUTING, S.ENFORCEMENT, S.EXECUTED, S.CLOSED, S.ARCHIVED})
#: The longest facts text published; the decision itself holds the rest.
FACTS_LIMIT = 800


class PublicationError(ValidationError):
    """A publication refused, with the reason."""


def agency_name(region) -> str:
    return region.agency_name or region.name


# --- What is public of a decision ----------------------------------------------------------------------


def party_display(case: Case) -> str:
    """A unit's name in full; an individual's partly masked."""
    if case.party_kind == PartyKind.PERSON:
        return mask_name(case.party_name)
    return case.party_name


def _public_text(case: Case, text: str) -> str:
    person = case.party_kind == PartyKind.PERSON
    names = [case.party_name] if person else []
    removed = [case.party_code, case.party_phone] + ([case.party_address] if person else [])
    return redact(text, names=names, removed=removed)


def _penalty_text(case: Case) -> str:
    labels = dict(PenaltyKind.choices)
    parts = []
    for kind in case.penalty_kinds or []:
        if kind == PenaltyKind.FINE and case.fine_amount is not None:
            parts.append(_("罚款人民币 %(a)s 元") % {"a": case.fine_amount})
        else:
            parts.append(str(labels.get(kind, kind)))
    return "；".join(parts)


def _officers(case: Case) -> list[dict[str, str]]:
    """The handling officers as the decision names them: name and the certificate valid that day."""
    from zhifa.orgs.models import Certificate

    on = case.decided_on or timezone.localdate()
    rows = []
    for link in case.case_officers.select_related("officer").prefetch_related(
        Prefetch(
            "officer__certificates",
            queryset=Certificate.objects.valid_on(on).order_by("-valid_to"),
            to_attr="valid_then",
        )
    ):
        certificates = link.officer.valid_then  # type: ignore[attr-defined]
        rows.append(
            {"name": link.officer.name, "certificate_number": certificates[0].number if certificates else ""}
        )
    return rows


def snapshot(case: Case) -> dict[str, Any]:
    """What the public may read of the decision: the party (masked if an individual), the decision
    number, cause, a summary of the facts, the articles, the penalty, the agency and the date."""
    facts = _public_text(case, case.facts)
    if len(facts) > FACTS_LIMIT:
        facts = facts[:FACTS_LIMIT] + "……"
    violation = case.violation_type
    unit = case.party_kind == PartyKind.UNIT
    return {
        "party_kind": case.party_kind,
        "party_kind_label": str(PartyKind(case.party_kind).label),
        "party_name": party_display(case),
        # A unit's credit code is public register data; an individual's ID number never is.
        "party_code": case.party_code if unit else "",
        "decision_number": case.decision_number,
        "cause": _public_text(case, case.cause),
        "facts": facts,
        "article_violated": violation.article_violated if violation else "",
        "penalty_article": violation.penalty_article if violation else "",
        "penalty_kinds": [str(dict(PenaltyKind.choices).get(k, k)) for k in case.penalty_kinds or []],
        "fine_amount": str(case.fine_amount) if case.fine_amount is not None else "",
        "penalty": _penalty_text(case),
        "agency": agency_name(case.agency),
        "decided_on": case.decided_on.isoformat() if case.decided_on else "",
        "officers": _officers(case),
    }


# --- Publishing and withdrawing ------------------------------------------------------------------------


def publishable(queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases whose penalty decision is made (and numbered)."""
    queryset = Case.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=PUBLISHABLE, decision_kind=DecisionKind.PENALTY).exclude(
        decision_number=""
    )


def awaiting(user) -> QuerySet[Case]:
    """Decisions in the user's jurisdiction not yet published, the publication deadline's end first
    (decisions without one — an individual's, which the law does not oblige us to publish — last)."""
    due = CaseDeadline.objects.filter(case=OuterRef("pk"), rule_code="publication", cancelled=False)
    return (
        publishable(Case.objects.restrict(user, "view"))
        .filter(publication__isnull=True)
        .annotate(publication_due=Subquery(due.order_by("due_on").values("due_on")[:1]))
        .select_related("board", "agency")
        .order_by(F("publication_due").asc(nulls_last=True), "decided_on", "pk")
    )


def publish_decision(case: Case, user) -> Publication:
    """Publish the decided case's penalty decision as ``user`` and meet its publication deadline."""
    from zhifa.cases.services import actor_name, meet_deadlines

    if not user.has_perm("disclosure.add_publication"):
        raise PermissionDenied(_("您没有公示行政处罚决定的权限"))
    with transaction.atomic():
        locked = (
            Case.objects.restrict(user, "view")
            .select_for_update(of=("self",))
            .select_related("agency", "violation_type")
            .filter(pk=case.pk)
            .first()
        )
        if locked is None:
            raise PermissionDenied(_("案件不在您的管辖范围内"))
        if (
            locked.status not in PUBLISHABLE
            or locked.decision_kind != DecisionKind.PENALTY
            or not locked.decision_number
        ):
            raise PublicationError(
                _("只有已作出行政处罚决定的案件才能公示（本案当前为“%(s)s”）")
                % {"s": locked.get_status_display()}
            )
        if Publication.objects.filter(case=locked).exists():
            raise PublicationError(_("该行政处罚决定已公示"))
        assert locked.decided_on is not None  # a numbered decision has its date
        publication = Publication.objects.create(
            case=locked,
            decision_number=locked.decision_number,
            decided_on=locked.decided_on,
            agency_name=agency_name(locked.agency),
            content=snapshot(locked),
            published_by=user,
        )
        meet_deadlines(locked, "publication")
        CaseEvent.objects.create(
            case=locked,
            transition="publish",
            label=_("公示行政处罚决定"),
            from_status=locked.status,
            to_status=locked.status,
            actor=user,
            actor_name=actor_name(user),
            data={"publication": publication.pk},
        )
    return publication


def withdrawal_notice(publication: Publication, on: date) -> str:
    return _(
        "%(agency)s于%(published)s公示的行政处罚决定（%(number)s）已于%(on)s依法撤销，现撤回该公示。特此公告。"
    ) % {
        "agency": publication.agency_name,
        "published": timezone.localtime(publication.published_at).strftime("%Y年%m月%d日"),
        "number": publication.decision_number,
        "on": on.strftime("%Y年%m月%d日"),
    }


def withdraw(case: Case, reason: str, *, user=None, notice: str = "") -> Publication | None:
    """Withdraw the case's publication (the case was revoked): the row is kept, its content is no longer
    shown, and a withdrawal notice is. ``reason`` stays internal. Nothing to do if it was never
    published or is already withdrawn."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(case_id=case.pk).first()
        if publication is None or publication.is_withdrawn:
            return publication
        now = timezone.now()
        publication.withdrawn_at = now
        publication.withdrawn_by = user
        publication.withdrawal_reason = reason.strip()
        publication.withdrawal_notice = notice.strip() or withdrawal_notice(
            publication, timezone.localtime(now).date()
        )
        publication.save(
            update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "withdrawal_notice"]
        )
    return publication


# --- What the portal lists -------------------------------------------------------------------------------


def public_officers():
    """Active officers holding an enforcement certificate, each with the certificates to show (newest
    first): name, unit and certificate only — never ID numbers or phones."""
    from zhifa.orgs.models import Certificate, Officer

    return (
        Officer.objects.filter(active=True)
        .filter(Exists(Certificate.objects.filter(officer=OuterRef("pk"))))
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "certificates",
                queryset=Certificate.objects.order_by("-valid_to", "-pk"),
                to_attr="public_certs",
            )
        )
        .order_by("unit__sort_order", "unit__code", "name", "pk")
    )


def certificate_state(certificate, on: date | None = None) -> str:
    from zhifa.orgs.choices import CertificateStatus

    on = on or timezone.localdate()
    if certificate.is_valid_on(on):
        return CertificateState.VALID
    if certificate.status == CertificateStatus.VALID and certificate.valid_to < on:
        return CertificateState.EXPIRED
    return CertificateState.INVALID


def public_draws():
    """Every draw, newest first: a commitment is public from the moment it is made, the seed and the
    drawn enterprises once revealed. The frozen pools (officers' and experts' data) are not published;
    their hash is."""
    from zhifa.planning.models import Draw

    return (
        Draw.objects.select_related("board", "superseded_by")
        .annotate(drawn=Count("assignments"))
        .order_by("-year", "-month", "-pk")
    )


def public_bodies():
    """The district bureau and every board, with the powers each publishes (one query)."""
    from zhifa.orgs.models import Region

    return Region.objects.select_related("disclosure").order_by("sort_order", "code")


def delegated_lines(region) -> list[str]:
    return [line.strip() for line in (region.delegated_powers or "").splitlines() if line.strip()]


def is_revealed(draw) -> bool:
    """The seed is public (and with it the drawn enterprises) once the draw has been made."""
    from zhifa.planning.choices import DrawStatus

    return draw.status != DrawStatus.COMMITTED and bool(draw.seed_hex)


def public_decisions(*, q: str = "", year: int | None = None) -> QuerySet[Publication]:
    """Published decisions and withdrawal notices, newest first, found by year and text. A withdrawn
    decision is found by its number only: its party and cause are no longer public."""
    publications = Publication.objects.all()
    if year:
        publications = publications.filter(decided_on__year=year)
    q = search_text(q, 64)
    if q:
        live = Q(withdrawn_at__isnull=True) & (
            Q(content__party_name__icontains=q) | Q(content__cause__icontains=q)
        )
        publications = publications.filter(Q(decision_number__icontains=q) | live)
    return publications


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def search_text(value, limit: int) -> str:
    """Free text from a query string, without control characters (PostgreSQL refuses a NUL in a text
    parameter, and none belongs in a search), trimmed and capped."""
    return _CONTROL.sub("", str(value or "")).strip()[:limit]


def parse_year(value) -> int | None:
    """A year from a query string, or None for anything else (a bad filter is ignored, never a 500)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2999 else None

"""Yearly training hours per officer, and certificate-renewal readiness.

Both are computed by the database: hours by ``Sum`` over the officer's attended sessions of the year
(one grouped query for the whole list), the exam by an ``Exists`` subquery, so a list of officers or
certificates runs a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhifa.orgs.choices import Employment
from zhifa.orgs.models import Certificate, CertificateQuerySet, Officer
from zhifa.training.models import Attendance, TrainingRequirement

#: Certificates expiring within this many days are listed on the readiness page.
RENEWAL_DAYS = 90
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=7, decimal_places=1))


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def trainees(officers: QuerySet[Officer]) -> QuerySet[Officer]:
    """Officers whose training is measured: active staffed officers (auxiliary staff are not counted)."""
    return officers.filter(active=True, employment=Employment.STAFFED)


def _attended_in(year: int, prefix: str = "") -> Q:
    first, last = year_bounds(year)
    return Q(
        **{
            f"{prefix}attended": True,
            f"{prefix}session__date__gte": first,
            f"{prefix}session__date__lte": last,
        }
    )


def passed_exam_in(year: int, officer_ref: str = "pk") -> Exists:
    first, last = year_bounds(year)
    return Exists(
        Attendance.objects.filter(
            officer=OuterRef(officer_ref), passed=True, session__date__gte=first, session__date__lte=last
        )
    )


def with_hours(officers: QuerySet[Officer], year: int) -> QuerySet[Officer]:
    """Annotate ``training_hours``, ``sessions_attended`` and ``exam_passed`` for ``year``."""
    attended = _attended_in(year, "training_attendances__")
    return officers.annotate(
        training_hours=Coalesce(Sum("training_attendances__hours", filter=attended), ZERO),
        sessions_attended=Count("training_attendances", filter=attended),
        exam_passed=passed_exam_in(year),
    )


def hours_subquery(year: int, officer_ref: str) -> Coalesce:
    """The hours of the officer named by ``officer_ref`` (an outer field) in ``year``, as a subquery."""
    summed = (
        Attendance.objects.filter(_attended_in(year), officer=OuterRef(officer_ref))
        .order_by()
        .values("officer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(Subquery(summed, output_field=DecimalField(max_digits=7, decimal_places=1)), ZERO)


@dataclass(frozen=True)
class Standard:
    """The requirement that applies to a year (None when none is configured)."""

    year: int
    requirement: TrainingRequirement | None

    @property
    def hours_required(self) -> Decimal | None:
        return self.requirement.hours_required if self.requirement else None

    def met(self, hours: Decimal) -> bool | None:
        return None if self.requirement is None else hours >= self.requirement.hours_required


def standard(year: int) -> Standard:
    return Standard(year, TrainingRequirement.for_year(year))


def renewal_candidates(certificates: CertificateQuerySet, today: date | None = None) -> QuerySet[Certificate]:
    """Certificates valid today that expire within ``RENEWAL_DAYS``, with the holder's hours and exam
    of this year (``training_hours``, ``exam_passed``), soonest first."""
    today = today or timezone.localdate()
    return (
        certificates.valid_on(today)
        .filter(valid_to__lte=today + timedelta(days=RENEWAL_DAYS), officer__active=True)
        .select_related("officer", "officer__unit")
        .annotate(
            training_hours=hours_subquery(today.year, "officer"),
            exam_passed=passed_exam_in(today.year, "officer"),
        )
        .order_by("valid_to", "officer__name")
    )

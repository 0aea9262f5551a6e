"""Every change to training records goes through here (pages, the API and the demo).

``record_attendance`` writes a session's attendance in one transaction with the session row locked,
so two people entering the same register do not interleave.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhifa.orgs.models import Officer
from zhifa.training.models import Attendance, TrainingSession, pass_mark_for


def save_session(session: TrainingSession, *, user=None) -> TrainingSession:
    session.full_clean()
    with transaction.atomic():
        if session.pk is not None:
            TrainingSession.objects.select_for_update(of=("self",)).filter(pk=session.pk).first()
        session.save()
    return session


@dataclass
class AttendanceRow:
    officer: Officer
    attended: bool = True
    hours: Decimal | None = None
    exam_score: Decimal | None = None


def record_attendance(session: TrainingSession, rows: list[AttendanceRow], *, user=None) -> list[Attendance]:
    """Create or update one attendance per row (one per officer). Refused whole when any row is wrong;
    the errors name the officer."""
    officers = [row.officer.pk for row in rows]
    if len(set(officers)) != len(officers):
        raise ValidationError({"rows": [_("同一人员在本次培训中只能登记一次")]})
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        existing = {
            a.officer_id: a for a in Attendance.objects.filter(session=locked, officer_id__in=officers)
        }
        pass_mark = pass_mark_for(locked.date.year)
        saved, errors = [], []
        for row in rows:
            attendance = existing.get(row.officer.pk) or Attendance(session=locked, officer=row.officer)
            attendance.attended = row.attended
            attendance.hours = row.hours
            attendance.exam_score = row.exam_score
            try:
                attendance.full_clean(exclude=["session", "officer"])
            except ValidationError as exc:
                for messages in exc.message_dict.values():
                    errors += [f"{row.officer.name}：{m}" for m in messages]
                continue
            attendance.grade(pass_mark)
            saved.append(attendance)
        if errors:
            raise ValidationError({"rows": errors})
        for attendance in saved:
            attendance.save()
    return saved

"""Builders for the training tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from zhifa.training import services
from zhifa.training.models import TrainingRequirement, TrainingSession


def make_session(
    board=None, on: date | None = None, hours="4", kind="centralized", **fields
) -> TrainingSession:
    values = {"title": "安全生产法律法规培训", "place": "区应急管理局会议室"}
    values.update(fields)
    return TrainingSession.objects.create(
        board=board,
        kind=kind,
        date=on or timezone.localdate() - timedelta(days=1),
        hours=Decimal(hours),
        **values,
    )


def attend(session, officer, *, attended=True, hours=None, score=None):
    row = services.AttendanceRow(
        officer,
        attended,
        None if hours is None else Decimal(str(hours)),
        None if score is None else Decimal(str(score)),
    )
    return services.record_attendance(session, [row])[0]


def require(year: int, hours="40", mark="60") -> TrainingRequirement:
    return TrainingRequirement.objects.create(
        year=year, hours_required=Decimal(hours), exam_pass_mark=Decimal(mark)
    )

"""Builders for the accident tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from zhifa.accidents.models import Accident


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Beijing-time moment."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def make_accident(board, when: datetime | None = None, **fields) -> Accident:
    when = when or timezone.now() - timedelta(days=1)
    values = {
        "unit_name": "某某机械制造有限公司",
        "place": "生产车间",
        "category": "industry_trade",
        "reported_at": when + timedelta(minutes=40),
    }
    values.update(fields)
    return Accident.objects.create(board=board, occurred_at=when, **values)

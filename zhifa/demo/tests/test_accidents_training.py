"""The demo's accidents and training, on the small test district (its two boards carry demo codes):
plausible records through the real rules, idempotent, figures the pages can compare."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from zhifa.accidents.models import Accident, CasualtyUpdate
from zhifa.accidents.statistics import double_decline
from zhifa.core.testing import make_enterprise
from zhifa.demo.accidents import generate_accidents
from zhifa.demo.training import generate_training
from zhifa.training.choices import TrainingKind
from zhifa.training.models import Attendance, TrainingRequirement, TrainingSession

pytestmark = pytest.mark.django_db


def test_two_years_of_accidents_that_the_double_decline_counts(world):
    for _ in range(3):
        make_enterprise(world.board_a)
        make_enterprise(world.board_b)
    today = timezone.localdate()
    counts = generate_accidents(random.Random("t"), years=(today.year - 1, today.year), today=today)
    assert sum(counts.by_year.values()) == Accident.objects.count() > 0
    assert not Accident.objects.filter(occurred_at__gte=timezone.now()).exists()
    assert not Accident.objects.filter(occurred_at__year__lt=today.year - 1).exists()
    assert all(a.unit_name for a in Accident.objects.all())
    assert CasualtyUpdate.objects.count() == counts.updates
    figures = double_decline(today.year, today=today)
    assert figures.total.count == Accident.objects.in_year(today.year).count()
    assert figures.total.deaths == sum(a.deaths for a in Accident.objects.in_year(today.year))
    # Idempotent
    again = generate_accidents(random.Random("t"), years=(today.year - 1, today.year), today=today)
    assert again.existing and "已存在" in again.summary()


def test_a_year_of_training_with_hours_exams_and_a_planned_session(world):
    today = timezone.localdate()
    counts = generate_training(random.Random("t"), today.year, today=today)
    requirement = TrainingRequirement.objects.get(year=today.year)
    assert (requirement.hours_required, requirement.exam_pass_mark) == (40, 60)
    assert counts.sessions == TrainingSession.objects.count() > 0
    assert counts.attendances == Attendance.objects.count() > 0
    assert not TrainingSession.objects.filter(kind=TrainingKind.ROTATING, lecturer__isnull=True).exists()
    assert not Attendance.objects.filter(session__date__gte=today).exists()
    for row in Attendance.objects.exclude(exam_score=None):
        assert row.passed == (row.exam_score >= 60)
    assert not Attendance.objects.filter(hours__gt=F("session__hours")).exists()
    assert TrainingSession.objects.filter(date__gt=today, date__lte=today + timedelta(days=30)).exists() or (
        today.month == 12
    )
    assert generate_training(random.Random("t"), today.year, today=today).existing

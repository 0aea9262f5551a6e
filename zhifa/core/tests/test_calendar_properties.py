"""Properties of the period arithmetic over known and unknown years (2025–2028), with and without
an administrator's override: a working-day period ends on a working day exactly n working days on, and a
natural period ends on the first working day on or after its nominal last day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhifa.core import calendar
from zhifa.core.models import CalendarDay

pytestmark = pytest.mark.django_db

starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def overrides(db):
    """A local rest day and a local working Saturday in 2026, so overrides are in the walk."""
    CalendarDay.objects.create(date=date(2026, 3, 2), is_workday=False, name="防台停工")
    CalendarDay.objects.create(date=date(2026, 3, 7), is_workday=True, name="调休上班")


@FAST
@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_a_working_day_period_lands_on_a_working_day_n_working_days_on(overrides, start, n):
    end = calendar.add_working_days(start, n)
    assert calendar.is_workday(end)
    assert calendar.working_days_between(start, end) == n
    # and not a day earlier: the day before the end is at most n - 1 working days on
    assert calendar.working_days_between(start, end - timedelta(1)) == n - 1


@FAST
@given(start=starts, n=st.integers(min_value=0, max_value=120))
def test_a_natural_period_ends_on_the_first_working_day_on_or_after_its_last_day(overrides, start, n):
    end = calendar.add_natural_days(start, n)
    nominal = start + timedelta(n)
    assert end >= nominal and calendar.is_workday(end)
    assert all(not calendar.is_workday(nominal + timedelta(i)) for i in range((end - nominal).days))


@FAST
@given(start=starts, n=st.integers(min_value=0, max_value=40), unit=st.sampled_from(["working", "natural"]))
def test_a_due_warns_exactly_when_it_touches_an_unknown_year(overrides, start, n, unit):
    result = calendar.due(start, n, unit)
    assert result.date >= start
    warned = {int(w[:4]) for w in result.warnings}
    assert all(not calendar.is_year_known(y) for y in warned)
    if calendar.is_year_known(result.date.year) and calendar.is_year_known(start.year):
        assert not warned
    if not calendar.is_year_known(result.date.year):
        assert result.date.year in warned

"""Casualty updates (补报): the latest sets the accident's figures and level; the 30-day window (7 for
fires and road accidents) flags late updates; the unit's report is late after one hour."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhifa.accidents import services
from zhifa.accidents.choices import AccidentLevel, DeadlineState
from zhifa.accidents.tests.helpers import at, make_accident

pytestmark = pytest.mark.django_db


def update(accident, after: timedelta, deaths=0, injured=0, **kw):
    return services.add_casualty_update(
        accident, at=accident.occurred_at + after, deaths=deaths, serious_injuries=injured, **kw
    )


def test_the_latest_update_sets_the_figures_and_the_level(world):
    accident = make_accident(world.board_a, timezone.now() - timedelta(days=20), deaths=2, serious_injuries=3)
    assert accident.level == AccidentLevel.GENERAL
    update(accident, timedelta(days=2), deaths=3, injured=2, missing=1)
    accident.refresh_from_db()
    assert (accident.deaths, accident.serious_injuries, accident.missing) == (3, 2, 1)
    assert accident.level == AccidentLevel.LARGER


def test_an_update_dated_before_the_latest_is_kept_but_does_not_set_the_figures(world):
    accident = make_accident(world.board_a, timezone.now() - timedelta(days=20), deaths=1)
    update(accident, timedelta(days=5), deaths=4)
    update(accident, timedelta(days=3), deaths=2, note="迟到的中间数")
    accident.refresh_from_db()
    assert accident.deaths == 4
    assert accident.casualty_updates.count() == 2


@pytest.mark.parametrize(
    "fire_or_road, days, late",
    # 2 March 2026 is a Monday: day 30 (1 April) and day 7 (9 March) are working days.
    [(False, 30, False), (False, 31, True), (True, 7, False), (True, 8, True)],
)
def test_updates_after_the_window_are_flagged_late(world, fire_or_road, days, late):
    accident = make_accident(world.board_a, at(2026, 3, 2, 8), is_fire_or_road=fire_or_road, deaths=1)
    # The last minute of the last day is still in time; the day after is not.
    row = update(accident, timedelta(days=days, hours=15, minutes=59), deaths=2)
    assert row.late is late
    window = [d for d in services.deadlines(accident) if "补报" in d.label][0]
    assert window.state == (DeadlineState.DONE_LATE if late else DeadlineState.DONE)


def test_a_window_ending_on_a_holiday_runs_to_the_next_working_day(world):
    # 1 September 2026 + 30 days is 1 October, in the National Day holiday (1–7 October): the window
    # runs to Thursday 8 October.
    accident = make_accident(world.board_a, at(2026, 9, 1), deaths=1)
    assert accident.casualty_window_end == date(2026, 10, 8)
    assert not update(accident, timedelta(days=37), deaths=2).late  # 8 October
    assert update(accident, timedelta(days=38), deaths=3).late  # 9 October


def test_the_window_is_open_while_it_runs(world):
    accident = make_accident(world.board_a, timezone.now() - timedelta(days=3), is_fire_or_road=True)
    window = [d for d in services.deadlines(accident) if "补报" in d.label][0]
    assert "7 日" in window.label and window.state == DeadlineState.OPEN


def test_an_update_cannot_predate_the_accident_nor_count_more_poisonings_than_injuries(world):
    accident = make_accident(world.board_a, timezone.now() - timedelta(days=3))
    with pytest.raises(ValidationError) as caught:
        update(accident, timedelta(hours=-1), deaths=1)
    assert "早于事故发生时间" in caught.value.message_dict["at"][0]
    with pytest.raises(ValidationError) as caught:
        update(accident, timedelta(hours=1), injured=1, acute_poisonings=2)
    assert "acute_poisonings" in caught.value.message_dict
    assert accident.casualty_updates.count() == 0


def test_the_units_report_is_late_after_one_hour(world):
    occurred = timezone.now() - timedelta(days=2)
    on_time = make_accident(world.board_a, occurred, reported_at=occurred + timedelta(hours=1))
    late = make_accident(world.board_a, occurred, reported_at=occurred + timedelta(hours=1, seconds=1))
    assert not on_time.report_late and late.report_late
    states = {d.label: d.state for d in services.deadlines(late)}
    assert states["事故单位 1 小时内报告"] == DeadlineState.DONE_LATE


def test_the_investigation_report_is_due_sixty_days_after_or_one_hundred_twenty_when_extended(world):
    # 2 June 2026 + 60 days is 1 August, a Saturday: due on Monday 3 August; + 120 is 30 September.
    accident = make_accident(world.board_a, at(2026, 6, 2))
    assert accident.investigation_due == date(2026, 8, 3)
    state = [d for d in services.deadlines(accident) if "调查报告" in d.label][0].state
    assert state == DeadlineState.OVERDUE
    accident.investigation_extended = True
    assert accident.investigation_due == date(2026, 9, 30)
    accident.investigation_report_on = date(2026, 9, 29)
    state = [d for d in services.deadlines(accident) if "调查报告" in d.label][0].state
    assert state == DeadlineState.DONE

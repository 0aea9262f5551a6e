"""The time limits of 生产安全事故报告和调查处理条例 that the accident pages track.

- 第九条: the unit reports to the authorities within 1 hour of the accident (counted to the minute);
- 第十三条: a change in the casualties within 30 days of the accident is reported (7 days for fires and
  road accidents);
- 第二十九条: the investigation report is submitted within 60 days of the accident, extendable by at
  most 60.

The day periods are natural days counted by the district's calendar (``zhifa.core.calendar``): the day
of the accident is not counted, and a last day that is not a working day moves to the next working day.
``add_natural_days`` is the one place that counts them.
"""

from __future__ import annotations

from datetime import date, timedelta

from zhifa.core import calendar

REPORT_WITHIN = timedelta(hours=1)
CASUALTY_WINDOW_DAYS = 30
CASUALTY_WINDOW_DAYS_FIRE_OR_ROAD = 7
INVESTIGATION_DAYS = 60
INVESTIGATION_EXTENSION_DAYS = 60


def add_natural_days(start: date, days: int) -> date:
    """The last day of a ``days``-day natural period starting on ``start``."""
    return calendar.add_natural_days(start, days)


def casualty_window_days(is_fire_or_road: bool) -> int:
    return CASUALTY_WINDOW_DAYS_FIRE_OR_ROAD if is_fire_or_road else CASUALTY_WINDOW_DAYS

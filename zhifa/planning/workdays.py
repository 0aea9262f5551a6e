"""China's working days, with the State Council's yearly holiday arrangement (调休 included).

``chinesecalendar`` carries each year's arrangement as published (it is updated when the State
Council publishes the next year's notice, usually in November). For a year it does not know yet we
fall back to Monday–Friday and say so, so that a plan built early is marked as such.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@lru_cache(maxsize=256)
def _working_days(year: int, month: int) -> tuple[tuple[date, ...], bool]:
    first, last = month_bounds(year, month)
    try:
        days = chinese_calendar.get_workdays(first, last)
        return tuple(days), True
    except NotImplementedError:
        days = [first + timedelta(n) for n in range((last - first).days + 1)]
        return tuple(d for d in days if d.weekday() < 5), False


def working_days(year: int, month: int) -> list[date]:
    """The working days of a month (法定节假日 off, 调休 Saturdays/Sundays on)."""
    return list(_working_days(year, month)[0])


def is_official(year: int) -> bool:
    """Whether the holiday arrangement of ``year`` is known (else Monday–Friday was assumed)."""
    return _working_days(year, 1)[1]


def calendar_note(year: int) -> str:
    if is_official(year):
        return f"国务院办公厅 {year} 年部分节假日安排（chinesecalendar {chinese_calendar.__version__}）"
    return f"尚未收录 {year} 年节假日安排，暂按周一至周五计算工作日；公布后请修订计划"

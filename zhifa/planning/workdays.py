"""China's working days for planning, read from the platform's one calendar (``zhifa.core.calendar``).

The core calendar carries the State Council's yearly arrangement (调休 included) from ``chinesecalendar``
and from arrangements the system administrator imports. For a year it does not know yet it falls back
to Monday–Friday, and the plan says so, so that a plan built early is marked as such.
"""

from __future__ import annotations

import calendar
from datetime import date

from zhifa.core import calendar as workcalendar


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def working_days(year: int, month: int) -> list[date]:
    """The working days of a month (法定节假日 off, 调休 Saturdays/Sundays on)."""
    return workcalendar.working_days_in_month(year, month)


def is_official(year: int) -> bool:
    """Whether the holiday arrangement of ``year`` is known (else Monday–Friday was assumed)."""
    return workcalendar.is_year_known(year)


def calendar_note(year: int) -> str:
    """Where the plan's working days come from (kept on the plan, at most 200 characters)."""
    return _note(year)[:200]


def _note(year: int) -> str:
    known = {y.year: y for y in workcalendar.known_years()}.get(year)
    if known is None:
        return f"尚未收录 {year} 年节假日安排，暂按周一至周五计算工作日；公布后请修订计划"
    if known.imported:
        return f"{year} 年节假日安排：{known.source}（系统管理员导入）"
    return f"国务院办公厅 {year} 年部分节假日安排（{known.source}）"

"""双下降: accident counts and deaths of a year to date against the same period of the year before.

A board achieves it when both the number of accidents and the number of deaths are strictly lower than
in the same period last year. Both figures of both periods are counted by the database in one grouped
query over the boards (zeros included) and one aggregate for the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.accidents.models import Accident
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids
from zhifa.orgs.models import Region


class Trend(Enum):
    DOWN = "down"
    UP = "up"
    FLAT = "flat"

    @property
    def arrow(self) -> str:
        return {"down": "↓", "up": "↑", "flat": "→"}[self.value]

    @property
    def label(self) -> str:
        return str({"down": _("下降"), "up": _("上升"), "flat": _("持平")}[self.value])


def trend(now: int, before: int) -> Trend:
    return Trend.DOWN if now < before else Trend.UP if now > before else Trend.FLAT


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def q(self, prefix: str = "") -> Q:
        """Accidents that occurred within the period (Beijing days), optionally through a relation."""
        start = timezone.make_aware(datetime.combine(self.start, time.min))
        end = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return Q(**{f"{prefix}occurred_at__gte": start, f"{prefix}occurred_at__lt": end})


@dataclass(frozen=True)
class DeclineRow:
    board: Region | None  # None: the total of the boards shown
    count: int
    deaths: int
    count_before: int
    deaths_before: int

    @property
    def count_trend(self) -> Trend:
        return trend(self.count, self.count_before)

    @property
    def deaths_trend(self) -> Trend:
        return trend(self.deaths, self.deaths_before)

    @property
    def achieved(self) -> bool:
        return self.count_trend is Trend.DOWN and self.deaths_trend is Trend.DOWN

    @property
    def no_accidents(self) -> bool:
        return not (self.count or self.count_before)


@dataclass(frozen=True)
class DoubleDecline:
    year: int
    period: Period
    previous: Period
    rows: list[DeclineRow]
    total: DeclineRow


def visible_boards(user) -> QuerySet[Region]:
    """The boards whose figures the user may see: every board for district roles, else their own."""
    boards = Region.objects.boards()
    return boards if is_district_wide(user) else boards.filter(pk__in=board_ids(user))


class YearError(ValueError):
    pass


def same_day_a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def periods(year: int, today: date) -> tuple[Period, Period]:
    """The year to date (the whole year once it is over) and the same period of the year before."""
    if year > today.year:
        raise YearError(_("年度不能晚于今年"))
    end = today if year == today.year else date(year, 12, 31)
    current = Period(date(year, 1, 1), end)
    return current, Period(date(year - 1, 1, 1), same_day_a_year_before(end))


def double_decline(
    year: int,
    board: Region | None = None,
    *,
    boards: QuerySet[Region] | None = None,
    today: date | None = None,
) -> DoubleDecline:
    """Figures per board (every board of ``boards``, default all; only ``board`` when given) and their total.

    Callers pass ``boards`` limited to the user's jurisdiction; an accident belongs to one board, so
    counting through the board counts exactly the accidents the user may see.
    """
    current, previous = periods(year, today or timezone.localdate())
    boards = Region.objects.boards() if boards is None else boards
    if board is not None:
        boards = boards.filter(pk=board.pk)
    now, before = current.q("accidents__"), previous.q("accidents__")
    annotated = boards.annotate(
        n=Count("accidents", filter=now),
        d=Coalesce(Sum("accidents__deaths", filter=now), 0),
        n_before=Count("accidents", filter=before),
        d_before=Coalesce(Sum("accidents__deaths", filter=before), 0),
    ).order_by("sort_order", "code")
    rows = [DeclineRow(r, r.n, r.d, r.n_before, r.d_before) for r in annotated]
    now, before = current.q(), previous.q()
    totals = Accident.objects.filter(board__in=boards).aggregate(
        n=Count("pk", filter=now),
        d=Coalesce(Sum("deaths", filter=now), 0),
        n_before=Count("pk", filter=before),
        d_before=Coalesce(Sum("deaths", filter=before), 0),
    )
    total = DeclineRow(None, totals["n"], totals["d"], totals["n_before"], totals["d_before"])
    return DoubleDecline(year, current, previous, rows, total)

"""The figures of the monthly bulletin (每月通报): per board and for the district, for a month and the
year to date, with the month before, the same month last year and the year to date last year.

Everything is counted by the database: one grouped query per kind of record (``values(board)`` +
``annotate`` with a filtered ``Count``/``Sum`` for every period and indicator at once) and one
``aggregate`` of the same expressions for the district's total, so the number of queries does not
depend on how many records there are (``tests/test_queries.py`` holds it to that). No record is
loaded into Python; Python only arranges the few grouped rows that come back.

What each figure counts (docs/bulletin.md says the same for readers):

- inspections: signed-off inspections (``Inspection.status`` 已签署) by the day they started; "2+1"
  those with an expert; cross enforcement those flagged 交叉执法; enterprises: distinct enterprises
  among them; planned: the approved annual plan's ``PlanBoardMonth.required`` for the months covered.
- hazards: of signed-off inspections, found (``created_at``) by level; rectified: closed
  (``closed_at``); overdue: open at the end of the period's last day with a rectification deadline
  before that day (a hazard closed later counts as open then; deadlines as they now stand).
- cases: registered (``registered_on``), decided (``decided_on``, penalty or no penalty) and the fines
  decided with them; fines collected: ``Payment`` of kind 罚款 by ``paid_on``.
- legal review first pass: first rounds (``LegalReview.round`` 1) decided in the period, and of them
  those approved (同意); the rate is approved / decided.
- training hours: attended hours of sessions held in the period, by the attendee's unit.
- accidents and deaths: by the time the accident occurred.
- the average case-file score comes from the case-file review app through ``case_file_scores``.

Records belong to the board that owns them (the case's handling board, the accident's board); the
district's own records (the brigade's direct work) appear in the row ``区局直办`` and in the total.
"""

from __future__ import annotations

import calendar as pycalendar
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.bulletins.choices import Direction
from zhifa.orgs.choices import RegionKind
from zhifa.orgs.models import Region

#: The periods every figure is computed for, in the order tables show them.
MONTH, PREV, LAST_YEAR, YTD, YTD_LAST_YEAR = "month", "prev", "last_year", "ytd", "ytd_last_year"
PERIOD_KEYS = (MONTH, PREV, LAST_YEAR, YTD, YTD_LAST_YEAR)
#: Months in the trend lines (the bulletin's month and the eleven before it).
TREND_MONTHS = 12
TREND_CODES = ("inspections", "hazards", "hazards_major")


class FiguresError(ValueError):
    """A month the figures cannot be computed for (badly written or in the future)."""


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Any  # lazy translation
    unit: Any
    kind: str  # count | money | hours | rate | score
    direction: str  # which way is better (colours the changes; the ranking's own direction is data)
    key: bool = False  # shown in the summary tables and the dashboards


IND = Indicator
H, L = Direction.HIGHER.value, Direction.LOWER.value
INDICATORS: tuple[Indicator, ...] = (
    IND("inspections", gettext_lazy("现场检查"), gettext_lazy("次"), "count", H, key=True),
    IND("two_plus_one", gettext_lazy("其中“2+1”检查"), gettext_lazy("次"), "count", H, key=True),
    IND("cross", gettext_lazy("其中交叉执法"), gettext_lazy("次"), "count", H),
    IND("enterprises", gettext_lazy("检查企业"), gettext_lazy("家"), "count", H, key=True),
    IND("planned", gettext_lazy("计划检查企业"), gettext_lazy("家"), "count", H),
    IND("plan_completion", gettext_lazy("计划完成率"), "%", "rate", H, key=True),
    IND("hazards", gettext_lazy("发现隐患"), gettext_lazy("项"), "count", H, key=True),
    IND("hazards_general", gettext_lazy("其中一般隐患"), gettext_lazy("项"), "count", H),
    IND("hazards_major", gettext_lazy("其中重大隐患"), gettext_lazy("项"), "count", H, key=True),
    IND("hazards_rectified", gettext_lazy("整改销号隐患"), gettext_lazy("项"), "count", H, key=True),
    IND("hazards_overdue", gettext_lazy("逾期未整改隐患（期末）"), gettext_lazy("项"), "count", L, key=True),
    IND("cases_registered", gettext_lazy("立案"), gettext_lazy("件"), "count", H, key=True),
    IND("cases_decided", gettext_lazy("作出处罚决定"), gettext_lazy("件"), "count", H, key=True),
    IND("fines_decided", gettext_lazy("决定罚款"), gettext_lazy("元"), "money", H, key=True),
    IND("fines_collected", gettext_lazy("收缴罚款"), gettext_lazy("元"), "money", H),
    IND("reviews_first", gettext_lazy("首轮法制审核"), gettext_lazy("件"), "count", H),
    IND("reviews_first_passed", gettext_lazy("其中一次通过"), gettext_lazy("件"), "count", H),
    IND("first_pass_rate", gettext_lazy("法制审核一次通过率"), "%", "rate", H, key=True),
    IND("case_score", gettext_lazy("案卷评查平均分"), gettext_lazy("分"), "score", H, key=True),
    IND("training_hours", gettext_lazy("培训学时"), gettext_lazy("学时"), "hours", H),
    IND("accidents", gettext_lazy("生产安全事故"), gettext_lazy("起"), "count", L, key=True),
    IND("deaths", gettext_lazy("事故死亡"), gettext_lazy("人"), "count", L, key=True),
)
BY_CODE = {i.code: i for i in INDICATORS}
#: Indicators that add up across boards (the others are rates or averages).
ADDITIVE = frozenset(i.code for i in INDICATORS if i.kind in ("count", "money", "hours"))


# --- Periods -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive

    def on(self, field: str) -> Q:
        """Records whose date ``field`` falls in the period."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})

    def during(self, field: str) -> Q:
        """Records whose time ``field`` falls in the period (Beijing days)."""
        return Q(
            **{
                f"{field}__gte": day_start(self.start),
                f"{field}__lt": day_start(self.end + timedelta(days=1)),
            }
        )

    def months(self) -> tuple[int, list[int]]:
        """The year and the months the period touches (it never spans two years)."""
        return self.start.year, list(range(self.start.month, self.end.month + 1))

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_end(day: date) -> date:
    return day.replace(day=pycalendar.monthrange(day.year, day.month)[1])


def add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def same_day_a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def parse_month(value: str | None, today: date | None = None) -> date:
    """``YYYY-MM`` → the month's first day; a future month or bad text raises ``FiguresError``."""
    today = today or timezone.localdate()
    text = (value or "").strip()
    if not text:
        return today.replace(day=1)
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdecimal() for p in parts) or len(parts[0]) != 4:
        raise FiguresError(_("月份应写作 YYYY-MM，如 %(m)s") % {"m": f"{today:%Y-%m}"})
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or year < 2000:
        raise FiguresError(_("月份应写作 YYYY-MM，如 %(m)s") % {"m": f"{today:%Y-%m}"})
    first = date(year, month, 1)
    if first > today:
        raise FiguresError(_("月份不能晚于本月"))
    return first


def periods(first: date, today: date) -> dict[str, Period]:
    """The month (up to today while it runs), the month before, the same month last year, the year to
    date and the same part of last year."""
    if first > today:
        raise FiguresError(_("月份不能晚于本月"))
    as_of = min(month_end(first), today)
    prev = add_months(first, -1)
    last_year = first.replace(year=first.year - 1)
    return {
        MONTH: Period(MONTH, first, as_of),
        PREV: Period(PREV, prev, month_end(prev)),
        LAST_YEAR: Period(LAST_YEAR, last_year, month_end(last_year)),
        YTD: Period(YTD, first.replace(month=1), as_of),
        YTD_LAST_YEAR: Period(YTD_LAST_YEAR, date(first.year - 1, 1, 1), same_day_a_year_before(as_of)),
    }


def trend_periods(first: date, today: date) -> list[Period]:
    months = [add_months(first, -n) for n in range(TREND_MONTHS - 1, -1, -1)]
    return [Period(f"t{n}", m, min(month_end(m), today)) for n, m in enumerate(months)]


# --- The grouped queries -------------------------------------------------------------------------------

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO_MONEY = Value(Decimal("0"), output_field=MONEY)


def _count(condition: Q, field: str = "pk", distinct: bool = False) -> Count:
    return Count(field, filter=condition, distinct=distinct)


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), ZERO_MONEY, output_field=MONEY)


def _sum_int(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), 0)


@dataclass(frozen=True)
class Source:
    """One kind of record: its queryset, the path to its board and the figures for one period."""

    name: str
    queryset: Callable[[], QuerySet]
    board: str
    figures: Callable[[Period], dict]
    trend: Callable[[Period], dict] | None = None


def _inspections() -> QuerySet:
    from zhifa.inspections.choices import InspectionStatus
    from zhifa.inspections.models import Inspection

    return Inspection.objects.filter(status=InspectionStatus.SIGNED_OFF)


def _inspection_figures(p: Period) -> dict:
    when = p.during("started_at")
    return {
        "inspections": _count(when),
        "two_plus_one": _count(when & Q(expert__isnull=False)),
        "cross": _count(when & Q(cross_enforcement=True)),
        "enterprises": _count(when, "enterprise", distinct=True),
    }


def _hazards() -> QuerySet:
    from zhifa.inspections.choices import InspectionStatus
    from zhifa.inspections.models import Hazard

    return Hazard.objects.filter(inspection__status=InspectionStatus.SIGNED_OFF)


def overdue_at(day: date) -> Q:
    """Hazards overdue at the end of ``day``: found by then, deadline before it, not closed by then."""
    from zhifa.inspections.choices import HazardStatus

    after = day_start(day + timedelta(days=1))
    return Q(created_at__lt=after, deadline__lt=day) & (
        ~Q(status=HazardStatus.CLOSED) | Q(closed_at__gte=after)
    )


def _hazard_figures(p: Period) -> dict:
    from zhifa.inspections.choices import HazardLevel, HazardStatus

    found = p.during("created_at")
    return {
        "hazards": _count(found),
        "hazards_general": _count(found & Q(level=HazardLevel.GENERAL)),
        "hazards_major": _count(found & Q(level=HazardLevel.MAJOR)),
        "hazards_rectified": _count(p.during("closed_at") & Q(status=HazardStatus.CLOSED)),
        "hazards_overdue": _count(overdue_at(p.end)),
    }


def _hazard_trend(p: Period) -> dict:
    from zhifa.inspections.choices import HazardLevel

    found = p.during("created_at")
    return {"hazards": _count(found), "hazards_major": _count(found & Q(level=HazardLevel.MAJOR))}


def _cases() -> QuerySet:
    from zhifa.cases.models import Case

    return Case.objects.all()


def _case_figures(p: Period) -> dict:
    decided = p.on("decided_on")
    return {
        "cases_registered": _count(p.on("registered_on")),
        "cases_decided": _count(decided),
        "fines_decided": _sum("fine_amount", decided),
    }


def _payments() -> QuerySet:
    from zhifa.cases.choices import PaymentKind
    from zhifa.cases.models import Payment

    return Payment.objects.filter(kind=PaymentKind.FINE)


def _reviews() -> QuerySet:
    from zhifa.cases.models import LegalReview

    return LegalReview.objects.filter(round=1).exclude(outcome="")


def _review_figures(p: Period) -> dict:
    from zhifa.cases.choices import ReviewOutcome

    decided = p.during("decided_at")
    return {
        "reviews_first": _count(decided),
        "reviews_first_passed": _count(decided & Q(outcome=ReviewOutcome.APPROVE)),
    }


def _attendance() -> QuerySet:
    from zhifa.training.models import Attendance

    return Attendance.objects.filter(attended=True)


def _accidents() -> QuerySet:
    from zhifa.accidents.models import Accident

    return Accident.objects.all()


def _accident_figures(p: Period) -> dict:
    when = p.during("occurred_at")
    return {"accidents": _count(when), "deaths": _sum_int("deaths", when)}


def _plan_months() -> QuerySet:
    from zhifa.planning.choices import PlanStatus
    from zhifa.planning.models import PlanBoardMonth

    return PlanBoardMonth.objects.filter(plan__status=PlanStatus.APPROVED)


def _plan_figures(p: Period) -> dict:
    year, months = p.months()
    return {"planned": _sum_int("required", Q(plan__year=year, month__in=months))}


SOURCES: tuple[Source, ...] = (
    Source(
        "inspections",
        _inspections,
        "board",
        _inspection_figures,
        lambda p: {"inspections": _count(p.during("started_at"))},
    ),
    Source("hazards", _hazards, "board", _hazard_figures, _hazard_trend),
    Source("cases", _cases, "board", _case_figures),
    Source(
        "payments", _payments, "case__board", lambda p: {"fines_collected": _sum("amount", p.on("paid_on"))}
    ),
    Source("reviews", _reviews, "case__board", _review_figures),
    Source(
        "training",
        _attendance,
        "officer__unit",
        lambda p: {"training_hours": _sum("hours", p.on("session__date"))},
    ),
    Source("accidents", _accidents, "board", _accident_figures),
    Source("plan", _plan_months, "board", _plan_figures),
)


def _expressions(source: Source, spans: dict[str, Period], trend: list[Period]) -> dict:
    expressions = {}
    for key, period in spans.items():
        for code, expression in source.figures(period).items():
            expressions[f"{code}__{key}"] = expression
    if source.trend is not None:
        for n, period in enumerate(trend):
            for code, expression in source.trend(period).items():
                expressions[f"{code}__t{n}"] = expression
    return expressions


def _split(row: dict, into: dict, *, add: bool = False) -> None:
    """``{"inspections__month": 3, …}`` → ``into["month"]["inspections"] = 3`` (or added to it)."""
    for name, value in row.items():
        code, _sep, key = name.rpartition("__")
        if code:
            values = into.setdefault(key, {})
            values[code] = values.get(code, 0) + value if add else value


def count_all(region_ids: list[int], spans: dict[str, Period], trend: list[Period]) -> tuple[dict, dict]:
    """Raw figures by region id and for all the regions together: ``{region: {period: {code: value}}}``.

    One grouped query per source. The regions' rows cover every record of the district, so the
    district's total of a count or a sum is the sum of its rows; the one figure that does not add up,
    distinct enterprises inspected, has its own aggregate query.
    """
    by_region: dict[int, dict] = {}
    total: dict = {}
    for source in SOURCES:
        expressions = _expressions(source, spans, trend)
        queryset = source.queryset().filter(**{f"{source.board}__in": region_ids})
        for row in queryset.values(source.board).order_by().annotate(**expressions):
            region = row.pop(source.board)
            _split(row, by_region.setdefault(region, {}))
            _split(row, total, add=True)
    distinct = {
        f"enterprises__{key}": _count(p.during("started_at"), "enterprise", distinct=True)
        for key, p in spans.items()
    }
    _split(_inspections().filter(board__in=region_ids).aggregate(**distinct), total)
    return by_region, total


# --- The case-file review hook ---------------------------------------------------------------------------


def case_file_scores(board_ids: list[int], start: date, end: date) -> dict[int, Decimal] | None:
    """The average score of the case files reviewed in [start, end] per board, from the case-file review
    app (``zhifa.reviews.services.average_scores``); None while that app is not installed.

    The single place the bulletin reads that app, so it can be built and tested apart from it.
    """
    if not apps.is_installed("zhifa.reviews"):
        return None
    try:
        module = importlib.import_module("zhifa.reviews.services")
    except ImportError:
        return None
    average_scores = getattr(module, "average_scores", None)
    if average_scores is None:
        return None
    return dict(average_scores(board_ids, start, end))


# --- Arranging the rows ----------------------------------------------------------------------------------


def _number(code: str, value) -> float | int | None:
    if value is None:
        return None
    kind = BY_CODE[code].kind if code in BY_CODE else "count"
    if kind == "count":
        return int(value)
    places = Decimal("0.1") if kind in ("hours", "rate") else Decimal("0.01")
    return float(Decimal(value).quantize(places, rounding=ROUND_HALF_UP))


def _rate(part, whole) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _values(raw: dict, score: Decimal | None) -> dict:
    """One period's figures of one row, derived figures included, as JSON numbers."""
    values = {code: _number(code, raw.get(code, 0)) for code in ADDITIVE}
    values["plan_completion"] = _rate(raw.get("enterprises", 0), raw.get("planned", 0))
    values["first_pass_rate"] = _rate(raw.get("reviews_first_passed", 0), raw.get("reviews_first", 0))
    values["case_score"] = _number("case_score", score)
    return {i.code: values[i.code] for i in INDICATORS}


def change(now, before) -> dict:
    """The difference and, where the earlier figure is not zero, the change in percent."""
    if now is None or before is None:
        return {"delta": None, "pct": None}
    delta = now - before
    pct = None if not before else round(delta * 100 / before, 1)
    return {"delta": round(delta, 2) if isinstance(delta, float) else delta, "pct": pct}


def _changes(values: dict) -> dict:
    pairs = {PREV: (MONTH, PREV), LAST_YEAR: (MONTH, LAST_YEAR), YTD_LAST_YEAR: (YTD, YTD_LAST_YEAR)}
    return {
        against: {code: change(values[now][code], values[before][code]) for code in BY_CODE}
        for against, (now, before) in pairs.items()
    }


def _row(region: Region, name: str, raw: dict, scores: dict, trend_len: int) -> dict:
    values = {key: _values(raw.get(key, {}), scores.get(key)) for key in PERIOD_KEYS}
    return {
        "id": region.pk,
        "name": name,
        "values": values,
        "changes": _changes(values),
        "trend": {
            code: [int(raw.get(f"t{n}", {}).get(code, 0)) for n in range(trend_len)] for code in TREND_CODES
        },
    }


def _mean(numbers: Iterable) -> float | None:
    present = [n for n in numbers if n is not None]
    if not present:
        return None
    return round(sum(present) / len(present), 2)


def _scores(spans: dict[str, Period], board_ids: list[int]) -> dict[str, dict[int, Decimal]] | None:
    scores = {}
    for key, period in spans.items():
        found = case_file_scores(board_ids, period.start, period.end)
        if found is None:
            return None
        scores[key] = found
    return scores


def compute(first: date, *, today: date | None = None) -> dict:
    """Every figure of the month beginning ``first``, as a JSON-ready dict (the bulletin's snapshot)."""
    from zhifa.bulletins.ranking import highlights, rank, weights_in_force

    today = today or timezone.localdate()
    spans = periods(first, today)
    trend = trend_periods(first, today)
    district = Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk").first()
    if district is None:
        raise FiguresError(_("尚未建立区"))
    boards = list(Region.objects.filter(parent=district).order_by("sort_order", "code"))
    region_ids = [district.pk, *(b.pk for b in boards)]
    by_region, total = count_all(region_ids, spans, trend)
    scores = _scores(spans, [b.pk for b in boards])
    score_of = (lambda pk: {k: s.get(pk) for k, s in scores.items()}) if scores else (lambda pk: {})
    board_rows = [_row(b, b.name, by_region.get(b.pk, {}), score_of(b.pk), len(trend)) for b in boards]
    district_scores = {k: _mean(s.get(b.pk) for b in boards) for k, s in scores.items()} if scores else {}
    district_row = _row(district, district.name, total, district_scores, len(trend))
    direct_row = _row(district, _("区局直办"), by_region.get(district.pk, {}), {}, len(trend))
    average = {
        key: {code: _mean(row["values"][key][code] for row in board_rows) for code in BY_CODE}
        for key in (MONTH, YTD)
    }
    weights = weights_in_force(spans[MONTH].end)
    figures: dict[str, Any] = {
        "month": f"{first:%Y-%m}",
        "as_of": spans[MONTH].end.isoformat(),
        "partial": spans[MONTH].end < month_end(first),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "district_name": district.name,
        "agency_name": district.agency_name or district.name,
        "periods": {key: p.as_dict() for key, p in spans.items()},
        "trend_months": [f"{p.start:%Y-%m}" for p in trend],
        "indicators": [
            {
                "code": i.code,
                "label": str(i.label),
                "unit": str(i.unit),
                "kind": i.kind,
                "direction": i.direction,
                "key": i.key,
            }
            for i in INDICATORS
        ],
        "case_scores_available": scores is not None,
        "boards": board_rows,
        "direct": direct_row,
        "district": district_row,
        "average": average,
    }
    figures["ranking"] = rank(board_rows, weights, period=MONTH)
    figures["ranking_ytd"] = rank(board_rows, weights, period=YTD)
    figures["highlights"] = highlights(board_rows, weights, period=MONTH)
    return figures


def for_user(figures: dict, user) -> dict:
    """The live figures as a user may see them: the district's roles everything; a board's roles their
    own boards, the district's total and the boards' average, without the other boards' rows, the
    ranking or the highlights (those reach the boards in the published bulletin)."""
    from zhifa.core.permissions import is_district_wide
    from zhifa.core.scoping import board_ids

    if is_district_wide(user):
        return figures
    own = board_ids(user)
    scoped = {k: v for k, v in figures.items() if k not in ("ranking", "ranking_ytd", "highlights", "direct")}
    scoped["boards"] = [row for row in figures["boards"] if row["id"] in own]
    return scoped


def indicator_label(code: str) -> str:
    return str(BY_CODE[code].label)

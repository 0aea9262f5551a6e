"""China's working-day calendar and statutory periods: the platform's one answer to "is this a working day".

行政处罚法 art. 85: the law's 2/3/5/7-day periods are counted in WORKING days (statutory holidays off,
the State Council's make-up working days 调休 on); other periods (15, 60, 90 days) in natural days, and
a natural period (or one in months, 民法典 art. 203) whose last day is not a working day ends on the next
working day. In every period the start day itself is not counted: the day after it is day 1.

Where a day's status comes from, first match wins:

1. a ``CalendarDay`` row (an administrator's override or an imported arrangement);
2. a year an administrator imported (``CalendarYear``): any other day of it follows Monday–Friday;
3. ``chinesecalendar``, which carries the official arrangement up to the year it was released;
4. otherwise Monday–Friday, and the year is *unknown*: every ``Due`` touching it carries a warning
   asking the system administrator to import the year's arrangement (no crash, no silent guess).

The override rows and the period rules are read once per process and kept; saving or deleting one
clears the cache (``zhifa.core.signals``), and the cache also expires after ``CACHE_SECONDS`` so that
every worker of a multi-process server sees an administrator's edit within that time.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import chinese_calendar
from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as _package_holidays
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from zhifa.core.choices import PeriodUnit

#: Seconds an override snapshot is trusted before it is read again (edits in this process clear it at once).
CACHE_SECONDS = 60
#: No real arrangement has a run of non-working days anywhere near this long; a longer search means
#: the override rows are wrong (e.g. a whole year imported as holidays).
MAX_SEARCH_DAYS = 400
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
PACKAGE_YEARS = (min(_package_holidays).year, max(_package_holidays).year)
_HOLIDAY_NAMES = {h.value: h.chinese for h in Holiday}


class CalendarError(ValueError):
    """Bad input to a period calculation (negative length, unknown unit); the message is Chinese."""


class UnknownPeriodRule(LookupError):
    """No active version of a period rule code is in force on the start date."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


# --- The override snapshot -------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleVersion:
    """A period rule as read from the database (a plain value: callers never hold a model row)."""

    pk: int
    code: str
    name: str
    source: str
    length: int
    unit: str
    local: bool
    note: str
    effective_from: date
    active: bool


@dataclass
class _Snapshot:
    days: dict[date, tuple[bool, str, str]]  # date → (is_workday, name, source)
    years: dict[int, str]  # imported year → source
    rules: dict[str, list[RuleVersion]]  # code → versions, newest first
    loaded: float
    months: dict[tuple[int, int], tuple[date, ...]] = field(default_factory=dict)


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
#: Set when this process wrote calendar rows in a transaction not yet committed; cleared on commit.
#: While set, reads inside a transaction are not cached (they may see rows that will roll back).
_dirty = False


def clear_cache() -> None:
    """Forget the snapshot (called on every save/delete of a calendar row and after commit)."""
    global _snapshot, _dirty
    with _lock:
        _snapshot = None
        _dirty = False


def calendar_changed() -> None:
    """A calendar row was saved or deleted: read afresh now, and again once the transaction commits."""
    global _snapshot, _dirty
    with _lock:
        _snapshot = None
        _dirty = True
    transaction.on_commit(clear_cache)


def _load() -> _Snapshot:
    from zhifa.core.models import CalendarDay, CalendarYear, PeriodRule

    days = {
        d: (w, name, source)
        for d, w, name, source in CalendarDay.objects.values_list("date", "is_workday", "name", "source")
    }
    years = dict(CalendarYear.objects.values_list("year", "source"))
    rules: dict[str, list[RuleVersion]] = {}
    for row in PeriodRule.objects.order_by("code", "-effective_from").values(
        "pk", "code", "name", "source", "length", "unit", "local", "note", "effective_from", "active"
    ):
        rules.setdefault(row["code"], []).append(RuleVersion(**row))
    return _Snapshot(days, years, rules, time.monotonic())


def _current() -> _Snapshot:
    global _snapshot, _dirty
    snap = _snapshot
    if snap is not None and time.monotonic() - snap.loaded < CACHE_SECONDS:
        return snap
    if _dirty:
        if connection.in_atomic_block:
            return _load()  # uncommitted rows of this process: read them, keep nothing
        _dirty = False  # the transaction ended without committing (rolled back): the database is clean
    snap = _load()
    with _lock:
        if not _dirty:
            _snapshot = snap
    return snap


# --- Days ------------------------------------------------------------------------------------------


def _day(d: date) -> date:
    """A ``datetime`` counts as its date (the override rows are keyed by date)."""
    if isinstance(d, dt.datetime):
        return d.date()
    if not isinstance(d, date):
        raise CalendarError(f"应为日期，实为“{d}”")
    return d


def _package_knows(year: int) -> bool:
    return PACKAGE_YEARS[0] <= year <= PACKAGE_YEARS[1]


def is_year_known(year: int) -> bool:
    """Whether ``year``'s holiday arrangement is known (imported, or carried by ``chinesecalendar``)."""
    return year in _current().years or _package_knows(year)


def is_known(d: date) -> bool:
    """Whether ``d`` lies in a year whose official arrangement is known (else Monday–Friday is assumed)."""
    d = _day(d)
    return is_year_known(d.year)


def _is_workday(snap: _Snapshot, d: date) -> bool:
    override = snap.days.get(d)
    if override is not None:
        return override[0]
    if d.year not in snap.years and _package_knows(d.year):
        return bool(chinese_calendar.is_workday(d))
    return d.weekday() < 5


def is_workday(d: date) -> bool:
    """Whether ``d`` is a working day (法定节假日 off, 调休 Saturdays and Sundays on)."""
    d = _day(d)
    return _is_workday(_current(), d)


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one day, for pages and the CLI."""

    date: date
    is_workday: bool
    kind: str  # "workday" | "makeup" (调休上班) | "holiday" (法定节假日) | "weekend"
    name: str
    source: str
    known: bool

    @property
    def weekday(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]

    @property
    def label(self) -> str:
        return {"workday": "工作日", "makeup": "调休上班", "holiday": "放假", "weekend": "休息日"}[self.kind]


def _kind(d: date, working: bool, named: bool) -> str:
    if working:
        return "makeup" if d.weekday() >= 5 or named else "workday"
    return "holiday" if named or d.weekday() < 5 else "weekend"


def day_info(d: date) -> DayInfo:
    """The status of ``d``, its name (春节, 国庆节调休上班…) and where the answer comes from."""
    d = _day(d)
    snap = _current()
    override = snap.days.get(d)
    if override is not None:
        working, name, source = override
        return DayInfo(d, working, _kind(d, working, True), name, source or snap.years.get(d.year, ""), True)
    if d.year in snap.years:
        working = d.weekday() < 5
        return DayInfo(d, working, _kind(d, working, False), "", snap.years[d.year], True)
    if _package_knows(d.year):
        working = bool(chinese_calendar.is_workday(d))
        english = chinese_calendar.get_holiday_detail(d)[1]
        name = _HOLIDAY_NAMES.get(english, english or "")
        if working and name:
            name = f"{name}调休上班"
        source = f"chinesecalendar {chinese_calendar.__version__}"
        return DayInfo(d, working, _kind(d, working, bool(name)), name, source, True)
    working = d.weekday() < 5
    return DayInfo(d, working, _kind(d, working, False), "", "", False)


def month_days(year: int, month: int) -> list[DayInfo]:
    first = date(year, month, 1)
    return [day_info(first + timedelta(i)) for i in range(calendar.monthrange(year, month)[1])]


def working_days_in_month(year: int, month: int) -> list[date]:
    """The working days of a month, in order."""
    snap = _current()
    key = (year, month)
    if key not in snap.months:
        first = date(year, month, 1)
        days = (first + timedelta(i) for i in range(calendar.monthrange(year, month)[1]))
        snap.months[key] = tuple(d for d in days if _is_workday(snap, d))
    return list(snap.months[key])


def next_workday(d: date) -> date:
    """The first working day strictly after ``d``."""
    d = _day(d)
    return workday_on_or_after(d + timedelta(1))


def workday_on_or_after(d: date) -> date:
    """``d`` if it is a working day, else the next working day (how a period ending on a rest day rolls)."""
    d = _day(d)
    snap = _current()
    for _ in range(MAX_SEARCH_DAYS):
        if _is_workday(snap, d):
            return d
        d += timedelta(1)
    raise CalendarError(f"{d.isoformat()} 前后 {MAX_SEARCH_DAYS} 天内没有工作日，请检查节假日安排")


# --- Periods ---------------------------------------------------------------------------------------


def _check_length(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise CalendarError(f"期限应为整数，实为“{n}”")
    if n < 0:
        raise CalendarError(f"期限不能为负数（{n}）")


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (the start day is not counted; ``n`` = 0 gives ``start``)."""
    start = _day(start)
    _check_length(n)
    snap = _current()
    d, counted = start, 0
    while counted < n:
        d += timedelta(1)
        if _is_workday(snap, d):
            counted += 1
    return d


def add_natural_days(start: date, n: int) -> date:
    """``start`` + ``n`` days; a last day that is not a working day moves to the next working day."""
    start = _day(start)
    _check_length(n)
    return workday_on_or_after(start + timedelta(n))


def _plus_months(start: date, n: int) -> date:
    """The corresponding day ``n`` months on, or that month's last day where it has none (民法典 art. 202)."""
    months = start.year * 12 + start.month - 1 + n
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_months(start: date, n: int) -> date:
    """``n`` months after ``start`` (corresponding day, else month end), rolled to a working day."""
    start = _day(start)
    _check_length(n)
    return workday_on_or_after(_plus_months(start, n))


def working_days_between(a: date, b: date) -> int:
    """Working days ``d`` with ``a`` < ``d`` ≤ ``b`` (negative when ``b`` is before ``a``).

    The inverse of ``add_working_days``: ``working_days_between(s, add_working_days(s, n)) == n``.
    """
    a, b = _day(a), _day(b)
    if b < a:
        return -working_days_between(b, a)
    snap = _current()
    return sum(1 for i in range(1, (b - a).days + 1) if _is_workday(snap, a + timedelta(i)))


def unknown_year_warning(year: int) -> str:
    return f"{year}年的节假日安排尚未导入，按周一至周五推算，请系统管理员导入国务院办公厅公布的安排"


@dataclass
class Due:
    """The last day of a period, with how it was computed and any doubt about the calendar used."""

    date: dt.date
    unit: str
    n: int
    start: dt.date
    warnings: list[str] = field(default_factory=list)
    rule: str = ""  # the period rule's code, when computed by ``rule_due``
    rule_name: str = ""
    source: str = ""  # the rule's legal basis

    @property
    def weekday(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]

    @property
    def unit_label(self) -> str:
        return str(PeriodUnit(self.unit).label)

    def __str__(self) -> str:
        return f"{self.date.isoformat()}（{self.weekday}）"

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "weekday": self.weekday,
            "start": self.start.isoformat(),
            "n": self.n,
            "unit": self.unit,
            "unit_label": self.unit_label,
            "rule": self.rule,
            "rule_name": self.rule_name,
            "source": self.source,
            "warnings": list(self.warnings),
        }


def _unit(unit: str | PeriodUnit) -> str:
    value = str(getattr(unit, "value", unit))
    if value not in PeriodUnit.values:
        raise CalendarError(f"计算单位“{unit}”无效，应为 working（工作日）、natural（自然日）或 months（月）")
    return value


def due(start: date, n: int, unit: str | PeriodUnit) -> Due:
    """The last day of an ``n``-``unit`` period starting on ``start`` (start day not counted).

    ``warnings`` names every year the calculation relied on whose arrangement is unknown.
    """
    start = _day(start)
    unit = _unit(unit)
    if unit == PeriodUnit.WORKING:
        end = add_working_days(start, n)
        first_used = start + timedelta(1) if n else start
    elif unit == PeriodUnit.NATURAL:
        _check_length(n)
        first_used = start + timedelta(n)
        end = workday_on_or_after(first_used)
    else:
        _check_length(n)
        first_used = _plus_months(start, n)
        end = workday_on_or_after(first_used)
    years = range(min(first_used, end).year, end.year + 1)
    warnings = [unknown_year_warning(y) for y in years if not is_year_known(y)]
    return Due(date=end, unit=unit, n=n, start=start, warnings=warnings)


def rule_version(code: str, on: date) -> RuleVersion:
    """The newest active version of rule ``code`` in force on ``on``."""
    on = _day(on)
    versions = _current().rules.get(code)
    if not versions:
        raise UnknownPeriodRule(f"未知的期限规则代码“{code}”，请在“法定期限”中核对")
    for version in versions:
        if version.active and version.effective_from <= on:
            return version
    raise UnknownPeriodRule(f"期限规则“{code}”在 {on.isoformat()} 没有施行中的启用版本")


def rule_due(code: str, start: date) -> Due:
    """The last day of the statutory period ``code`` (a ``PeriodRule``) that starts on ``start``."""
    start = _day(start)
    rule = rule_version(code, start)
    result = due(start, rule.length, rule.unit)
    result.rule, result.rule_name, result.source = rule.code, rule.name, rule.source
    return result


def rules_in_force(on: date | None = None) -> list[RuleVersion]:
    """Every rule code's version in force on ``on`` (default today), by code."""
    on = on or timezone.localdate()
    found = []
    for code in sorted(_current().rules):
        try:
            found.append(rule_version(code, on))
        except UnknownPeriodRule:
            continue
    return found


# --- Known years -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownYear:
    year: int
    source: str
    imported: bool


def known_years() -> list[KnownYear]:
    """Every year whose arrangement is known, newest first: imported ones and ``chinesecalendar``'s."""
    snap = _current()
    package = f"chinesecalendar {chinese_calendar.__version__}"
    years = {y: KnownYear(y, package, False) for y in range(PACKAGE_YEARS[0], PACKAGE_YEARS[1] + 1)}
    years.update({y: KnownYear(y, source, True) for y, source in snap.years.items()})
    return [years[y] for y in sorted(years, reverse=True)]


# --- Importing a year's arrangement ----------------------------------------------------------------

#: Accepted spellings of the ``kind`` column → is_workday.
KINDS = {
    "holiday": False,
    "放假": False,
    "休": False,
    "假": False,
    "workday": True,
    "上班": True,
    "班": True,
    "调休上班": True,
}
HEADER_WORDS = {"date", "日期"}
MAX_NAME = 32


@dataclass(frozen=True)
class ImportRowError:
    line: int  # 1-based line of the file; 0 for the file as a whole
    field: str  # 日期 / 类型 / 名称 / 列数 / 年份 / 文件
    message: str

    def __str__(self) -> str:
        where = f"第{self.line}行 " if self.line else ""
        return f"{where}{self.field}：{self.message}"


class CalendarImportError(ValidationError):
    """Every problem of an arrangement file at once; nothing was stored."""

    def __init__(self, errors: list[ImportRowError]):
        self.errors = errors
        super().__init__([str(e) for e in errors])


@dataclass(frozen=True)
class ArrangementRow:
    line: int
    date: date
    is_workday: bool
    name: str


@dataclass
class ImportResult:
    year: int
    holidays: int
    workdays: int
    replaced: int
    source: str

    def __str__(self) -> str:
        return (
            f"已导入{self.year}年节假日安排：放假 {self.holidays} 天、调休上班 {self.workdays} 天"
            f"（替换原有调整 {self.replaced} 条）；其余日期按周一至周五计算。"
        )


def _lines(rows: str | bytes | Iterable[str] | Iterable[Sequence[str]]) -> Iterable[Any]:
    if isinstance(rows, bytes):
        try:
            rows = rows.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CalendarImportError([ImportRowError(0, "文件", "不是 UTF-8 编码的文本文件")]) from exc
    if isinstance(rows, str):
        return rows.lstrip("\ufeff").splitlines()
    return rows


def _check_year(year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise CalendarImportError([ImportRowError(0, "年份", f"“{year}”不是 2000–2100 之间的年份")])
    return year


def parse_arrangement(
    year: int, rows: str | bytes | Iterable[str] | Iterable[Sequence[str]]
) -> list[ArrangementRow]:
    """Read ``date,kind,name`` rows (CSV; ``#`` comments, blank lines and a header row skipped).

    ``kind`` is ``holiday`` (放假) or ``workday`` (调休上班). Raises ``CalendarImportError`` listing
    every bad row by line and field.
    """
    year = _check_year(year)
    errors: list[ImportRowError] = []
    parsed: list[ArrangementRow] = []
    seen: dict[date, int] = {}
    first_data = True
    for line, raw in enumerate(_lines(rows), start=1):
        if isinstance(raw, str):
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            fields = next(csv.reader([raw]))
        else:
            fields = [str(v) for v in raw]
        fields = [f.strip() for f in fields]
        while fields and fields[-1] == "" and len(fields) > 3:
            fields.pop()
        if first_data and fields and fields[0].lower() in HEADER_WORDS:
            first_data = False
            continue
        first_data = False
        if len(fields) not in (2, 3):
            errors.append(ImportRowError(line, "列数", f"应为“日期,类型,名称”三列，实为 {len(fields)} 列"))
            continue
        day_text, kind_text = fields[0], fields[1]
        name = fields[2] if len(fields) == 3 else ""
        row_errors = len(errors)
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            errors.append(
                ImportRowError(line, "日期", f"“{day_text}”不是有效日期，应为 YYYY-MM-DD，如 {year}-01-01")
            )
            day = None
        if day is not None and day.year != year:
            errors.append(ImportRowError(line, "日期", f"{day.isoformat()} 不在 {year} 年内"))
        if day is not None and day in seen:
            errors.append(ImportRowError(line, "日期", f"{day.isoformat()} 与第{seen[day]}行重复"))
        working = KINDS.get(kind_text.lower())
        if working is None:
            errors.append(
                ImportRowError(line, "类型", f"“{kind_text}”无效，应为 holiday（放假）或 workday（调休上班）")
            )
        elif working and day is not None and day.weekday() < 5:
            errors.append(
                ImportRowError(
                    line,
                    "类型",
                    f"{day.isoformat()} 是{WEEKDAY_NAMES[day.weekday()]}，本就上班；调休上班只用于周六、周日",
                )
            )
        if working is False and not name:
            errors.append(ImportRowError(line, "名称", "放假日须写明节日名称，如 春节"))
        if len(name) > MAX_NAME:
            errors.append(ImportRowError(line, "名称", f"不能超过 {MAX_NAME} 个字"))
        if len(errors) == row_errors and day is not None and working is not None:
            seen[day] = line
            parsed.append(ArrangementRow(line, day, working, name or "调休上班"))
    if not errors and not parsed:
        errors.append(ImportRowError(0, "文件", f"没有任何 {year} 年的放假或调休上班安排"))
    if errors:
        raise CalendarImportError(errors)
    return parsed


def import_year(
    year: int,
    rows: str | bytes | Iterable[str] | Iterable[Sequence[str]],
    *,
    source: str = "",
    user=None,
) -> ImportResult:
    """Store ``year``'s official arrangement: its holidays and make-up working days, replacing any
    earlier rows of that year, and mark the year known. All or nothing: on any bad row nothing is stored.
    """
    from zhifa.core.audit import record
    from zhifa.core.choices import AuditAction
    from zhifa.core.models import CalendarDay, CalendarYear

    parsed = parse_arrangement(year, rows)
    source = (source or "").strip() or f"{year}年节假日安排（系统管理员导入）"
    with transaction.atomic():
        old = list(CalendarDay.objects.select_for_update().filter(date__year=year))
        for row in old:
            row.delete()
        for item in parsed:
            CalendarDay.objects.create(
                date=item.date, is_workday=item.is_workday, name=item.name, source=source[:200]
            )
        marker, _ = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source, "imported_at": timezone.now(), "imported_by": user}
        )
        result = ImportResult(
            year=year,
            holidays=sum(1 for r in parsed if not r.is_workday),
            workdays=sum(1 for r in parsed if r.is_workday),
            replaced=len(old),
            source=source,
        )
        record(AuditAction.IMPORT, marker, user=user, message=str(result))
    return result

"""The working-day calendar: China's official arrangement (调休 included), statutory periods counted the
way 行政处罚法 art. 85 says, administrator overrides taking precedence, and a warning (never a crash)
for a year whose arrangement is not known.

Expectations around the holidays are checked against ``chinese_calendar`` itself, not only literals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from django.db import transaction

from zhifa.core import calendar
from zhifa.core.models import CalendarDay, CalendarYear, PeriodRule
from zhifa.planning import workdays

pytestmark = pytest.mark.django_db

SPRING_2026 = [date(2026, 2, 15) + timedelta(i) for i in range(9)]  # 2026-02-15 .. 2026-02-23


def official_working_days_after(start: date, n: int) -> date:
    """An independent count with chinese_calendar: the n-th official working day after start."""
    d = start
    while n:
        d += timedelta(1)
        n -= chinese_calendar.is_workday(d)
    return d


def official_rolled(d: date) -> date:
    while not chinese_calendar.is_workday(d):
        d += timedelta(1)
    return d


# --- The 2026 Spring Festival and National Day -----------------------------------------------------


def test_the_2026_spring_festival_is_off_and_its_make_up_saturdays_are_working_days():
    for day in SPRING_2026:
        assert chinese_calendar.is_workday(day) is False
        assert calendar.is_workday(day) is False
    make_up = [d for d in (date(2026, 2, 14), date(2026, 2, 28)) if chinese_calendar.is_workday(d)]
    assert make_up == [date(2026, 2, 14), date(2026, 2, 28)]  # both Saturdays, both 调休上班
    for day in make_up:
        assert day.weekday() == 5 and calendar.is_workday(day) is True
        assert calendar.day_info(day).kind == "makeup" and "调休" in calendar.day_info(day).name
    assert calendar.day_info(date(2026, 2, 17)).name == "春节"


def test_five_working_days_started_just_before_the_spring_festival_skip_it_and_count_the_saturday():
    # Thursday 12 Feb: Fri 13 (1), Sat 14 调休 (2), the holiday, then Tue 24 (3), 25 (4), 26 (5).
    start = date(2026, 2, 12)
    result = calendar.due(start, 5, "working")
    assert result.date == official_working_days_after(start, 5) == date(2026, 2, 26)
    assert result.warnings == []
    assert calendar.working_days_between(start, result.date) == 5
    assert str(result) == "2026-02-26（星期四）"


def test_a_fifteen_day_natural_period_ending_in_the_holiday_rolls_to_the_next_working_day():
    start = date(2026, 2, 1)  # + 15 = Monday 16 Feb, inside the holiday
    assert start + timedelta(15) in SPRING_2026
    result = calendar.due(start, 15, "natural")
    assert result.date == official_rolled(start + timedelta(15)) == date(2026, 2, 24)


def test_a_natural_period_ending_on_a_make_up_saturday_ends_there():
    start = date(2026, 1, 30)  # + 15 = Saturday 14 Feb, a 调休 working day
    assert calendar.add_natural_days(start, 15) == date(2026, 2, 14)


def test_national_day_2026_and_its_make_up_days():
    golden_week = [date(2026, 10, 1) + timedelta(i) for i in range(7)]
    assert all(not chinese_calendar.is_workday(d) and not calendar.is_workday(d) for d in golden_week)
    make_up = [
        d
        for d in (date(2026, 9, 1) + timedelta(i) for i in range(60))
        if d.weekday() >= 5 and chinese_calendar.is_workday(d)
    ]
    assert make_up, "the 2026 arrangement has make-up days around National Day"
    assert all(calendar.is_workday(d) for d in make_up)
    # Wednesday 30 Sep + 5 working days: 8, 9, Saturday 10 (调休), 12, 13 October.
    start = date(2026, 9, 30)
    assert calendar.add_working_days(start, 5) == official_working_days_after(start, 5) == date(2026, 10, 13)
    # A natural period ending on 3 October waits for 8 October.
    assert calendar.add_natural_days(date(2026, 9, 18), 15) == official_rolled(date(2026, 10, 3))


def test_months_end_on_the_corresponding_day_or_the_months_last_and_then_roll():
    assert calendar.add_months(date(2025, 8, 16), 6) == date(2026, 2, 24)  # 16 Feb is in the holiday
    assert calendar.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)  # no 31 Feb; 28th is 调休上班
    assert calendar.add_months(date(2026, 1, 15), 1) == date(2026, 2, 24)
    assert calendar.due(date(2025, 8, 16), 6, "months").date == date(2026, 2, 24)


def test_the_start_day_is_not_counted():
    friday = date(2026, 3, 6)
    assert calendar.add_working_days(friday, 1) == date(2026, 3, 9)
    assert calendar.add_working_days(friday, 0) == friday
    assert calendar.next_workday(friday) == date(2026, 3, 9)
    assert calendar.workday_on_or_after(friday) == friday
    assert calendar.working_days_between(friday, friday) == 0
    assert calendar.working_days_between(date(2026, 3, 9), friday) == -1


def test_bad_input_is_refused_in_chinese():
    with pytest.raises(calendar.CalendarError, match="负数"):
        calendar.add_working_days(date(2026, 3, 6), -1)
    with pytest.raises(calendar.CalendarError, match="计算单位"):
        calendar.due(date(2026, 3, 6), 5, "weeks")


def test_the_planning_working_days_are_the_core_calendars():
    february = workdays.working_days(2026, 2)
    assert february == calendar.working_days_in_month(2026, 2)
    assert february == chinese_calendar.get_workdays(date(2026, 2, 1), date(2026, 2, 28))


# --- Unknown years and imported arrangements ---------------------------------------------------------


ARRANGEMENT_2027 = """\
# 测试用安排（非官方）
日期,类型,名称
2027-01-01,holiday,元旦
2027-01-04,holiday,元旦
2027-01-09,workday,元旦调休上班
"""


def test_a_year_outside_the_known_calendar_warns_and_assumes_monday_to_friday():
    assert calendar.is_known(date(2026, 12, 31))
    assert not calendar.is_known(date(2027, 1, 4))
    result = calendar.due(date(2026, 12, 30), 3, "working")
    # Thu 31 Dec (1), then 2027 on Monday–Friday: Fri 1 Jan (2), Mon 4 Jan (3).
    assert result.date == date(2027, 1, 4)
    assert result.warnings == [
        "2027年的节假日安排尚未导入，按周一至周五推算，请系统管理员导入国务院办公厅公布的安排"
    ]
    # A period wholly inside a known year carries no warning; one reaching into 2028 names both years.
    assert calendar.due(date(2026, 3, 2), 5, "working").warnings == []
    far = calendar.due(date(2026, 12, 1), 400, "natural")
    assert [w[:4] for w in far.warnings] == ["2028"]
    assert [w[:4] for w in calendar.due(date(2026, 12, 1), 300, "working").warnings] == ["2027", "2028"]
    assert workdays.is_official(2027) is False
    assert "尚未收录" in workdays.calendar_note(2027)


def test_an_imported_2027_arrangement_changes_the_results(sam):
    before = calendar.due(date(2026, 12, 30), 3, "working")
    result = calendar.import_year(2027, ARRANGEMENT_2027, source="测试安排", user=sam)
    assert (result.holidays, result.workdays, result.replaced) == (2, 1, 0)
    assert CalendarYear.objects.get(year=2027).imported_by == sam
    assert calendar.is_known(date(2027, 6, 1))
    # Thu 31 Dec (1), 1 and 4 Jan off, Tue 5 Jan (2), Wed 6 Jan (3).
    after = calendar.due(date(2026, 12, 30), 3, "working")
    assert (before.date, after.date) == (date(2027, 1, 4), date(2027, 1, 6))
    assert after.warnings == []
    assert calendar.is_workday(date(2027, 1, 9)) is True  # a Saturday made a working day
    assert calendar.is_workday(date(2027, 1, 8)) is True  # any other weekday follows Monday–Friday
    assert calendar.day_info(date(2027, 1, 1)).name == "元旦"
    assert date(2027, 1, 9) in workdays.working_days(2027, 1)
    assert workdays.is_official(2027) and "测试安排" in workdays.calendar_note(2027)
    assert [y.year for y in calendar.known_years() if y.imported] == [2027]


def test_importing_a_year_again_replaces_its_days(sam):
    calendar.import_year(2027, ARRANGEMENT_2027, source="第一版")
    result = calendar.import_year(2027, "2027-01-01,holiday,元旦\n", source="第二版", user=sam)
    assert result.replaced == 3
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        date(2027, 1, 1)
    ]
    assert calendar.is_workday(date(2027, 1, 4)) is True
    assert CalendarYear.objects.get(year=2027).source == "第二版"


def test_an_imported_year_replaces_the_packages_arrangement():
    # An administrator corrects 2026 wholesale: only the rows given count, chinesecalendar is set aside.
    calendar.import_year(2026, "2026-10-01,holiday,国庆节\n", source="更正")
    assert calendar.is_workday(date(2026, 10, 2)) is True
    assert calendar.is_workday(date(2026, 2, 16)) is True


def test_bad_rows_are_refused_with_their_line_and_field_and_nothing_is_stored():
    text = (
        "日期,类型,名称\n"
        "2027-01-01,holiday,元旦\n"
        "2027-13-01,holiday,春节\n"  # line 3: no such date
        "2027-02-06,vacation,春节\n"  # line 4: unknown kind
        "2026-12-31,holiday,元旦\n"  # line 5: another year
        "2027-01-01,holiday,元旦\n"  # line 6: repeated
        "2027-01-05,workday,调休\n"  # line 7: a Tuesday is a working day anyway
        "2027-02-07,holiday\n"  # line 8: a holiday needs its name
        "2027-02-08\n"  # line 9: one column
    )
    with pytest.raises(calendar.CalendarImportError) as caught:
        calendar.import_year(2027, text, source="有误")
    found = [(e.line, e.field) for e in caught.value.errors]
    assert found == [
        (3, "日期"),
        (4, "类型"),
        (5, "日期"),
        (6, "日期"),
        (7, "类型"),
        (8, "名称"),
        (9, "列数"),
    ]
    messages = caught.value.messages
    assert messages[0].startswith("第3行 日期：") and "YYYY-MM-DD" in messages[0]
    assert "与第2行重复" in messages[3]
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()
    assert not calendar.is_known(date(2027, 1, 1))


def test_an_empty_file_or_a_bad_year_is_refused():
    with pytest.raises(calendar.CalendarImportError, match="没有任何"):
        calendar.import_year(2027, "# 只有注释\n\n")
    with pytest.raises(calendar.CalendarImportError, match="年份"):
        calendar.import_year(1999, ARRANGEMENT_2027)
    with pytest.raises(calendar.CalendarImportError, match="UTF-8"):
        calendar.import_year(2027, "2027-01-01,holiday,元旦".encode("gbk"))


def test_rows_may_be_given_as_bytes_with_a_bom_or_as_sequences():
    calendar.import_year(2027, "\ufeff2027-01-01,放假,元旦\n".encode())
    assert calendar.is_workday(date(2027, 1, 1)) is False
    calendar.import_year(2027, [("2027-01-09", "班", "")])
    assert CalendarDay.objects.get(date=date(2027, 1, 9)).name == "调休上班"


# --- Overrides and the cache -------------------------------------------------------------------------


def test_an_override_takes_precedence_and_its_edits_show_at_once():
    monday = date(2026, 3, 2)
    assert calendar.is_workday(monday) is True  # read and cached
    day = CalendarDay.objects.create(date=monday, is_workday=False, name="防台停工")
    assert calendar.is_workday(monday) is False
    assert calendar.day_info(monday).name == "防台停工"
    day.is_workday = True
    day.save()
    assert calendar.is_workday(monday) is True
    day.delete()
    saturday = date(2026, 3, 7)
    CalendarDay.objects.create(date=saturday, is_workday=True, name="调休上班")
    assert calendar.add_working_days(date(2026, 3, 6), 1) == saturday


def test_rows_rolled_back_do_not_linger_in_the_cache():
    monday = date(2026, 3, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarDay.objects.create(date=monday, is_workday=False, name="撤销")
        assert calendar.is_workday(monday) is False
        raise RuntimeError
    assert calendar.is_workday(monday) is True


# --- Period rules --------------------------------------------------------------------------------------

CODES = {
    "registration_after_investigation": (5, "working"),
    "decision": (90, "natural"),
    "decision_service": (7, "working"),
    "hearing_request": (5, "working"),
    "hearing_notice": (7, "working"),
    "payment": (15, "natural"),
    "demand_wait": (10, "natural"),
    "publication": (7, "working"),
    "preservation_decision": (7, "working"),
    "legal_review": (10, "working"),
    "statement_defence": (3, "working"),
    "review_route": (60, "natural"),
    "litigation_route": (6, "months"),
    "accident_report_casualty_update": (30, "natural"),
    "draw_publication": (20, "working"),
    "simple_filing": (5, "working"),
}


def test_the_seeded_rules_have_their_lengths_units_and_sources():
    on = date(2026, 3, 1)
    for code, (length, unit) in CODES.items():
        rule = calendar.rule_version(code, on)
        assert (rule.length, rule.unit) == (length, unit), code
        assert rule.source and rule.name, code
    assert calendar.rule_version("registration_after_investigation", on).local
    assert calendar.rule_version("legal_review", on).local
    assert not calendar.rule_version("payment", on).local


def test_rule_due_applies_the_rule_and_names_its_basis():
    result = calendar.rule_due("payment", date(2026, 2, 1))
    assert result.date == date(2026, 2, 24)
    assert (result.rule, result.n, result.unit) == ("payment", 15, "natural")
    assert "第六十七条" in result.source
    assert calendar.rule_due("hearing_request", date(2026, 2, 12)).date == date(2026, 2, 26)
    assert calendar.rule_due("litigation_route", date(2025, 8, 16)).date == date(2026, 2, 24)


def test_rule_due_reads_the_version_in_force_on_the_start():
    assert "1999" in calendar.rule_due("review_route", date(2023, 12, 31)).source
    assert "2023年修订" in calendar.rule_due("review_route", date(2024, 1, 1)).source
    PeriodRule.objects.create(
        code="payment",
        name="缴纳罚款",
        source="测试版本",
        length=20,
        unit="natural",
        effective_from=date(2026, 6, 1),
    )
    assert calendar.rule_due("payment", date(2026, 5, 31)).n == 15
    assert calendar.rule_due("payment", date(2026, 6, 1)).n == 20
    PeriodRule.objects.filter(source="测试版本").update(active=False)
    calendar.clear_cache()  # update() bypasses the signals, as a bulk change by hand would
    assert calendar.rule_due("payment", date(2026, 6, 1)).n == 15


def test_an_unknown_rule_code_is_a_clear_error():
    with pytest.raises(calendar.UnknownPeriodRule, match="未知的期限规则代码“no_such_rule”"):
        calendar.rule_due("no_such_rule", date(2026, 3, 1))
    with pytest.raises(calendar.UnknownPeriodRule, match="没有施行中"):
        calendar.rule_due("decision", date(2020, 1, 1))


@pytest.fixture
def sam(world):
    return world.sam


def test_a_datetime_counts_as_its_date_and_anything_else_is_refused():
    CalendarDay.objects.create(date=date(2026, 3, 2), is_workday=False, name="防台停工")
    assert calendar.is_workday(datetime(2026, 3, 2, 9, 30)) is False
    assert calendar.due(datetime(2026, 2, 12, 17, 0), 5, "working").date == date(2026, 2, 26)
    with pytest.raises(calendar.CalendarError, match="应为日期"):
        calendar.is_workday("2026-03-02")  # type: ignore[arg-type]

"""Calendar pages and API: every business role reads the calendar and the period rules and computes a
due date; only the system administrator adds overrides, imports a year or edits a rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.core import calendar
from zhifa.core.models import AuditEntry, CalendarDay, CalendarYear, PeriodRule

pytestmark = pytest.mark.django_db


def upload(text: str, name: str = "2027.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


# --- Pages ---------------------------------------------------------------------------------------------


def test_an_officer_sees_the_month_the_years_known_and_computes_a_due_date(world, web):
    page = web(world.alice).get(
        reverse("calendar:overview"), {"month": "2026-02", "start": "2026-02-13", "n": "5", "unit": "working"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "2026-02-27（星期五）" in html
    assert "春节" in html and 'class="cal-makeup"' in html
    assert "本月工作日 16 天" in html
    assert "chinesecalendar" in html  # the years known and where they come from
    assert "导入节假日安排" not in html  # the import button is the administrator's


def test_the_calculator_applies_a_rule_and_names_bad_fields(world, web):
    client = web(world.bruce)
    page = client.get(reverse("calendar:overview"), {"start": "2026-02-01", "rule": "payment"})
    assert "2026-02-24（星期二）" in page.content.decode() and "第六十七条" in page.content.decode()
    page = client.get(reverse("calendar:overview"), {"start": "2026-02-31", "n": "5", "unit": "working"})
    assert page.status_code == 200 and "起算日应为 YYYY-MM-DD" in page.content.decode()
    page = client.get(reverse("calendar:overview"), {"start": "2026-02-01", "n": "x", "unit": "weeks"})
    assert "期限应为" in page.content.decode() and "请选择计算单位" in page.content.decode()
    page = client.get(reverse("calendar:overview"), {"month": "2026-13"})
    assert page.status_code == 200 and "月份应为 YYYY-MM" in page.content.decode()


def test_an_unknown_month_shows_the_warning(world, web):
    page = web(world.alice).get(reverse("calendar:overview"), {"month": "2027-01"})
    assert "2027年的节假日安排尚未导入" in page.content.decode()


def test_the_administrator_adds_an_override_that_the_calendar_uses_at_once(world, web):
    client = web(world.sam)
    response = client.post(
        reverse("calendar:day_add"),
        {"date": "2026-03-02", "is_workday": "", "name": "防台停工", "source": "区政府通知"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2026, 3, 2))
    assert calendar.is_workday(day.date) is False
    assert AuditEntry.objects.filter(object_type="core.calendarday", action="create").exists()
    # a date already overridden is refused on the field, in Chinese
    again = client.post(reverse("calendar:day_add"), {"date": "2026-03-02", "name": "重复"})
    assert again.status_code == 200 and "已存在" in again.content.decode()
    client.post(reverse("calendar:day_delete", args=[day.pk]))
    assert not CalendarDay.objects.exists() and calendar.is_workday(date(2026, 3, 2)) is True


def test_the_administrator_imports_a_year_from_a_file(world, web):
    client = web(world.sam)
    response = client.post(
        reverse("calendar:import"),
        {
            "year": "2027",
            "source": "测试安排",
            "file": upload("日期,类型,名称\n2027-01-01,holiday,元旦\n2027-01-09,workday,调休上班\n"),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?month=2027-01")
    assert CalendarYear.objects.get(year=2027).imported_by == world.sam
    assert calendar.is_workday(date(2027, 1, 9)) is True
    overview = client.get(response["Location"]).content.decode()
    assert "已导入2027年节假日安排" in overview and "管理员导入" in overview


def test_a_bad_file_is_shown_line_by_line_and_nothing_is_stored(world, web):
    response = web(world.sam).post(
        reverse("calendar:import"),
        {
            "year": "2027",
            "source": "测试",
            "file": upload("2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何数据" in html and "<td>2</td><td>日期</td>" in html
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_the_administrator_edits_a_rule_but_not_its_code(world, web):
    rule = PeriodRule.objects.get(code="legal_review")
    client = web(world.sam)
    data = {
        "code": "renamed",
        "name": rule.name,
        "source": rule.source,
        "length": "15",
        "unit": "working",
        "local": "on",
        "effective_from": "2021-07-15",
        "active": "on",
        "note": rule.note,
    }
    assert client.post(reverse("calendar:rule_edit", args=[rule.pk]), data).status_code == 302
    rule.refresh_from_db()
    assert (rule.code, rule.length) == ("legal_review", 15)
    assert calendar.rule_due("legal_review", date(2026, 3, 2)).n == 15
    bad = client.post(reverse("calendar:rule_edit", args=[rule.pk]), {**data, "length": "0"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_the_rules_list_shows_sources_and_the_officer_has_no_edit_links(world, web):
    html = web(world.alice).get(reverse("calendar:rule_list"), {"per_page": 100}).content.decode()
    assert "行政处罚法》第六十条" in html and "本地/可配置" in html
    assert "编辑" not in html
    assert "编辑" in web(world.sam).get(reverse("calendar:rule_list")).content.decode()


def add_rows(kind: str, count: int) -> None:
    """``count`` more override days or period rules (the rows a list shows)."""
    start = CalendarDay.objects.count() + PeriodRule.objects.filter(code__startswith="test_").count()
    for i in range(start, start + count):
        if kind == "days":
            CalendarDay.objects.create(date=date(2030, 1, 1) + timedelta(i), is_workday=False, name="测试")
        else:
            PeriodRule.objects.create(
                code=f"test_{i}",
                name="测试",
                source="测试",
                length=5,
                unit="working",
                effective_from=date(2026, 1, 1),
            )


LISTS = [("calendar:day_list", "days"), ("calendar:rule_list", "rules")]


@pytest.mark.parametrize("name, kind", LISTS)
def test_the_lists_run_a_constant_number_of_queries(world, web, name, kind):
    client = web(world.sam)
    add_rows(kind, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    add_rows(kind, 30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name)).status_code == 200
    assert len(many) == len(few)


# --- API -----------------------------------------------------------------------------------------------


def test_the_due_endpoint_computes_by_unit_or_rule(world, api):
    client = api(world.alice)
    body = client.get("/api/v1/period-rules/due/", {"start": "2026-02-13", "n": 5, "unit": "working"}).json()
    assert (body["date"], body["weekday"], body["warnings"]) == ("2026-02-27", "星期五", [])
    body = client.get("/api/v1/period-rules/due/", {"start": "2026-02-01", "rule": "payment"}).json()
    assert body["date"] == "2026-02-24" and "第六十七条" in body["source"] and body["n"] == 15
    body = client.get("/api/v1/period-rules/due/", {"start": "2026-12-30", "n": 3, "unit": "working"}).json()
    assert body["date"] == "2027-01-04" and body["warnings"][0].startswith("2027年的节假日安排尚未导入")


@pytest.mark.parametrize(
    "params, field",
    [
        ({"start": "2026-02-30", "n": 5, "unit": "working"}, "start"),
        ({"start": "2026-02-13", "n": -1, "unit": "working"}, "n"),
        ({"start": "2026-02-13", "n": 5, "unit": "weeks"}, "unit"),
        ({"start": "2026-02-13", "n": 5}, "unit"),
        ({"start": "2026-02-13", "rule": "no_such_rule"}, "rule"),
        ({"start": "2026-02-13", "rule": "payment", "n": 5}, "rule"),
    ],
)
def test_the_due_endpoint_names_the_bad_field(world, api, params, field):
    response = api(world.alice).get("/api/v1/period-rules/due/", params)
    assert response.status_code == 400 and field in response.json(), response.json()


def test_the_read_endpoints_list_days_and_rules(world, api):
    CalendarDay.objects.create(date=date(2030, 1, 1), is_workday=False, name="元旦")
    client = api(world.lily)
    days = client.get("/api/v1/calendar-days/", {"year": 2030}).json()
    assert [d["name"] for d in days["results"]] == ["元旦"]
    rules = client.get("/api/v1/period-rules/", {"q": "payment"}).json()["results"]
    assert [(r["code"], r["length"], r["unit_label"]) for r in rules] == [("payment", 15, "自然日")]
    assert api(world.eve).get("/api/v1/period-rules/").status_code == 403
    assert api(world.sam).post("/api/v1/period-rules/", {}).status_code == 405


@pytest.mark.parametrize(
    "url, kind", [("/api/v1/calendar-days/", "days"), ("/api/v1/period-rules/", "rules")]
)
def test_the_list_endpoints_run_a_constant_number_of_queries(world, api, url, kind):
    client = api(world.alice)
    add_rows(kind, 2)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()["results"]) >= 2
    add_rows(kind, 30)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["results"]) >= 32
    assert len(many) == len(few)

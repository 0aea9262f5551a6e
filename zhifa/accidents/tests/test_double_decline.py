"""双下降: the figures equal the counts of the underlying records, periods are the year to date against
the same days last year, boards see their own figures, and the page marks ↓/↑ and 达成/未达成."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.accidents.models import Accident
from zhifa.accidents.statistics import Trend, double_decline, periods
from zhifa.accidents.tests.helpers import at, make_accident
from zhifa.core.testing import make_board

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


@pytest.fixture
def figures(world):
    """Board A declines on both; board B rises in deaths; board C had none either year."""
    a, b = world.board_a, world.board_b
    make_board("洛阳镇", "320412103", short_name="洛")
    # 2025, same period (1 Jan – 30 Jun)
    make_accident(a, at(2025, 2, 3), deaths=1)
    make_accident(a, at(2025, 6, 30, 23, 59), deaths=2)  # the last minute of the period counts
    make_accident(a, at(2025, 3, 9), deaths=0)
    make_accident(b, at(2025, 4, 1), deaths=1)
    # 2025, after the period: not compared
    make_accident(a, at(2025, 7, 1, 0, 0), deaths=5)
    make_accident(b, at(2025, 12, 31), deaths=3)
    # 2026 to date
    make_accident(a, at(2026, 1, 1, 0, 0), deaths=1)
    make_accident(b, at(2026, 5, 5), deaths=2)
    make_accident(b, at(2026, 6, 30, 12), deaths=0)
    return world


def row_of(result, name):
    return next(r for r in result.rows if r.board.name == name)


def expected(board, start, end):
    """The same figures counted record by record in Python, from the database rows."""
    rows = [r for r in Accident.objects.filter(board=board) if start <= r.occurred_on <= end]
    return len(rows), sum(r.deaths for r in rows)


def test_periods_are_the_year_to_date_and_the_same_days_last_year():
    current, previous = periods(2026, TODAY)
    assert (current.start, current.end) == (date(2026, 1, 1), TODAY)
    assert (previous.start, previous.end) == (date(2025, 1, 1), date(2025, 6, 30))
    assert periods(2025, TODAY)[0].end == date(2025, 12, 31)
    assert periods(2024, date(2024, 2, 29))[1].end == date(2023, 2, 28)


def test_the_figures_equal_the_counts_of_the_records(figures):
    result = double_decline(2026, today=TODAY)
    for row in result.rows:
        assert (row.count, row.deaths) == expected(row.board, result.period.start, result.period.end)
        assert (row.count_before, row.deaths_before) == expected(
            row.board, result.previous.start, result.previous.end
        )
    a, b, c = (row_of(result, n) for n in ("湖塘镇", "牛塘镇", "洛阳镇"))
    assert (a.count, a.deaths, a.count_before, a.deaths_before) == (1, 1, 3, 3)
    assert (b.count, b.deaths, b.count_before, b.deaths_before) == (2, 2, 1, 1)
    assert a.achieved and a.count_trend is Trend.DOWN and a.deaths_trend is Trend.DOWN
    assert not b.achieved and b.count_trend is Trend.UP and b.deaths_trend is Trend.UP
    assert not c.achieved and c.no_accidents
    total = result.total
    assert (total.count, total.deaths, total.count_before, total.deaths_before) == (3, 3, 4, 4)
    assert total.achieved


def test_a_past_year_compares_whole_years(figures):
    result = double_decline(2025, today=TODAY)
    a = row_of(result, "湖塘镇")
    assert (a.count, a.deaths) == (4, 8)
    assert (a.count_before, a.deaths_before) == (0, 0)


def test_one_board_only_and_a_constant_number_of_queries(figures):
    with CaptureQueriesContext(connection) as ctx:
        result = double_decline(2026, figures.board_b, today=TODAY)
    assert [r.board.name for r in result.rows] == ["牛塘镇"]
    assert result.total.count == 2
    assert len(ctx.captured_queries) == 2


def test_the_page_shows_a_board_officer_only_the_own_board(figures, web):
    response = web(figures.alice).get(reverse("accidents:double_decline"), {"year": 2026})
    page = response.content.decode()
    assert response.status_code == 200
    assert "湖塘镇" in page and "牛塘镇" not in page
    response = web(figures.alice).get(reverse("accidents:double_decline"), {"board": figures.board_b.pk})
    assert response.status_code == 404


def test_the_page_marks_the_trends_and_the_outcome(figures, web):
    response = web(figures.dan).get(reverse("accidents:double_decline"), {"year": 2025})
    page = response.content.decode()
    assert "↑" in page and "未达成" in page and "全区" in page


def test_a_bad_year_is_explained_on_the_page(figures, web):
    response = web(figures.dan).get(reverse("accidents:double_decline"), {"year": "二〇二六"})
    assert response.status_code == 200
    assert "年度应为四位数字年份" in response.content.decode()
    response = web(figures.dan).get(reverse("accidents:double_decline"), {"year": 2999})
    assert "年度不能晚于今年" in response.content.decode()


def test_the_api_gives_the_same_figures_and_refuses_bad_years(figures, api):
    response = api(figures.dan).get("/api/v1/accidents/double-decline/", {"year": 2025})
    assert response.status_code == 200
    data = response.json()
    a = next(r for r in data["boards"] if r["board_name"] == "湖塘镇")
    assert (a["count"], a["deaths"], a["count_trend"]) == (4, 8, "up")
    assert data["total"]["board"] is None
    bad = api(figures.dan).get("/api/v1/accidents/double-decline/", {"year": "abc"})
    assert bad.status_code == 400 and "年度" in bad.json()["year"][0]
    only_a = api(figures.alice).get("/api/v1/accidents/double-decline/", {"year": 2025}).json()
    assert [r["board_name"] for r in only_a["boards"]] == ["湖塘镇"]

"""Yearly hours per officer: the sum of attended hours within the year, against the requirement of the
year (or the latest earlier one); exams passed against the pass mark; constant queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.core.testing import make_officer
from zhifa.orgs.choices import Post
from zhifa.orgs.models import Officer
from zhifa.training.hours import standard, with_hours
from zhifa.training.models import TrainingRequirement
from zhifa.training.tests.helpers import attend, make_session, require

pytestmark = pytest.mark.django_db


def hours_of(officer, year):
    return with_hours(Officer.objects.filter(pk=officer.pk), year).get()


def test_hours_add_up_attended_sessions_of_the_year_only(world):
    alice = world.alice.officer
    attend(make_session(world.board_a, date(2026, 1, 1), "4"), alice)
    attend(make_session(None, date(2026, 6, 30), "8"), alice, hours="6.5")  # part of a district session
    attend(make_session(world.board_a, date(2026, 7, 1), "3"), alice, attended=False)
    attend(make_session(world.board_a, date(2025, 12, 31), "16"), alice)
    row = hours_of(alice, 2026)
    assert row.training_hours == Decimal("10.5")
    assert row.sessions_attended == 2
    assert hours_of(alice, 2025).training_hours == Decimal("16")
    assert hours_of(world.bob.officer, 2026).training_hours == 0


def test_the_requirement_is_met_at_its_figure_and_not_below(world):
    require(2026, hours="12")
    alice, bob = world.alice.officer, world.bob.officer
    session = make_session(world.board_a, date(2026, 3, 3), "12")
    attend(session, alice)
    attend(session, bob, hours="11.5")
    rule = standard(2026)
    assert rule.met(hours_of(alice, 2026).training_hours) is True
    assert rule.met(hours_of(bob, 2026).training_hours) is False


def test_a_year_without_its_own_requirement_takes_the_latest_earlier_one():
    require(2024, hours="32")
    require(2026, hours="40")
    assert standard(2025).hours_required == Decimal("32")
    assert standard(2027).hours_required == Decimal("40")
    assert standard(2023).requirement is None and standard(2023).met(Decimal("99")) is None


def test_an_exam_passes_at_the_pass_mark_of_the_sessions_year(world):
    require(2026, mark="75")
    session = make_session(world.board_a, date(2026, 4, 1), kind="case_review")
    assert attend(session, world.alice.officer, score="75").passed is True
    assert attend(session, world.albert.officer, score="74.5").passed is False
    assert hours_of(world.alice.officer, 2026).exam_passed
    assert not hours_of(world.albert.officer, 2026).exam_passed
    # A later change of the mark does not regrade a recorded exam.
    TrainingRequirement.objects.filter(year=2026).update(exam_pass_mark=Decimal("80"))
    assert hours_of(world.alice.officer, 2026).exam_passed


def test_without_a_requirement_the_pass_mark_is_sixty(world):
    session = make_session(world.board_a, date(2026, 4, 1))
    assert attend(session, world.alice.officer, score="60").passed is True
    assert attend(session, world.albert.officer, score="59.5").passed is False


def test_the_hours_page_shows_the_own_board_and_marks_the_requirement(world, web):
    require(2026, hours="4")
    attend(make_session(world.board_a, date(2026, 2, 2), "4"), world.alice.officer)
    page = web(world.albert).get(reverse("training:hours"), {"year": 2026}).content.decode()
    assert "艾丽" in page and "鲍勃" not in page
    assert "达标" in page and "未达标" in page  # alice met it, albert did not
    bad = web(world.albert).get(reverse("training:hours"), {"year": "今年", "unit": world.board_b.pk})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "年度应为四位数字年份" in text
    assert "不在您的管辖范围内" in text


def test_the_hours_page_and_api_run_a_constant_number_of_queries(world, web, api):
    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"year": 2026}).status_code == 200
        return len(ctx.captured_queries)

    session = make_session(world.board_a, date(2026, 2, 2))
    attend(session, world.alice.officer, score=90)
    page, endpoint = (
        count(web(world.dan), reverse("training:hours")),
        count(api(world.dan), "/api/v1/trainings/hours/"),
    )
    for _ in range(8):
        officer = make_officer(world.board_a, Post.BOARD_OFFICER)
        attend(session, officer, score=50)
        attend(make_session(world.board_b, date(2026, 3, 3)), officer)
    assert count(web(world.dan), reverse("training:hours")) == page
    assert count(api(world.dan), "/api/v1/trainings/hours/") == endpoint


def test_the_hours_api_reads_the_requirement_and_refuses_a_bad_year(world, api):
    require(2026, hours="4")
    attend(make_session(world.board_a, date(2026, 2, 2), "4"), world.alice.officer, score=70)
    body = api(world.albert).get("/api/v1/trainings/hours/", {"year": 2026}).json()
    assert body["hours_required"] == "4.0"
    rows = {r["name"]: r for r in body["results"]}
    assert rows["艾丽"]["hours_met"] is True and rows["艾丽"]["exam_passed"] is True
    assert rows["艾伯特"]["hours_met"] is False
    assert "鲍勃" not in rows
    bad = api(world.albert).get("/api/v1/trainings/hours/", {"year": "20x6"})
    assert bad.status_code == 400 and "年度" in bad.json()["year"][0]
    assert api(world.albert).get("/api/v1/trainings/hours/", {"unit": world.board_b.pk}).status_code == 404

"""/api/v1/bulletins/: published bulletins for the boards, drafts for the district's roles; generate,
approve and publish with 400/403/409 where they do not apply; the live figures of a month."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.bulletins.models import Bulletin
from zhifa.bulletins.tests import helpers as h

pytestmark = pytest.mark.django_db
BASE = "/api/v1/bulletins/"


@pytest.fixture
def month(world):
    m = h.last_complete_month()
    h.inspection(world.board_a, m, expert=True)
    h.inspection(world.board_b, m + timedelta(days=1))
    return m


def test_boards_list_and_read_published_bulletins_only(world, api, month):
    draft = h.make_bulletin(month)
    published = h.make_bulletin(h.previous_month(month), "published")
    assert {b["id"] for b in api(world.dan).get(BASE).json()["results"]} == {draft.pk, published.pk}
    listed = api(world.alice).get(BASE).json()["results"]
    assert [b["id"] for b in listed] == [published.pk]
    assert listed[0]["month"] == f"{published.month:%Y-%m}" and "figures" not in listed[0]
    assert api(world.alice).get(f"{BASE}{draft.pk}/").status_code == 404
    detail = api(world.alice).get(f"{BASE}{published.pk}/").json()
    assert detail["status"] == "published" and detail["figures"]["boards"][0]["name"] == "湖塘镇"
    pdf = api(world.alice).get(f"{BASE}{published.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert api(world.alice).get(f"{BASE}{draft.pk}/pdf/").status_code == 404
    assert api(world.dan).get(f"{BASE}?status=draft").json()["count"] == 1


def test_the_list_runs_the_same_queries_for_two_or_eight_bulletins(world, api, month):
    client = api(world.dan)
    first = h.previous_month(month)
    for n in range(2):
        h.make_bulletin(first.replace(year=first.year - n), figures={})
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    for n in range(2, 8):
        h.make_bulletin(first.replace(year=first.year - n), figures={})
    with CaptureQueriesContext(connection) as many:
        assert client.get(BASE).json()["count"] == 8
    assert len(few.captured_queries) == len(many.captured_queries)


def test_generate_names_a_bad_month_and_refuses_board_users(world, api, month):
    for bad in ("2026-13", "", "2999-01"):
        response = api(world.dan).post(f"{BASE}generate/", {"month": bad}, format="json")
        assert response.status_code == 400 and "month" in response.json(), bad
    assert (
        api(world.alice).post(f"{BASE}generate/", {"month": f"{month:%Y-%m}"}, format="json").status_code
        == 403
    )
    assert not Bulletin.objects.exists()


def test_generate_then_approve_then_publish(world, api, month):
    created = api(world.bruce).post(f"{BASE}generate/", {"month": f"{month:%Y-%m}"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft" and body["generated_by"] == "bruce" and body["pdf_url"]
    pk = body["id"]
    assert api(world.dan).post(f"{BASE}{pk}/publish/").status_code == 409
    assert api(world.bruce).post(f"{BASE}{pk}/approve/").status_code == 403
    assert api(world.albert).post(f"{BASE}{pk}/approve/").status_code == 403
    approved = api(world.dan).post(f"{BASE}{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["approved_by"] == "dan"
    again = api(world.dan).post(f"{BASE}{pk}/approve/")
    assert again.status_code == 409 and "只有草稿可以审定" in again.json()["detail"]
    published = api(world.dan).post(f"{BASE}{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    refused = api(world.dan).post(f"{BASE}generate/", {"month": f"{month:%Y-%m}"}, format="json")
    assert refused.status_code == 409 and "已发布" in refused.json()["detail"]
    assert api(world.alice).get(f"{BASE}{pk}/").status_code == 200


def test_the_live_figures_of_a_month(world, api, month):
    district = api(world.dan).get(f"{BASE}figures/?month={month:%Y-%m}").json()
    assert [b["name"] for b in district["boards"]] == ["湖塘镇", "牛塘镇"]
    assert district["district"]["values"]["month"]["inspections"] == 2
    assert [r["name"] for r in district["ranking"]["rows"]]
    board = api(world.bob).get(f"{BASE}figures/?month={month:%Y-%m}").json()
    assert [b["name"] for b in board["boards"]] == ["牛塘镇"]
    assert "ranking" not in board and "highlights" not in board
    assert board["average"]["month"]["inspections"] == 1.0
    bad = api(world.bob).get(f"{BASE}figures/?month=2026-1x")
    assert bad.status_code == 400 and "month" in bad.json()
    assert api(world.eve).get(f"{BASE}figures/").status_code == 403
    assert api(None).get(f"{BASE}figures/").status_code == 401

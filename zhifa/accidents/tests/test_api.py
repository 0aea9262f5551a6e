"""The accidents API: create and update through the services (level computed, Chinese 400s), casualty
updates, jurisdiction (404 for another board's accident), constant list queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhifa.accidents import services
from zhifa.accidents.models import Accident
from zhifa.accidents.tests.helpers import at, make_accident
from zhifa.core.testing import make_enterprise

pytestmark = pytest.mark.django_db
URL = "/api/v1/accidents/"


def payload(board, **overrides):
    occurred = timezone.now() - timedelta(days=1)
    data = {
        "board": board.pk,
        "unit_name": "某某建材厂",
        "occurred_at": occurred.isoformat(),
        "reported_at": (occurred + timedelta(minutes=20)).isoformat(),
        "place": "粉磨车间",
        "category": "industry_trade",
        "deaths": 0,
        "serious_injuries": 0,
        "direct_loss": "50000000.00",
    }
    data.update(overrides)
    return data


def test_create_computes_the_level_and_reads_back_the_deadlines(world, api):
    response = api(world.alice).post(URL, payload(world.board_a), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["level"] == "major" and body["level_display"] == "重大事故"
    assert body["report_late"] is False
    assert [d["state"] for d in body["deadlines"]] == ["done", "open", "open"]


def test_a_registered_enterprise_gives_its_name_and_industry(world, api):
    enterprise = make_enterprise(world.board_a, industry="2614")
    response = api(world.alice).post(
        URL, payload(world.board_a, unit_name="", enterprise=enterprise.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["unit_name"] == enterprise.name
    assert response.json()["industry_code"] == "2614"


def test_bad_input_answers_400_in_chinese_by_field(world, api):
    response = api(world.alice).post(
        URL,
        payload(world.board_b, unit_name="", serious_injuries=1, acute_poisonings=3, industry_code="X1"),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert "管辖" in errors["board"][0]
    assert "不存在" in errors["industry_code"][0]
    response = api(world.alice).post(
        URL, payload(world.board_a, unit_name="", serious_injuries=1, acute_poisonings=3), format="json"
    )
    errors = response.json()
    assert response.status_code == 400
    assert "事故单位名称" in errors["unit_name"][0]
    assert "重伤" in errors["acute_poisonings"][0]
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    errors = api(world.alice).post(URL, payload(world.board_a, reported_at=tomorrow), format="json").json()
    assert "不能晚于当前时间" in errors["reported_at"][0]
    assert not Accident.objects.exists()


def test_another_boards_accident_is_not_found(world, api):
    theirs = make_accident(world.board_b)
    assert api(world.alice).get(f"{URL}{theirs.pk}/").status_code == 404
    assert api(world.alice).patch(f"{URL}{theirs.pk}/", {"place": "x"}, format="json").status_code == 404
    assert api(world.alice).get(URL).json()["count"] == 0
    assert api(world.bob).get(URL).json()["count"] == 1


def test_casualty_updates_set_the_figures_and_direct_edits_are_refused_after_one(world, api):
    accident = make_accident(world.board_a, at(2026, 3, 2, 8), deaths=1)
    response = api(world.alice).post(
        f"{URL}{accident.pk}/casualty-updates/",
        {"at": at(2026, 4, 2, 9).isoformat(), "deaths": 3, "serious_injuries": 2},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["deaths"], body["level"]) == (3, "larger")
    assert body["casualty_updates"][0]["late"] is True  # day 31
    refused = api(world.alice).patch(f"{URL}{accident.pk}/", {"deaths": 0}, format="json")
    assert refused.status_code == 400 and "补报" in refused.json()["deaths"][0]
    same = api(world.alice).patch(f"{URL}{accident.pk}/", {"deaths": 3, "place": "料场"}, format="json")
    assert same.status_code == 200 and same.json()["place"] == "料场"
    early = api(world.alice).post(
        f"{URL}{accident.pk}/casualty-updates/",
        {"at": at(2026, 3, 1).isoformat(), "deaths": 1, "serious_injuries": 0},
        format="json",
    )
    assert early.status_code == 400 and "早于事故发生时间" in early.json()["at"][0]


def test_the_list_runs_a_constant_number_of_queries(world, api):
    client = api(world.dan)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    first = make_accident(world.board_a)
    services.add_casualty_update(first, at=timezone.now(), deaths=1, serious_injuries=0)
    count()  # the first request reads the calendar once for the process (kept for a minute)
    few = count()
    for n in range(10):
        accident = make_accident(world.board_b if n % 2 else world.board_a)
        services.add_casualty_update(accident, at=timezone.now(), deaths=n, serious_injuries=0)
    assert count() == few


def test_the_investigation_case_is_linked_and_read_only(world, api, web):
    from zhifa.cases.choices import PartyKind, SourceKind
    from zhifa.cases.models import Case

    case = Case.objects.create(
        board=world.board_a,
        agency=world.district,
        source_kind=SourceKind.INSPECTION,
        party_kind=PartyKind.UNIT,
        party_name="某某机械制造有限公司",
        cause="未采取措施消除事故隐患导致生产安全事故",
        created_by=world.alice,
    )
    accident = make_accident(world.board_a, investigation_case=case)
    body = api(world.alice).get(f"{URL}{accident.pk}/").json()
    assert body["investigation_case"] == case.pk
    api(world.alice).patch(f"{URL}{accident.pk}/", {"investigation_case": None}, format="json")
    accident.refresh_from_db()
    assert accident.investigation_case == case
    page = web(world.alice).get(accident.get_absolute_url()).content.decode()
    assert f"/cases/{case.pk}/" in page

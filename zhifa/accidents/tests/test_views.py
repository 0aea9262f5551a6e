"""Accident pages: filters, jurisdiction (another board's accident is not found), create and edit through
the form with Chinese errors, casualty updates, deadlines on the detail page, constant list queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhifa.accidents import services
from zhifa.accidents.models import Accident
from zhifa.accidents.tests.helpers import at, make_accident
from zhifa.core.testing import make_enterprise

pytestmark = pytest.mark.django_db


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def form_data(board, **overrides):
    occurred = timezone.now() - timedelta(days=2)
    data = {
        "board": board.pk,
        "unit_name": "某某彩印厂",
        "occurred_at": local(occurred),
        "reported_at": local(occurred + timedelta(minutes=30)),
        "place": "印刷车间",
        "category": "industry_trade",
        "deaths": 1,
        "serious_injuries": 0,
        "acute_poisonings": 0,
        "missing": 0,
        "direct_loss": "1200000",
        "cause": "违章操作",
        "summary": "",
    }
    data.update(overrides)
    return data


def test_the_list_filters_by_board_year_level_and_category(world, web):
    make_accident(world.board_a, at(2025, 5, 1), unit_name="甲厂", deaths=3)
    make_accident(world.board_a, at(2026, 5, 1), unit_name="乙厂", category="chemical")
    make_accident(world.board_b, at(2026, 5, 2), unit_name="丙厂")
    url = reverse("accidents:accident_list")
    client = web(world.dan)

    def names(**params):
        page = client.get(url, params).content.decode()
        return {n for n in ("甲厂", "乙厂", "丙厂") if n in page}

    assert names() == {"甲厂", "乙厂", "丙厂"}
    assert names(board=world.board_b.pk) == {"丙厂"}
    assert names(year=2025) == {"甲厂"}
    assert names(level="larger") == {"甲厂"}
    assert names(category="chemical") == {"乙厂"}


def test_a_board_sees_only_its_accidents_and_another_boards_answer_404(world, web):
    mine = make_accident(world.board_a, unit_name="湖塘某厂")
    theirs = make_accident(world.board_b, unit_name="牛塘某厂")
    page = web(world.alice).get(reverse("accidents:accident_list")).content.decode()
    assert "湖塘某厂" in page and "牛塘某厂" not in page
    assert web(world.alice).get(reverse("accidents:accident_detail", args=[theirs.pk])).status_code == 404
    assert web(world.alice).get(reverse("accidents:accident_edit", args=[theirs.pk])).status_code == 404
    assert web(world.bob).get(reverse("accidents:casualty_update", args=[mine.pk])).status_code == 404
    assert web(world.dan).get(reverse("accidents:accident_detail", args=[theirs.pk])).status_code == 200


def test_a_safety_manager_reads_but_does_not_record(world, web):
    accident = make_accident(world.board_a)
    assert web(world.amy).get(reverse("accidents:accident_detail", args=[accident.pk])).status_code == 200
    assert web(world.amy).get(reverse("accidents:accident_add")).status_code == 403
    assert web(world.amy).get(reverse("accidents:casualty_update", args=[accident.pk])).status_code == 403


def test_an_officer_records_an_accident_and_its_level_is_computed(world, web):
    response = web(world.alice).post(
        reverse("accidents:accident_add"), form_data(world.board_a, serious_injuries=12, direct_loss="100")
    )
    assert response.status_code == 302
    accident = Accident.objects.get()
    assert accident.level == "larger" and accident.board == world.board_a
    assert response["Location"] == accident.get_absolute_url()


def test_a_registered_enterprise_is_named_by_its_credit_code(world, web):
    enterprise = make_enterprise(world.board_a, industry="2614")
    response = web(world.alice).post(
        reverse("accidents:accident_add"),
        form_data(world.board_a, unit_name="", enterprise_uscc=enterprise.uscc.lower()),
    )
    assert response.status_code == 302
    accident = Accident.objects.get()
    assert accident.enterprise == enterprise
    assert accident.unit_name == enterprise.name and accident.industry_id == "2614"
    other = make_enterprise(world.board_b)
    response = web(world.alice).post(
        reverse("accidents:accident_add"), form_data(world.board_a, enterprise_uscc=other.uscc)
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()


def test_bad_input_is_explained_field_by_field(world, web):
    occurred = timezone.now() - timedelta(days=1)
    response = web(world.alice).post(
        reverse("accidents:accident_add"),
        form_data(
            world.board_b,
            unit_name="",
            reported_at=local(occurred - timedelta(hours=2)),
            occurred_at=local(occurred),
            serious_injuries=1,
            acute_poisonings=2,
            industry="9999",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "所选项不存在或不在您的管辖范围内" in page  # board B is not alice's
    assert "国民经济行业代码 9999 不存在" in page
    assert not Accident.objects.exists()
    response = web(world.alice).post(
        reverse("accidents:accident_add"),
        form_data(
            world.board_a,
            unit_name="",
            reported_at=local(occurred - timedelta(hours=2)),
            occurred_at=local(occurred),
            serious_injuries=1,
            acute_poisonings=2,
        ),
    )
    page = response.content.decode()
    assert "应填写事故单位名称" in page
    assert "单位报告时间不能早于事故发生时间" in page
    assert "不能多于重伤人数" in page
    assert not Accident.objects.exists()


def test_after_a_casualty_update_the_edit_form_leaves_the_figures_to_updates(world, web):
    accident = make_accident(world.board_a, timezone.now() - timedelta(days=3), deaths=1)
    services.add_casualty_update(accident, at=timezone.now(), deaths=2, serious_injuries=0)
    data = form_data(world.board_a, deaths=9, place="仓库")
    data["occurred_at"] = local(accident.occurred_at)
    data["reported_at"] = local(accident.reported_at)
    response = web(world.alice).post(reverse("accidents:accident_edit", args=[accident.pk]), data)
    assert response.status_code == 302
    accident.refresh_from_db()
    assert accident.place == "仓库" and accident.deaths == 2


def test_a_casualty_update_through_the_page_sets_the_figures(world, web):
    accident = make_accident(world.board_a, timezone.now() - timedelta(days=3), deaths=2)
    url = reverse("accidents:casualty_update", args=[accident.pk])
    assert web(world.alice).get(url).status_code == 200
    response = web(world.alice).post(
        url,
        {
            "at": local(timezone.now()),
            "deaths": 3,
            "serious_injuries": 1,
            "acute_poisonings": 0,
            "missing": 0,
        },
    )
    assert response.status_code == 302
    accident.refresh_from_db()
    assert (accident.deaths, accident.level) == (3, "larger")
    bad = web(world.alice).post(url, {"at": "明天", "deaths": -1, "serious_injuries": 0})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_the_detail_page_shows_deadlines_and_late_updates(world, web):
    accident = make_accident(
        world.board_a, at(2026, 3, 2, 8), reported_at=at(2026, 3, 2, 10), is_fire_or_road=True, deaths=1
    )
    services.add_casualty_update(accident, at=at(2026, 3, 20), deaths=2, serious_injuries=0)
    page = web(world.alice).get(reverse("accidents:accident_detail", args=[accident.pk])).content.decode()
    assert "迟报" in page  # reported two hours after
    assert "伤亡人数变化 7 日内补报" in page and "逾期补报" in page
    assert "调查报告 60 日内提交" in page


def test_the_list_runs_a_constant_number_of_queries(world, web):
    client = web(world.alice)
    url = reverse("accidents:accident_list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        make_accident(world.board_a)
    few = count()
    for _ in range(12):
        make_accident(world.board_a, enterprise=make_enterprise(world.board_a))
    assert count() == few

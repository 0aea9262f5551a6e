"""The dashboards: the district leader's (boards ranked, trends, overdue work, accidents), a board's (its
figures beside the boards' average), the home page's panel; every figure links to the list behind it,
and that list shows exactly what the figure counts."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from zhifa.bulletins.tests import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_month(world):
    """Work of boards A and B this month (dated today or earlier), one overdue hazard and deadline in A."""
    today = timezone.localdate()
    first = today.replace(day=1)
    a1 = h.inspection(world.board_a, first, expert=True)
    h.inspection(world.board_a, today, cross=True)
    h.inspection(world.board_b, first)
    h.hazard(a1, level="major", deadline=today - timedelta(days=1))
    h.hazard(a1)
    case = h.case(world, world.board_a, registered=first)
    from zhifa.cases.models import CaseDeadline

    CaseDeadline.objects.create(
        case=case, rule_code="decision", label="作出处罚决定", start=first, due_on=today - timedelta(days=2)
    )
    h.accident(world.board_b, first, deaths=1)
    return first


def links(page: str) -> dict[str, str]:
    """Card label → its link, from the cards of a dashboard."""
    found = {}
    for href, label in re.findall(
        r'<a href="([^"]+)" title="[^"]*"><span class="figure">[^<]*</span>([^<]+)', page
    ):
        found[label.strip()] = unescape(href)
    return found


def test_the_district_leader_sees_the_ranking_trends_overdue_work_and_accidents(world, web, this_month):
    page = web(world.dan).get(reverse("bulletins:dashboard")).content.decode()
    assert "板块排名（实时）" in page and "湖塘镇" in page and "牛塘镇" in page
    assert 'data-chart="ranking"' in page and 'data-chart="trend"' in page
    assert "<svg" in page and "<title>" in page  # server-drawn, with hover titles
    assert 'id="bulletin-chart-data"' in page and "vendor/chart.umd.min.js" in page
    overdue = page.split("逾期与待办")[1].split("</table>")[0]
    hazard_link = reverse("inspections:hazard_list") + f"?board={world.board_a.pk}&amp;overdue=true"
    deadline_link = reverse("cases:deadline_list") + f"?board={world.board_a.pk}&amp;overdue=true"
    assert hazard_link in overdue and deadline_link in overdue
    accidents = page.split("生产安全事故（本年累计与去年同期）")[1].split("</table>")[0]
    assert reverse("accidents:accident_list") + f"?board={world.board_b.pk}" in accidents


def test_a_board_sees_its_own_figures_beside_the_boards_average(world, web, this_month):
    page = web(world.alice).get(reverse("bulletins:dashboard")).content.decode()
    assert "湖塘镇 · 本月（与各板块平均比较）" in page
    assert "牛塘镇" not in page
    assert "各板块平均" in page and "板块排名（实时）" not in page
    cards = links(page)
    assert f"board={world.board_a.pk}" in cards["现场检查"]


def test_each_card_opens_the_list_of_exactly_what_it_counts(world, web, this_month):
    client = web(world.alice)
    cards = links(client.get(reverse("bulletins:dashboard")).content.decode())
    figures = client.get(reverse("bulletins:dashboard")).context["boards"][0]["cards"]
    value = {c["label"]: c["value"] for c in figures}
    for label in ("现场检查", "其中“2+1”检查", "发现隐患", "其中重大隐患", "立案"):
        listed = client.get(cards[label]).context["table"].paginator.count
        assert str(listed) == value[label], label
    assert value["其中“2+1”检查"] == "1" and value["发现隐患"] == "2"


def test_the_new_list_filters_select_what_the_bulletin_counts(world, web, this_month):
    client = web(world.dan)
    inspections = reverse("inspections:inspection_list")
    assert client.get(inspections + "?two_plus_one=true").context["table"].paginator.count == 1
    assert client.get(inspections + "?two_plus_one=false").context["table"].paginator.count == 2
    assert client.get(inspections + "?cross=true").context["table"].paginator.count == 1
    first = this_month.isoformat()
    hazards = reverse("inspections:hazard_list") + f"?found_from={first}&level=major"
    assert client.get(hazards).context["table"].paginator.count == 1
    cases = reverse("cases:case_list")
    assert client.get(cases + f"?registered_from={first}").context["table"].paginator.count == 1
    assert client.get(cases + f"?decided_from={first}").context["table"].paginator.count == 0


def test_the_home_page_carries_the_bulletin_panel(world, web, this_month):
    district = web(world.dan).get("/").content.decode()
    assert "执法通报" in district and "实时排名前列" in district
    assert reverse("bulletins:dashboard") in district
    board = web(world.alice).get("/").content.decode()
    assert "执法通报" in board and "各板块平均" in board and "实时排名前列" not in board
    published = h.make_bulletin(h.last_complete_month(), "published")
    h.make_bulletin(this_month, "draft", figures={"month": "x"})
    board = web(world.alice).get("/").content.decode()
    assert published.get_absolute_url() in board
    assert "执法通报" not in web(world.sam).get("/").content.decode()

"""Bulletin pages: the list and a bulletin as each role sees them, approving and publishing from the page,
the PDF and the workbook, generating a month, the live figures and the weighting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.bulletins.models import Bulletin
from zhifa.bulletins.tests import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(world):
    m = h.last_complete_month()
    h.inspection(world.board_a, m, expert=True)
    h.inspection(world.board_a, m + timedelta(days=1))
    h.inspection(world.board_b, m + timedelta(days=2))
    return m


def test_board_users_list_published_bulletins_only(world, web, month):
    draft = h.make_bulletin(month)
    published = h.make_bulletin(h.previous_month(month), "published")
    url = reverse("bulletins:bulletin_list")
    district = web(world.dan).get(url).content.decode()
    assert str(draft) in district and str(published) in district
    assert reverse("bulletins:bulletin_generate") in district
    board = web(world.alice).get(url).content.decode()
    assert str(published) in board and str(draft) not in board
    assert reverse("bulletins:bulletin_generate") not in board
    assert web(world.alice).get(draft.get_absolute_url()).status_code == 404
    assert web(world.alice).get(reverse("bulletins:bulletin_pdf", args=[draft.pk])).status_code == 404
    assert web(world.alice).get(published.get_absolute_url()).status_code == 200


def test_the_list_runs_the_same_queries_for_two_or_eight_bulletins(world, web, month):
    client = web(world.dan)
    figures = {"month": "x"}  # the list never reads the snapshot
    first = h.previous_month(month)
    for n in range(2):
        h.make_bulletin(first.replace(year=first.year - n), figures=figures)
    client.get(reverse("bulletins:bulletin_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("bulletins:bulletin_list"))
    for n in range(2, 8):
        h.make_bulletin(first.replace(year=first.year - n), figures=figures)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("bulletins:bulletin_list"))
    assert "共 8 条" in page.content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_district_leader_approves_and_publishes_from_the_page(world, web, month):
    draft = h.make_bulletin(month)
    page = web(world.dan).get(draft.get_absolute_url()).content.decode()
    assert reverse("bulletins:bulletin_approve", args=[draft.pk]) in page
    assert reverse("bulletins:bulletin_publish", args=[draft.pk]) not in page
    assert "湖塘镇" in page and "牛塘镇" in page and "综合排名" in page
    # A brigade officer generates but does not approve: no button, and the POST is refused
    assert (
        reverse("bulletins:bulletin_approve", args=[draft.pk])
        not in web(world.bruce).get(draft.get_absolute_url()).content.decode()
    )
    assert web(world.bruce).post(reverse("bulletins:bulletin_approve", args=[draft.pk])).status_code == 403
    response = web(world.dan).post(reverse("bulletins:bulletin_approve", args=[draft.pk]))
    assert response.status_code == 302 and Bulletin.objects.get(pk=draft.pk).status == "approved"
    response = web(world.dan).post(reverse("bulletins:bulletin_publish", args=[draft.pk]), follow=True)
    assert Bulletin.objects.get(pk=draft.pk).status == "published"
    assert "已发布" in response.content.decode()


def test_publishing_a_draft_from_the_page_is_refused_with_the_reason(world, web, month):
    draft = h.make_bulletin(month)
    response = web(world.dan).post(reverse("bulletins:bulletin_publish", args=[draft.pk]), follow=True)
    assert "只有已审定的通报可以发布" in response.content.decode()
    assert Bulletin.objects.get(pk=draft.pk).status == "draft"


def test_the_pdf_and_the_workbook_download(world, web, month):
    published = h.make_bulletin(month, "published")
    pdf = web(world.alice).get(reverse("bulletins:bulletin_pdf", args=[published.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = web(world.alice).get(reverse("bulletins:bulletin_xlsx", args=[published.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_generating_names_a_bad_month_and_a_board_user_may_not(world, web, month):
    url = reverse("bulletins:bulletin_generate")
    assert web(world.bruce).get(url).status_code == 200
    page = web(world.bruce).post(url, {"month": "2026-13"}).content.decode()
    assert "月份" in page and "YYYY-MM" in page
    future = web(world.bruce).post(url, {"month": "2999-01"}).content.decode()
    assert "月份不能晚于本月" in future
    assert not Bulletin.objects.exists()
    assert web(world.alice).post(url, {"month": f"{month:%Y-%m}"}).status_code == 403


def test_the_live_figures_show_a_board_its_own_row_and_the_district_everything(world, web, month):
    url = reverse("bulletins:figures") + f"?month={month:%Y-%m}"
    district = web(world.dan).get(url).content.decode()
    assert "湖塘镇" in district and "牛塘镇" in district and "综合排名" in district
    board = web(world.alice).get(url).content.decode()
    assert "湖塘镇" in board and "牛塘镇" not in board and "综合排名" not in board
    assert "全区合计" in board
    bad = web(world.alice).get(reverse("bulletins:figures") + "?month=13-2026")
    assert bad.status_code == 200 and "月份：" in bad.content.decode()
    sheet = web(world.alice).get(url + "&format=xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"


def test_the_weighting_page_lists_every_indicator_with_its_direction(world, web):
    page = web(world.alice).get(reverse("bulletins:weights")).content.decode()
    assert "执法工作月度排名权重（示例）" in page and "现行" in page and "示例值" in page
    assert "逾期未整改隐患数" in page and "越低越好" in page
    assert web(world.sam).get(reverse("bulletins:weights")).status_code == 200
    assert web(world.eve).get(reverse("bulletins:weights")).status_code == 403

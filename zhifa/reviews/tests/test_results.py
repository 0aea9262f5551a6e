"""Round results: per board average, ranking and vetoes; a contest's prizes by total; the Excel export;
and ``average_scores`` as the monthly bulletin reads it."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhifa.reviews import services
from zhifa.reviews.choices import RoundKind
from zhifa.reviews.tests.helpers import (
    closed_case,
    closed_case_b,
    full_marks,
    scoring_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(world, fast_render):
    """A contest drawing every file (two of board A, two of board B), all reviewed by bruce."""
    cases = [closed_case(world), closed_case(world), closed_case_b(world), closed_case_b(world)]
    round_ = scoring_round(
        world,
        cases,
        pool=[world.bruce],
        kind=RoundKind.CONTEST,
        first_prizes=1,
        second_prizes=1,
        third_prizes=1,
    )
    return round_


def score(round_, board, user, totals):
    """Score the board's files in drawing order: a total below 100 takes the difference off 调查取证
    (20) then 事实认定与法律适用 (15); "veto" ticks 证据."""
    files = round_.assignments.filter(board=board).order_by("position")
    for assignment, total in zip(files, totals, strict=True):
        if total == "veto":
            entries = full_marks(round_)
            entries["v_evidence"] = services.Entry(veto=True, note="主要证据不足")
        else:
            missing = Decimal(100) - Decimal(total)
            first = min(missing, Decimal(20))
            entries = full_marks(round_, c_investigation=20 - first, c_facts_law=15 - (missing - first))
        services.submit_score(assignment, user=user, entries=entries)


def test_results_rank_boards_by_average_and_count_vetoes(world, contest):
    score(contest, world.board_a, world.bruce, ["90", "80"])
    score(contest, world.board_b, world.bruce, ["95", "veto"])

    rows = services.results(contest)

    assert [(r.board, r.average, r.rank, r.vetoes, r.passed) for r in rows] == [
        (world.board_a, Decimal("85.00"), 1, 0, 2),
        (world.board_b, Decimal("47.50"), 2, 1, 1),
    ]
    # a contest's prizes go to the passed files by total
    prizes = [(a.label, a.assignment.total) for a in services.awards(contest)]
    assert prizes == [("一等奖", Decimal("95.0")), ("二等奖", Decimal("90.0")), ("三等奖", Decimal("80.0"))]


def test_equal_averages_share_a_rank(world, contest):
    score(contest, world.board_a, world.bruce, ["90", "80"])
    score(contest, world.board_b, world.bruce, ["85", "85"])
    assert [r.rank for r in services.results(contest)] == [1, 1]


def test_average_scores_reads_the_files_of_rounds_finished_in_the_period(world, contest):
    a, b = world.board_a.pk, world.board_b.pk
    score(contest, world.board_a, world.bruce, ["90", "81"])
    score(contest, world.board_b, world.bruce, ["70", "veto"])
    today = timezone.localdate()
    assert services.average_scores([a, b], today - timedelta(days=31), today) == {}  # not finished yet

    services.finish(contest, user=world.dan)

    assert services.average_scores([a, b], today.replace(day=1), today) == {
        a: Decimal("85.50"),
        b: Decimal("35.00"),
    }
    assert services.average_scores([a], today - timedelta(days=1), today + timedelta(days=1)) == {
        a: Decimal("85.50")
    }
    assert services.average_scores([a, b], today + timedelta(days=1), today + timedelta(days=30)) == {}


def test_the_round_page_and_excel_show_the_ranking_and_prizes(world, web, contest):
    score(contest, world.board_a, world.bruce, ["90", "80"])
    score(contest, world.board_b, world.bruce, ["95", "veto"])
    services.finish(contest, user=world.dan)

    page = web(world.dan).get(reverse("reviews:round_detail", args=[contest.pk])).content.decode()
    assert "一等奖" in page and "85.00" in page and "否决，不合格" in page

    response = web(world.dan).get(reverse("reviews:round_export", args=[contest.pk]))
    assert response.status_code == 200
    workbook = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert workbook.sheetnames == ["评查案卷", "板块排名", "获奖案卷"]
    ranking = list(workbook["板块排名"].iter_rows(values_only=True))
    assert ranking[1][:2] == (1, "湖塘镇") and ranking[1][4] == 85.0 and ranking[2][5] == 1
    assert [row[0] for row in list(workbook["获奖案卷"].iter_rows(values_only=True))[1:]] == [
        "一等奖",
        "二等奖",
        "三等奖",
    ]


def test_a_round_ends_only_when_every_file_is_scored(world, contest):
    score(contest, world.board_a, world.bruce, ["90", "80"])
    with pytest.raises(services.ReviewError) as refused:
        services.finish(contest, user=world.dan)
    assert "还有 2 份案卷未评分" in refused.value.messages[0]

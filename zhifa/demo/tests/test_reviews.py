"""The demo's case-file reviews on the small test district: rounds drawn from the generated history's
closed cases through the review services, scored around realistic values, verifiable, deterministic,
idempotent; and nothing kept where there is nothing to draw."""

from __future__ import annotations

import random
import time as clock
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from zhifa.core.roles import Role
from zhifa.core.testing import make_enterprise, make_officer, make_user
from zhifa.demo.history import generate_history
from zhifa.demo.reviews import generate_reviews, plans
from zhifa.orgs.choices import Post
from zhifa.orgs.models import Certificate
from zhifa.reviews import services
from zhifa.reviews.choices import RoundKind, RoundStatus
from zhifa.reviews.models import ReviewAssignment, ReviewRound, ScoreSheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(world):
    """Two years of generated history in both boards, and the demo's organiser account ``leader``."""
    today = timezone.localdate()
    for n in range(12):
        make_enterprise(world.board_a, name=f"评查测试甲{n}有限公司")
        make_enterprise(world.board_b, name=f"评查测试乙{n}有限公司")
    make_officer(world.board_b, Post.BOARD_LEADER, valid_from=today - timedelta(days=365 * 4))
    Certificate.objects.update(valid_from=today - timedelta(days=365 * 4))
    generate_history(random.Random("reviews"), today=today)
    make_user("leader", Role.DISTRICT_LEADER, officer=make_officer(world.district, Post.BUREAU_LEADER))
    return world


def totals() -> list:
    return list(ReviewAssignment.objects.order_by("round__name", "position").values_list("case", "total"))


def test_finished_rounds_and_one_being_scored_drawn_from_the_history(district):
    today = timezone.localdate()
    started = clock.monotonic()
    counts = generate_reviews(random.Random("t"), today=today)
    assert clock.monotonic() - started < 20
    finished = ReviewRound.objects.filter(status=RoundStatus.FINISHED)
    assert set(finished.values_list("kind", flat=True)) == {RoundKind.REVIEW, RoundKind.CONTEST}
    assert counts.finished == 2 and counts.scored > 0 and "案卷评查 3 轮" in counts.summary()
    boards = [district.board_a.pk, district.board_b.pk]
    for round_ in finished:
        assert services.verify_round(round_).ok
        assert round_.period_end < round_.finished_on < today
        table = services.results(round_)  # a board without a closed file in the period has no row
        assert table and {row.board.pk for row in table} <= set(boards)
        assert all(row.average is not None and row.rank for row in table)
        assert services.average_scores(boards, round_.finished_on, round_.finished_on)
        # Each file scored by someone outside its board and the case, on the sheet's own day.
        for assignment in round_.assignments.select_related("reviewer"):
            assert assignment.reviewer.region_id != assignment.board_id
            assert not assignment.case.case_officers.filter(officer=assignment.reviewer.officer_id).exists()
    contest = finished.get(kind=RoundKind.CONTEST)
    assert services.awards(contest)[0].award == "first"
    scoring = ReviewRound.objects.get(status=RoundStatus.SCORING)
    assert scoring.assignments.exists() and scoring.finished_on is None
    midnight = timezone.make_aware(datetime.combine(today, time()))
    assert not ScoreSheet.objects.filter(created_at__gte=midnight).exists()
    for sheet in ScoreSheet.objects.all():
        assert sheet.total == (0 if sheet.vetoed else sheet.points) and 0 <= sheet.points <= 100
    # Deterministic for the generator; a second run adds nothing.
    first = totals()
    again = generate_reviews(random.Random("t"), today=today)
    assert again.existing and "已存在" in again.summary() and totals() == first


def test_the_same_generator_draws_the_same_files_and_scores(district):
    from django.db import transaction

    today = timezone.localdate()
    with transaction.atomic():
        generate_reviews(random.Random("same"), today=today)
        first = totals()
        transaction.set_rollback(True)
    generate_reviews(random.Random("same"), today=today)
    assert totals() == first and first


def test_nothing_is_kept_without_closed_cases_or_an_organiser(world):
    counts = generate_reviews(random.Random("t"))
    assert "没有可组织评查的演示账号" in counts.summary() and not ReviewRound.objects.exists()
    make_user("leader", Role.DISTRICT_LEADER)
    counts = generate_reviews(random.Random("t"))
    assert not ReviewRound.objects.exists() and counts.rounds == []
    assert len(counts.left_out) == 3 and "没有已结案的案件" in counts.summary()


@pytest.mark.parametrize(
    "today", [date(2027, 1, 1), date(2027, 1, 2), date(2026, 4, 3), date(2026, 7, 20), date(2026, 11, 29)]
)
def test_each_round_is_drawn_after_its_period_and_ends_before_the_day_of_the_run(today):
    quarter, contest, month = plans(today)
    for plan in (quarter, contest, month):
        assert plan.start <= plan.end < plan.draw < today
        assert plan.finish is None or plan.draw <= plan.finish < today
    assert quarter.start.day == 1 and quarter.start.month in (1, 4, 7, 10)
    assert (quarter.end - quarter.start).days in range(89, 92) and (today - quarter.end).days < 100
    assert (contest.start, contest.end) == (date(contest.end.year, 1, 1), date(contest.end.year, 12, 31))
    assert month.finish is None and month.start.day == 1 and (month.end + timedelta(days=1)).day == 1

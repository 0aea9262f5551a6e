"""Lists run a constant number of queries, whatever the number of rounds or files."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhifa.cases.choices import CaseStatus, PartyKind, SourceKind
from zhifa.cases.models import Case
from zhifa.reviews.choices import AssignmentStatus, RoundStatus
from zhifa.reviews.models import ReviewAssignment, ReviewRound
from zhifa.reviews.tests.helpers import rubric

pytestmark = pytest.mark.django_db


def add_rounds(world, n: int, files_each: int = 2):
    """Rounds in scoring with files of both boards for bob and bruce (stored directly: the draw is tested
    in test_sampling)."""
    today = timezone.localdate()
    for i in range(n):
        round_ = ReviewRound.objects.create(
            name=f"评查{ReviewRound.objects.count() + 1}",
            period_start=today,
            period_end=today,
            rubric=rubric(),
            organiser=world.dan,
            status=RoundStatus.FINISHED if i % 2 else RoundStatus.SCORING,
        )
        for position in range(files_each):
            board = world.board_a if position % 2 == 0 else world.board_b
            case = Case.objects.create(
                board=board,
                agency=world.district,
                status=CaseStatus.CLOSED,
                closed_on=today,
                source_kind=SourceKind.INSPECTION,
                party_kind=PartyKind.UNIT,
                party_name=f"某某有限公司{i}-{position}",
                cause="未按规定对从业人员进行安全生产教育和培训",
                created_by=world.alice,
            )
            ReviewAssignment.objects.create(
                round=round_,
                position=position,
                case=case,
                board=board,
                reviewer=world.bob if board == world.board_a else world.bruce,
                status=AssignmentStatus.SUBMITTED if i % 2 else AssignmentStatus.PENDING,
                total=80 if i % 2 else None,
                passed=True if i % 2 else None,
            )


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "persona, name",
    [
        ("dan", "reviews:round_list"),
        ("bob", "reviews:assignment_list"),
        ("sam", "reviews:rubric_list"),
    ],
)
def test_pages_list_in_constant_queries(world, web, persona, name):
    add_rounds(world, 2)
    client = web(getattr(world, persona))
    few = count(client, reverse(name))
    add_rounds(world, 6)
    assert count(client, reverse(name)) == few


@pytest.mark.parametrize(
    "persona, name",
    [
        ("dan", "reviewround-list"),
        ("albert", "reviewround-list"),
        ("bob", "reviewassignment-list"),
    ],
)
def test_api_lists_in_constant_queries(world, api, persona, name):
    add_rounds(world, 2)
    client = api(getattr(world, persona))
    few = count(client, reverse(name))
    add_rounds(world, 6)
    assert count(client, reverse(name)) == few
    assert client.get(reverse(name)).json()["count"] > 2


def test_the_round_page_reads_its_files_in_constant_queries(world, web):
    add_rounds(world, 1, files_each=2)
    round_ = ReviewRound.objects.get()
    client = web(world.dan)
    few = count(client, reverse("reviews:round_detail", args=[round_.pk]))
    add_rounds(world, 1, files_each=12)
    many = ReviewRound.objects.order_by("-pk").first()
    assert count(client, reverse("reviews:round_detail", args=[many.pk])) == few

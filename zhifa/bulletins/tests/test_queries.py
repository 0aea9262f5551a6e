"""The figures cost the same number of queries whatever the number of records: grouped aggregates, no row
loaded into Python."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.bulletins import figures as F
from zhifa.bulletins.tests import helpers as h

pytestmark = pytest.mark.django_db


def add_records(world, month, n: int) -> None:
    """``n`` of each kind of record, spread over both boards and the month, the month before and last year."""
    days = [month, h.previous_month(month), month.replace(year=month.year - 1)]
    for k in range(n):
        board = world.board_a if k % 2 else world.board_b
        day = days[k % 3] + timedelta(days=k % 20)
        inspection = h.inspection(board, day, expert=k % 4 == 0, cross=k % 5 == 0)
        h.hazard(inspection, level="major" if k % 3 else "general", deadline=day + timedelta(days=3))
        case = h.case(world, board, registered=day, decided=day + timedelta(days=5), fine="1000")
        h.review(world, case, decided=day + timedelta(days=3), outcome="approve" if k % 2 else "supplement")
        h.payment(world, case, "1000", day + timedelta(days=7))
        h.accident(board, day, deaths=k % 2)
        h.training(board, world.alice.officer if k % 2 else world.bob.officer, day)


def queries(month) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        figures = F.compute(month)
    return len(captured.captured_queries), figures


def test_five_or_fifty_records_of_each_kind_cost_the_same_queries(world):
    month = h.last_complete_month()
    add_records(world, month, 5)
    few, small = queries(month)
    add_records(world, month, 45)
    many, large = queries(month)
    assert few == many
    # …and the figures did grow with the records (the query count is not constant by counting nothing)
    assert (
        large["district"]["values"]["month"]["inspections"]
        > small["district"]["values"]["month"]["inspections"]
    )
    assert (
        large["district"]["values"]["last_year"]["cases_decided"]
        > small["district"]["values"]["last_year"]["cases_decided"]
    )

"""The ranking follows the weighting in force: min–max normalisation, the direction of each indicator,
missing figures neither helping nor hurting, ties sharing a rank, and a new version changing the order."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from zhifa.bulletins import figures as F
from zhifa.bulletins.models import RankingWeight, RankingWeights
from zhifa.bulletins.ranking import highlights, normalise, rank
from zhifa.bulletins.tests import helpers as h


def row(pk, name, **values):
    return {"id": pk, "name": name, "values": {"month": values}}


def weights(*items):
    return {
        "id": 1,
        "name": "测试权重",
        "effective_from": "2020-01-01",
        "items": [
            {"code": c, "label": c, "weight": w, "direction": d, "description": ""} for c, w, d in items
        ],
    }


def test_normalising_maps_the_best_to_one_and_the_worst_to_zero_in_either_direction():
    assert normalise({1: 10, 2: 20, 3: 15}, "higher") == {1: 0.0, 2: 1.0, 3: 0.5}
    assert normalise({1: 10, 2: 20, 3: 15}, "lower") == {1: 1.0, 2: 0.0, 3: 0.5}
    assert normalise({1: 4, 2: 4}, "higher") == {1: 1.0, 2: 1.0}  # all equal: nobody behind
    assert normalise({}, "higher") == {}


def test_the_score_is_the_weighted_sum_out_of_a_hundred():
    rows = [
        row(1, "甲", inspections=10, hazards_overdue=0),
        row(2, "乙", inspections=30, hazards_overdue=4),
        row(3, "丙", inspections=20, hazards_overdue=2),
    ]
    result = rank(
        rows, weights(("inspections", 60, "higher"), ("hazards_overdue", 40, "lower")), period="month"
    )
    scores = {r["name"]: r["score"] for r in result["rows"]}
    # 甲: 60·0 + 40·1 = 40; 乙: 60·1 + 40·0 = 60; 丙: 60·0.5 + 40·0.5 = 50
    assert scores == {"乙": 60.0, "丙": 50.0, "甲": 40.0}
    assert [r["rank"] for r in result["rows"]] == [1, 2, 3]
    assert result["rows"][0]["parts"]["inspections"] == {"value": 30.0, "normalised": 1.0}


def test_the_order_follows_the_weights():
    rows = [row(1, "甲", inspections=10, hazards_overdue=0), row(2, "乙", inspections=30, hazards_overdue=4)]
    by_work = rank(
        rows, weights(("inspections", 80, "higher"), ("hazards_overdue", 20, "lower")), period="month"
    )
    by_overdue = rank(
        rows, weights(("inspections", 20, "higher"), ("hazards_overdue", 80, "lower")), period="month"
    )
    assert [r["name"] for r in by_work["rows"]] == ["乙", "甲"]
    assert [r["name"] for r in by_overdue["rows"]] == ["甲", "乙"]


def test_a_missing_figure_is_left_out_of_that_boards_weights():
    rows = [
        row(1, "甲", inspections=10, first_pass_rate=None),
        row(2, "乙", inspections=20, first_pass_rate=50.0),
        row(3, "丙", inspections=20, first_pass_rate=100.0),
    ]
    result = rank(
        rows, weights(("inspections", 50, "higher"), ("first_pass_rate", 50, "higher")), period="month"
    )
    scores = {r["name"]: r["score"] for r in result["rows"]}
    # 甲 is judged on inspections alone (0 of 50 → 0); 乙: (50·1 + 50·0)/100; 丙: (50 + 50)/100
    assert scores == {"丙": 100.0, "乙": 50.0, "甲": 0.0}
    assert "first_pass_rate" not in result["rows"][2]["parts"]


def test_equal_scores_share_a_rank_in_the_boards_order():
    rows = [row(1, "甲", inspections=5), row(2, "乙", inspections=9), row(3, "丙", inspections=5)]
    result = rank(rows, weights(("inspections", 100, "higher")), period="month")
    assert [(r["name"], r["rank"]) for r in result["rows"]] == [("乙", 1), ("甲", 2), ("丙", 2)]


def test_without_a_weighting_nothing_is_ranked():
    assert rank([row(1, "甲", inspections=1)], None, period="month")["rows"] == []
    assert highlights([row(1, "甲", inspections=1)], None, period="month") == []


def test_highlights_name_the_best_and_the_worst_by_direction_and_skip_ties():
    rows = [
        row(1, "甲", inspections=10, accidents=2),
        row(2, "乙", inspections=30, accidents=0),
        row(3, "丙", inspections=30, accidents=2),
    ]
    found = highlights(
        rows,
        weights(("inspections", 50, "higher"), ("accidents", 50, "lower"), ("deaths", 0, "lower")),
        period="month",
    )
    by_code = {f["code"]: f for f in found}
    assert by_code["inspections"]["best"] == {"value": 30, "boards": ["乙", "丙"]}
    assert by_code["inspections"]["worst"] == {"value": 10, "boards": ["甲"]}
    assert by_code["accidents"]["best"] == {"value": 0, "boards": ["乙"]}
    same = highlights(
        [row(1, "甲", inspections=3), row(2, "乙", inspections=3)],
        weights(("inspections", 1, "higher")),
        period="month",
    )
    assert same == []


@pytest.mark.django_db
def test_the_seeded_weighting_sums_to_a_hundred_and_says_why_for_each_indicator():
    seeded = RankingWeights.objects.get(name="执法工作月度排名权重（示例）")
    items = list(seeded.items.all())
    assert sum(i.weight for i in items) == Decimal("100")
    assert seeded.example_values
    assert all(i.description and i.indicator in F.BY_CODE for i in items)
    assert {i.indicator for i in items if i.direction == "lower"} == {
        "hazards_overdue",
        "accidents",
        "deaths",
    }


@pytest.mark.django_db
def test_a_new_version_ranks_the_months_from_its_effective_date(world):
    m = h.last_complete_month()
    for n in range(3):
        h.inspection(world.board_b, m + timedelta(days=n))
    h.accident(world.board_b, m + timedelta(days=4), deaths=1)
    h.inspection(world.board_a, m)
    seeded = [r["name"] for r in F.compute(m)["ranking"]["rows"]]
    # Only accidents count from the month on: board A, without accidents, comes first.
    newer = RankingWeights.objects.create(name="只看事故", effective_from=m)
    RankingWeight.objects.create(
        weights=newer, indicator="accidents", weight=Decimal("100"), direction="lower", description="越少越好"
    )
    ranked = F.compute(m)["ranking"]
    assert ranked["weights"]["name"] == "只看事故"
    assert [r["name"] for r in ranked["rows"]] == ["湖塘镇", "牛塘镇"]
    assert seeded == ["牛塘镇", "湖塘镇"]
    # The month before keeps the seeded weighting
    assert F.compute(h.previous_month(m))["ranking"]["weights"]["name"] == "执法工作月度排名权重（示例）"
    assert RankingWeights.objects.in_force(date(2019, 1, 1)).effective_from == date(2020, 1, 1)

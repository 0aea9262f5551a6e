"""The level of an accident (条例 第三条): every threshold boundary, the highest measure wins, the
thresholds are data, and raising any figure never lowers the level."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhifa.accidents.choices import RANK, AccidentLevel, Measure
from zhifa.accidents.levels import accident_level, load_thresholds
from zhifa.accidents.models import LevelThreshold
from zhifa.accidents.tests.helpers import make_accident

pytestmark = pytest.mark.django_db

G, L, M, GR = AccidentLevel.GENERAL, AccidentLevel.LARGER, AccidentLevel.MAJOR, AccidentLevel.GRAVE
WAN = Decimal("10000")


@pytest.mark.parametrize(
    "deaths, level",
    [(0, G), (2, G), (3, L), (9, L), (10, M), (29, M), (30, GR), (31, GR)],
)
def test_deaths_reach_a_level_at_its_figure_and_not_one_below(deaths, level):
    assert accident_level(deaths, 0, 0) == level


@pytest.mark.parametrize(
    "injured, level",
    [(0, G), (9, G), (10, L), (49, L), (50, M), (99, M), (100, GR)],
)
def test_serious_injuries_reach_a_level_at_its_figure_and_not_one_below(injured, level):
    assert accident_level(0, injured, 0) == level


@pytest.mark.parametrize(
    "loss, level",
    [
        (Decimal("0"), G),
        (Decimal("999.99") * WAN, G),
        (Decimal("9999999.99"), G),
        (Decimal("1000") * WAN, L),
        (Decimal("4999") * WAN, L),
        (Decimal("49999999.99"), L),
        (Decimal("5000") * WAN, M),
        (Decimal("9999") * WAN, M),
        (Decimal("99999999.99"), M),
        (Decimal("100000000"), GR),
    ],
)
def test_direct_loss_reaches_a_level_at_its_figure_and_not_one_cent_below(loss, level):
    assert accident_level(0, 0, loss) == level


@pytest.mark.parametrize(
    "deaths, injured, loss, level",
    [
        (2, 10, 0, L),  # injuries lift a general death toll to 较大
        (3, 9, Decimal("9999999"), L),  # deaths alone decide
        (0, 0, Decimal("50000000"), M),  # loss alone decides
        (9, 50, 0, M),  # injuries outrank deaths
        (29, 10, Decimal("100000000"), GR),  # loss outranks both
        (30, 0, 0, GR),
        (1, 99, Decimal("49999999"), M),
        (2, 9, Decimal("9999999.99"), G),  # every measure just below 较大
    ],
)
def test_the_highest_level_reached_by_any_measure_applies(deaths, injured, loss, level):
    assert accident_level(deaths, injured, loss) == level


def test_the_thresholds_are_seeded_with_the_regulation_as_their_source():
    rows = LevelThreshold.objects.all()
    assert rows.count() == 9
    assert {r.source for r in rows} == {"生产安全事故报告和调查处理条例 第三条"}
    assert load_thresholds()[GR][Measure.DIRECT_LOSS] == Decimal("100000000")


def test_changing_a_threshold_changes_the_level_computed_and_stored_on_save(world):
    accident = make_accident(world.board_a, deaths=3)
    assert accident.level == L
    LevelThreshold.objects.filter(level=L, measure=Measure.DEATHS).update(minimum=4)
    assert accident_level(3, 0, 0) == G
    accident.save()
    accident.refresh_from_db()
    assert accident.level == G


def test_the_stored_level_follows_the_figures_on_every_save(world):
    accident = make_accident(world.board_a, deaths=0, direct_loss=Decimal("10000000"))
    assert accident.level == L
    accident.direct_loss = Decimal("9999999.99")
    accident.save(update_fields=["direct_loss"])
    accident.refresh_from_db()
    assert accident.level == G


def test_a_threshold_must_stay_between_the_levels_around_it():
    from django.core.exceptions import ValidationError

    row = LevelThreshold.objects.get(level=M, measure=Measure.DEATHS)
    row.minimum = Decimal("30")
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "特别重大事故" in str(caught.value.message_dict["minimum"])
    row.minimum = Decimal("2.5")
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "整数" in str(caught.value.message_dict["minimum"])


figures = st.tuples(
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=200),
    st.decimals(min_value=0, max_value=Decimal("250000000"), places=2),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=figures, measure=st.sampled_from(["deaths", "injured", "loss"]), more=st.integers(1, 10**9))
def test_increasing_any_measure_never_lowers_the_level(base, measure, more):
    thresholds = load_thresholds()
    deaths, injured, loss = base
    before = accident_level(deaths, injured, loss, thresholds=thresholds)
    if measure == "deaths":
        deaths += more % 50
    elif measure == "injured":
        injured += more % 150
    else:
        loss += Decimal(more) / 10
    after = accident_level(deaths, injured, loss, thresholds=thresholds)
    assert RANK[after] >= RANK[before]
    # And the level read from the database agrees with the one computed from the rows passed in.
    assert accident_level(deaths, injured, loss) == after

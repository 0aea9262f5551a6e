"""Property: over small random districts, every task of every draw meets every hard rule, and the same
seed and pools give the same result.

Hypothesis builds the district (boards, certified and uncertified officers, brigade officers seconded or
paired, experts in groups with availability, employers and conflicts, enterprises with history) in the
database with the suite's builders; each example runs in a savepoint rolled back afterwards. The rules
are checked against the database (Certificate.valid_on, inspections.services.check_team, ExpertGroup.covers,
Expert.is_available_on, the conflict tables, the previous inspection), not against the engine's pool.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from zhifa.experts.models import ExpertConflict
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.models import Inspection
from zhifa.inspections.services import check_team, officer_basis
from zhifa.orgs.models import Certificate
from zhifa.planning import draw as engine
from zhifa.planning import services
from zhifa.planning.models import OfficerConflict, Task
from zhifa.planning.tests.helpers import FAST, build_district, next_month

pytestmark = pytest.mark.django_db

certs = st.sampled_from(["full"] * 6 + ["first_half", "second_half", "none", "suspended"])
pairs = st.tuples(st.integers(0, 30), st.integers(0, 30))


@st.composite
def district_specs(draw):
    boards = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "officers": st.lists(certs, min_size=2, max_size=4),
                    "enterprises": st.lists(
                        st.fixed_dictionaries(
                            {
                                "industry": st.sampled_from(["chem", "chem", "machinery", "special"]),
                                "class": st.sampled_from("ABCD"),
                            }
                        ),
                        min_size=1,
                        max_size=5,
                    ),
                }
            ),
            min_size=1,
            max_size=3,
        )
    )
    experts = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "groups": st.sets(
                        st.sampled_from(["chem", "machinery", "special"]), min_size=1, max_size=2
                    ),
                    "availability": st.sampled_from(
                        ["always", "always", "first_half", "second_half", "outside"]
                    ),
                    "employer_of": st.none() | st.integers(0, 20),
                }
            ),
            max_size=4,
        )
    )
    if draw(st.sampled_from([True, True, True, False])):
        # Most districts have experts of every group at hand; the others test the shortage.
        everyone = {"groups": {"chem", "machinery", "special"}, "availability": "always", "employer_of": None}
        experts = [everyone, everyone, *experts]
    return {
        "boards": boards,
        "experts": experts,
        "brigade": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "cert": certs,
                        "attach": st.sampled_from(["none", "second:0", "pair:0", "pair:1", "second:2"]),
                    }
                ),
                max_size=3,
            )
        ),
        "officer_conflicts": draw(st.lists(pairs, max_size=3)),
        "expert_conflicts": draw(st.lists(pairs, max_size=3)),
        "history": draw(
            st.lists(
                st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)),
                max_size=3,
            )
        ),
        "cross": draw(st.sampled_from([False, False, True])),
        "district_wide": draw(st.booleans()),
        "quota": draw(st.integers(1, 4)),
        "officer_cap": draw(st.integers(1, 4)),
        "officer_daily": draw(st.integers(1, 2)),
        "expert_cap": draw(st.integers(1, 3)),
    }


def assert_every_rule_holds(draw_obj, spec):
    tasks = list(
        Task.objects.filter(draw=draw_obj).select_related(
            "enterprise__board", "expert", "officer_1__unit", "officer_2__unit"
        )
    )
    cross = draw_obj.cross_enforcement
    officer_month, officer_day, expert_month, per_board = Counter(), Counter(), Counter(), Counter()
    for task in tasks:
        enterprise, day = task.enterprise, task.planned_date
        officers = [task.officer_1, task.officer_2]
        # Two distinct officers, each certified on the planned date, on a valid footing for the board.
        assert task.officer_1_id != task.officer_2_id
        for officer in officers:
            assert Certificate.objects.valid_on(day).filter(officer=officer).exists()
            assert officer.active
            basis = officer_basis(officer, task.board, day, cross_enforcement=cross)
            assert basis is not None
            if cross:
                # In a cross draw: an officer of another board, never the enterprise's own board.
                assert officer.unit.is_board and officer.unit_id != enterprise.board_id
            assert not OfficerConflict.objects.filter(officer=officer, enterprise=enterprise).exists()
            officer_month[officer.pk] += 1
            officer_day[(officer.pk, day)] += 1
        assert check_team(officers, task.board, day, cross_enforcement=cross).ok
        # One expert whose group covers the industry, available, not conflicted, not employed by it.
        expert = task.expert
        assert expert.active
        assert any(g.covers(enterprise.industry_id) for g in expert.groups.all())
        assert expert.is_available_on(day)
        assert not ExpertConflict.objects.filter(expert=expert, enterprise=enterprise).exists()
        assert expert.employer_uscc != enterprise.uscc
        expert_month[expert.pk] += 1
        # Rotation: nobody of the enterprise's previous inspection.
        previous = (
            Inspection.objects.filter(enterprise=enterprise, status=InspectionStatus.SIGNED_OFF)
            .order_by("-started_at", "-pk")
            .first()
        )
        if previous is not None:
            assert not set(previous.team.values_list("officer_id", flat=True)) & {o.pk for o in officers}
            assert previous.expert_id != expert.pk
        per_board[task.board_id] += 1
    assert all(n <= spec["officer_cap"] for n in officer_month.values())
    assert all(n <= spec["officer_daily"] for n in officer_day.values())
    assert all(n <= spec["expert_cap"] for n in expert_month.values())
    assert all(n <= spec["quota"] for n in per_board.values())
    assert len({t.enterprise_id for t in tasks}) == len(tasks)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=district_specs())
def test_every_task_of_every_draw_meets_every_hard_rule(world, spec):
    year, month = next_month()
    with transaction.atomic():
        built = build_district(spec, year, month)
        board = None if spec["district_wide"] or spec["cross"] else built.boards[0]
        quotas = {b.pk: spec["quota"] for b in ([board] if board else built.boards)}
        outcome = services.run_draw(
            user=world.dan,
            year=year,
            month=month,
            board=board,
            cross=spec["cross"],
            quotas=quotas,
            engine_params={
                **FAST,
                "officer_monthly_cap": spec["officer_cap"],
                "officer_daily_cap": spec["officer_daily"],
                "expert_monthly_cap": spec["expert_cap"],
            },
        )
        assert_every_rule_holds(outcome.draw, spec)
        drawn = outcome.draw.summary["assigned"]
        event(f"tasks drawn: {drawn if drawn < 3 else '3+'}")
        # Every quota place is either filled or explained.
        filled = outcome.draw.summary["assigned"]
        if filled < sum(quotas.values()):
            assert any(d["kind"] in ("quota", "candidates") for d in outcome.draw.diagnoses)
        # The same seed and the same pools give the same result; verification passes untouched.
        again = engine.run(
            bytes.fromhex(outcome.draw.seed_hex),
            json.loads(outcome.draw.pool_json),
        )
        assert again.assignments == outcome.result.assignments
        assert services.verify_draw(outcome.draw).ok
        transaction.set_rollback(True)

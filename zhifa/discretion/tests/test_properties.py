"""Property: for every seeded entry and any combination of circumstances and factors, the proposal's
range lies inside the statutory range — or is zero (不予处罚), or lies between zero and the statutory
minimum (减轻) — and the suggested fine lies inside the proposal's range."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhifa.discretion.choices import TierLevel
from zhifa.discretion.engine import check_decision, propose
from zhifa.discretion.models import Catalogue, Factor, ViolationType
from zhifa.discretion.tests.conftest import SEEDED_NAME

choices = st.fixed_dictionaries(
    {
        "index": st.integers(min_value=0, max_value=10_000),
        "first_offence": st.booleans(),
        "minor": st.booleans(),
        "corrected_in_time": st.booleans(),
        "factor_mask": st.integers(min_value=0, max_value=(1 << 10) - 1),
    }
)


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=choices)
def test_every_proposal_stays_inside_the_law(db, case):
    catalogue = Catalogue.objects.get(name=SEEDED_NAME)
    entries = list(
        ViolationType.objects.filter(catalogue=catalogue)
        .select_related("catalogue")
        .prefetch_related("tiers")
    )
    factors = list(Factor.objects.filter(catalogue=catalogue, violation_type__isnull=True).order_by("pk"))
    vt = entries[case["index"] % len(entries)]
    chosen = [f for i, f in enumerate(factors) if case["factor_mask"] >> i & 1]

    proposal = propose(
        vt,
        first_offence=case["first_offence"],
        minor=case["minor"],
        corrected_in_time=case["corrected_in_time"],
        factors=chosen,
    )

    if proposal.level == TierLevel.NO_PENALTY:
        assert proposal.min_fine == proposal.max_fine == proposal.suggested_fine == 0
    elif proposal.level == TierLevel.MITIGATED:
        assert 0 <= proposal.min_fine <= proposal.max_fine <= vt.min_fine
    else:
        assert vt.min_fine <= proposal.min_fine <= proposal.max_fine <= vt.max_fine
    assert proposal.min_fine <= proposal.suggested_fine <= proposal.max_fine
    # aggravating factors never lead to a milder tier than without them
    if not any(f.kind == "mitigating" for f in chosen) and any(f.kind == "aggravating" for f in chosen):
        assert proposal.level in (TierLevel.SEVERE, TierLevel.ORDINARY)
    # the suggested fine is always acceptable as it stands
    assert check_decision(vt, proposal.suggested_fine, proposal, "") == []

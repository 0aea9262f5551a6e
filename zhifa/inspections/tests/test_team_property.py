"""Property: the two-certified-officers rule over every combination of who is on the team.

For any team — officers of the enterprise's board, of another board, of the brigade; certificates
valid, expired before, starting after, suspended or absent; with or without cross enforcement — the
team passes exactly when every member stands on a lawful footing with a certificate valid on the date
and at least two of them do.
"""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhifa.core.testing import make_officer
from zhifa.inspections.services import TWO_OFFICERS_RULE, check_team
from zhifa.orgs.choices import CertificateStatus, Post

ON = date(2026, 10, 8)  # the last day of the 2026 National Day holiday: certificates, not calendars, decide

CERT_STATES = ("valid", "expired_day_before", "starts_day_after", "suspended", "none")
ORIGINS = ("own", "other_board", "brigade")

member = st.tuples(st.sampled_from(ORIGINS), st.sampled_from(CERT_STATES))


def _officer(world, origin, cert_state):
    unit = {"own": world.board_a, "other_board": world.board_b, "brigade": world.district}[origin]
    post = Post.BRIGADE_OFFICER if origin == "brigade" else Post.BOARD_OFFICER
    windows = {
        "valid": (ON - timedelta(days=300), ON + timedelta(days=300)),
        "expired_day_before": (ON - timedelta(days=700), ON - timedelta(days=1)),
        "starts_day_after": (ON + timedelta(days=1), ON + timedelta(days=700)),
        "suspended": (ON - timedelta(days=300), ON + timedelta(days=300)),
    }
    if cert_state == "none":
        return make_officer(unit, post, certified=False)
    start, end = windows[cert_state]
    officer = make_officer(unit, post, valid_from=start, valid_to=end)
    if cert_state == "suspended":
        officer.certificates.update(status=CertificateStatus.SUSPENDED, status_reason="停职")
    return officer


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(team=st.lists(member, min_size=0, max_size=4), cross=st.booleans())
def test_the_team_passes_exactly_when_every_member_is_lawful_and_two_are_certified(world, team, cross):
    officers = [_officer(world, origin, state) for origin, state in team]
    result = check_team(officers, world.board_a, ON, cross_enforcement=cross)

    lawful_footing = [origin != "other_board" or cross for origin, _ in team]
    certified = [state == "valid" for _, state in team]
    expected_certified = sum(1 for ok, cert in zip(lawful_footing, certified, strict=True) if ok and cert)
    expected_ok = all(lawful_footing) and all(certified) and expected_certified >= 2

    assert result.ok == expected_ok
    assert len(result.certified) == expected_certified
    if expected_certified < 2:
        assert TWO_OFFICERS_RULE in result.problems[0]
    for officer, (origin, _state) in zip(officers, team, strict=True):
        if origin == "other_board" and not cross:
            assert any(officer.name in p and "交叉执法" in p for p in result.problems)

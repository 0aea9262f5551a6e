"""Certificate renewal readiness: certificates valid today expiring within 90 days, each holder's hours
and exam this year against the requirement; a board sees its own officers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhifa.core.testing import make_officer
from zhifa.orgs.models import Certificate
from zhifa.training.hours import renewal_candidates
from zhifa.training.tests.helpers import attend, make_session, require

pytestmark = pytest.mark.django_db


def expiring(officer, days):
    officer.certificates.update(valid_to=timezone.localdate() + timedelta(days=days))


@pytest.fixture
def renewals(world):
    today = timezone.localdate()
    require(today.year, hours="6")
    session = make_session(world.board_a, on=today - timedelta(days=1), hours="6", kind="case_review")
    ready, short = world.alice.officer, world.albert.officer
    expiring(ready, 30)
    expiring(short, 90)
    expiring(world.bob.officer, 10)
    later = make_officer(world.board_a, name="远期")
    expiring(later, 91)
    attend(session, ready, score=80)
    attend(session, short, hours="5", score=90)
    return world


def test_only_certificates_expiring_within_ninety_days_are_listed_with_their_readiness(renewals):
    rows = {c.officer.name: c for c in renewal_candidates(Certificate.objects.all())}
    assert set(rows) == {"艾丽", "艾伯特", "鲍勃"}
    assert rows["艾丽"].training_hours == 6 and rows["艾丽"].exam_passed
    assert rows["艾伯特"].training_hours == 5 and rows["艾伯特"].exam_passed
    assert rows["鲍勃"].training_hours == 0 and not rows["鲍勃"].exam_passed


def test_the_page_shows_the_own_board_and_who_is_ready(renewals, web):
    page = web(renewals.albert).get(reverse("training:readiness")).content.decode()
    assert "艾丽" in page and "艾伯特" in page and "鲍勃" not in page and "远期" not in page
    assert page.count("已具备") == 1 and page.count("未具备") == 1
    district = web(renewals.dan).get(reverse("training:readiness")).content.decode()
    assert "鲍勃" in district and district.count("未具备") == 2

"""The demo's generated history on the small test district (its two boards carry demo codes): two years of
signed inspections, hazards and penalty cases, bulk-created, marked, consistent with the rules the
services keep, idempotent, and giving the bulletin real figures."""

from __future__ import annotations

import random
import time
from datetime import timedelta

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from zhifa.bulletins import figures as bulletin_figures
from zhifa.cases.gate import approved_review, check_decision_allowed
from zhifa.cases.models import Case, LegalReview, Payment
from zhifa.core.testing import make_enterprise, make_officer
from zhifa.demo.history import HISTORY_MARK, generate_history
from zhifa.demo.inspections import DAYS
from zhifa.inspections.models import Hazard, Inspection
from zhifa.orgs.choices import Post
from zhifa.orgs.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(world):
    """Enterprises in both boards, a second certified officer in board B, certificates held for years."""
    today = timezone.localdate()
    for n in range(12):
        make_enterprise(world.board_a, name=f"历史测试甲{n}有限公司")
        make_enterprise(world.board_b, name=f"历史测试乙{n}有限公司")
    make_officer(world.board_b, Post.BOARD_LEADER, valid_from=today - timedelta(days=365 * 4))
    Certificate.objects.update(valid_from=today - timedelta(days=365 * 4))
    return world


def test_two_years_of_history_before_the_month_of_activity(district):
    today = timezone.localdate()
    started = time.monotonic()
    counts = generate_history(random.Random("t"), today=today)
    assert time.monotonic() - started < 30
    inspections = Inspection.objects.filter(findings__endswith=HISTORY_MARK)
    assert counts.inspections == inspections.count() == Inspection.objects.count() > 100
    first = (today.replace(day=1) - timedelta(days=24 * 31)).replace(day=1)
    assert first <= timezone.localtime(inspections.order_by("started_at").first().started_at).date()
    latest = timezone.localtime(inspections.order_by("-started_at").first().started_at).date()
    assert latest < today - timedelta(
        days=DAYS
    )  # the month the demo replays through the services is left alone
    assert {i.board_id for i in inspections} == {district.board_a.pk, district.board_b.pk}
    assert not inspections.exclude(status="signed_off").exists()
    assert (
        inspections.filter(expert__isnull=False).exists()
        and inspections.filter(cross_enforcement=True).exists()
    )
    assert "历史数据" in counts.summary()


def test_every_generated_inspection_has_two_officers_certified_on_its_day(district):
    generate_history(random.Random("t"))
    teams = Inspection.objects.annotate(n=Count("team")).values_list("n", flat=True).distinct()
    assert set(teams) == {2}
    for inspection in Inspection.objects.prefetch_related("team__officer")[:40]:
        on = timezone.localtime(inspection.started_at).date()
        for member in inspection.team.all():
            assert member.officer.is_certified_on(on), (inspection.pk, member.officer)


def test_hazards_have_levels_deadlines_and_rectification_dates_and_a_few_are_overdue(district):
    today = timezone.localdate()
    generate_history(random.Random("t"))
    hazards = Hazard.objects.all()
    assert hazards.filter(level="major").exists() and hazards.filter(level="general").exists()
    assert not hazards.filter(deadline__isnull=True).exists()
    closed = hazards.filter(status="closed")
    assert closed.exists() and not closed.filter(closed_at__isnull=True).exists()
    assert not closed.filter(closed_at__lt=F("created_at")).exists()
    assert not closed.filter(closed_at__date__gte=today).exists()
    assert not hazards.exclude(status="closed").filter(closed_at__isnull=False).exists()
    overdue = Hazard.objects.overdue(today).count()
    assert 0 < overdue < hazards.count() / 10
    # found when the inspection ended, not when the generator ran
    assert not hazards.filter(created_at__gte=timezone.now() - timedelta(days=DAYS)).exists()


def test_cases_are_reviewed_decided_paid_and_closed_as_the_procedure_has_it(district):
    generate_history(random.Random("t"))
    cases = Case.objects.all()
    assert cases.exists() and all("历" in c.registration_number for c in cases)
    # some returned by the legal reviewer the first time, then approved in a second round
    returned = LegalReview.objects.filter(round=1).exclude(outcome__in=["", "approve"])
    assert returned.exists()
    assert LegalReview.objects.filter(round=2, case__in=returned.values("case"), outcome="approve").exists()
    decided = cases.filter(decided_on__isnull=False)
    assert decided.exists()
    for case in decided:
        assert approved_review(case) is not None, case.pk
        check_decision_allowed(case)  # the gate would have let the decision through
        assert case.decided_on >= case.registered_on
    paid = Payment.objects.select_related("case")
    assert paid.exists() and all(
        p.amount == p.case.fine_amount and p.paid_on >= p.case.served_on for p in paid
    )
    assert cases.filter(status="closed", closed_on__isnull=False).exists()
    assert not cases.filter(Q(status="closed") & Q(closed_on__isnull=True)).exists()
    # open cases carry their running decision deadline, for the dashboards' overdue work
    assert Case.objects.filter(status="investigating", deadlines__rule_code="decision").exists()


def test_the_bulletin_has_real_figures_and_the_history_is_made_once(district):
    today = timezone.localdate()
    generate_history(random.Random("t"), today=today)
    month = bulletin_figures.add_months(today.replace(day=1), -2)
    figures = bulletin_figures.compute(month, today=today)
    for row in figures["boards"]:
        month_values = row["values"]["month"]
        assert month_values["inspections"] > 0 and month_values["hazards"] > 0, row["name"]
        assert row["values"]["last_year"]["inspections"] > 0, row["name"]
    assert figures["district"]["values"]["ytd"]["cases_decided"] > 0
    assert [r["score"] for r in figures["ranking"]["rows"]] != [100.0, 100.0]
    before = Inspection.objects.count()
    again = generate_history(random.Random("t"), today=today)
    assert again.existing and "已存在" in again.summary() and Inspection.objects.count() == before

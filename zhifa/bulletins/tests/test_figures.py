"""The bulletin's figures equal direct counts of the records behind them: two boards, the month, the month
before and the same month last year; the bureau's own work in its own row and in the total."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from zhifa.bulletins import figures as F
from zhifa.bulletins.tests import helpers as h
from zhifa.cases.models import Case, LegalReview, Payment
from zhifa.core.testing import make_enterprise, make_officer
from zhifa.inspections.models import Hazard, Inspection

pytestmark = pytest.mark.django_db


def direct(region_ids, start, end) -> dict:
    """Each figure counted straight from the tables, by ``__date`` lookups (not figures.py's filters)."""
    signed = Inspection.objects.filter(
        board__in=region_ids, status="signed_off", started_at__date__gte=start, started_at__date__lte=end
    )
    hazards = Hazard.objects.filter(board__in=region_ids, inspection__status="signed_off")
    found = hazards.filter(created_at__date__gte=start, created_at__date__lte=end)
    cases = Case.objects.filter(board__in=region_ids)
    decided = cases.filter(decided_on__gte=start, decided_on__lte=end)
    first = LegalReview.objects.filter(
        case__board__in=region_ids, round=1, decided_at__date__gte=start, decided_at__date__lte=end
    ).exclude(outcome="")
    from zhifa.accidents.models import Accident
    from zhifa.training.models import Attendance

    accidents = Accident.objects.filter(
        board__in=region_ids, occurred_at__date__gte=start, occurred_at__date__lte=end
    )
    return {
        "inspections": signed.count(),
        "two_plus_one": signed.filter(expert__isnull=False).count(),
        "cross": signed.filter(cross_enforcement=True).count(),
        "enterprises": signed.values("enterprise").distinct().count(),
        "hazards": found.count(),
        "hazards_general": found.filter(level="general").count(),
        "hazards_major": found.filter(level="major").count(),
        "hazards_rectified": hazards.filter(
            status="closed", closed_at__date__gte=start, closed_at__date__lte=end
        ).count(),
        "hazards_overdue": hazards.filter(created_at__date__lte=end, deadline__lt=end)
        .exclude(status="closed", closed_at__date__lte=end)
        .count(),
        "cases_registered": cases.filter(registered_on__gte=start, registered_on__lte=end).count(),
        "cases_decided": decided.count(),
        "fines_decided": float(decided.aggregate(s=Sum("fine_amount"))["s"] or 0),
        "fines_collected": float(
            Payment.objects.filter(
                case__board__in=region_ids, kind="fine", paid_on__gte=start, paid_on__lte=end
            ).aggregate(s=Sum("amount"))["s"]
            or 0
        ),
        "reviews_first": first.count(),
        "reviews_first_passed": first.filter(outcome="approve").count(),
        "training_hours": float(
            Attendance.objects.filter(
                officer__unit__in=region_ids, attended=True, session__date__gte=start, session__date__lte=end
            ).aggregate(s=Sum("hours"))["s"]
            or 0
        ),
        "accidents": accidents.count(),
        "deaths": accidents.aggregate(s=Sum("deaths"))["s"] or 0,
    }


@pytest.fixture
def history(world):
    """Records of boards A and B (and the brigade) in the month, the month before and a year before."""
    a, b = world.board_a, world.board_b
    m = h.last_complete_month()
    p = h.previous_month(m)
    ly = m.replace(year=m.year - 1)
    end = F.month_end(m)
    # Inspections: A in the month (one "2+1", one cross, two at the same enterprise, a draft not counted)
    same = make_enterprise(a)
    i1 = h.inspection(a, m, expert=True, enterprise=same)
    i2 = h.inspection(a, m + timedelta(days=3), cross=True, enterprise=same)
    i3 = h.inspection(a, m + timedelta(days=5))
    draft = h.inspection(a, m + timedelta(days=6), signed=False)
    ip = h.inspection(a, p + timedelta(days=2))
    h.inspection(a, p + timedelta(days=9), expert=True)
    h.inspection(a, ly + timedelta(days=4))
    ib = h.inspection(b, m + timedelta(days=8), expert=True)
    h.inspection(b, ly + timedelta(days=1))
    h.inspection(b, ly + timedelta(days=20), cross=True)
    bureau = h.inspection(
        world.district, m + timedelta(days=2), enterprise=make_enterprise(b)
    )  # the brigade's own work
    # Hazards
    h.hazard(i1, deadline=m + timedelta(days=5))  # open past its deadline: overdue at the month's end
    h.hazard(i1, level="major", deadline=m + timedelta(days=20), closed=m + timedelta(days=10))  # rectified
    h.hazard(i2, deadline=m + timedelta(days=6), closed=end + timedelta(days=1))  # closed after: overdue then
    h.hazard(i3, level="major", deadline=end + timedelta(days=30))  # not yet due
    h.hazard(ip, deadline=p + timedelta(days=10), closed=m + timedelta(days=2))  # overdue at last month's end
    h.hazard(draft, deadline=m + timedelta(days=1))  # a draft's hazard counts nowhere
    h.hazard(ib, level="major", deadline=m + timedelta(days=3), closed=m + timedelta(days=4))
    h.hazard(bureau, deadline=m + timedelta(days=4))
    # Cases, fines, payments, legal reviews
    c1 = h.case(world, a, registered=m + timedelta(days=1), decided=m + timedelta(days=20), fine="5000")
    h.case(world, a, registered=m + timedelta(days=3))
    c3 = h.case(world, a, registered=p + timedelta(days=1), decided=p + timedelta(days=25), fine="3000")
    cb = h.case(world, b, registered=ly + timedelta(days=2), decided=ly + timedelta(days=22), fine="10000")
    h.payment(world, c1, "2000", m + timedelta(days=25))
    h.payment(world, c1, "100", m + timedelta(days=26), kind="surcharge")  # not a fine
    h.payment(world, c3, "3000", m + timedelta(days=1))
    h.payment(world, cb, "10000", ly + timedelta(days=27))
    h.review(world, c1, outcome="approve", decided=m + timedelta(days=10))
    h.review(world, c3, outcome="supplement", decided=m + timedelta(days=2))
    h.review(world, c3, round=2, outcome="approve", decided=m + timedelta(days=12))
    h.review(world, cb, outcome="reject", decided=m + timedelta(days=15))
    # Training and accidents
    h.training(a, world.alice.officer, m + timedelta(days=7), "3")
    h.training(b, world.bob.officer, m + timedelta(days=7), "2")
    h.training(None, world.bruce.officer, m + timedelta(days=8), "4")
    h.accident(a, m + timedelta(days=11), deaths=2)
    h.accident(b, ly + timedelta(days=11), deaths=1)
    return m


def test_every_figure_equals_a_direct_count_per_board_and_for_the_district(world, history):
    figures = F.compute(history)
    periods = figures["periods"]
    assert periods["month"] == {"start": history.isoformat(), "end": F.month_end(history).isoformat()}
    assert periods["last_year"]["start"] == history.replace(year=history.year - 1).isoformat()
    rows = {row["id"]: row for row in figures["boards"]}
    regions = {
        world.board_a.pk: rows[world.board_a.pk],
        world.board_b.pk: rows[world.board_b.pk],
    }
    everything = [world.district.pk, world.board_a.pk, world.board_b.pk]
    for key, period in periods.items():
        start, end = (date.fromisoformat(period[k]) for k in ("start", "end"))
        for region, row in regions.items():
            expected = direct([region], start, end)
            got = {code: row["values"][key][code] for code in expected}
            assert got == expected, (row["name"], key)
        expected = direct(everything, start, end)
        assert {c: figures["district"]["values"][key][c] for c in expected} == expected, key
        expected = direct([world.district.pk], start, end)
        assert {c: figures["direct"]["values"][key][c] for c in expected} == expected, key


def test_the_records_built_are_the_ones_the_month_shows(world, history):
    """Not only equal to a count: the expected numbers, so the fixture cannot silently build nothing."""
    a = F.compute(history)["boards"][0]
    assert a["name"] == "湖塘镇"
    month, prev, last_year = a["values"]["month"], a["values"]["prev"], a["values"]["last_year"]
    assert (month["inspections"], month["two_plus_one"], month["cross"], month["enterprises"]) == (3, 1, 1, 2)
    assert (month["hazards"], month["hazards_major"], month["hazards_rectified"]) == (4, 2, 2)
    assert (month["hazards_overdue"], prev["hazards_overdue"]) == (2, 1)
    assert (month["cases_registered"], month["cases_decided"], month["fines_decided"]) == (2, 1, 5000.0)
    assert (month["fines_collected"], prev["fines_decided"]) == (5000.0, 3000.0)
    assert (month["training_hours"], month["accidents"], month["deaths"]) == (3.0, 1, 2)
    assert (prev["inspections"], last_year["inspections"]) == (2, 1)
    assert a["changes"]["prev"]["inspections"] == {"delta": 1, "pct": 50.0}
    assert a["changes"]["last_year"]["inspections"] == {"delta": 2, "pct": 200.0}


def test_the_first_pass_rate_counts_first_rounds_decided_in_the_month(world, history):
    figures = F.compute(history)
    a, b = figures["boards"]
    # A: round 1 approved (c1), round 1 returned for more evidence (c3; its approved round 2 is no first pass)
    assert (a["values"]["month"]["reviews_first"], a["values"]["month"]["reviews_first_passed"]) == (2, 1)
    assert a["values"]["month"]["first_pass_rate"] == 50.0
    # B: round 1 refused
    assert b["values"]["month"]["first_pass_rate"] == 0.0
    assert figures["district"]["values"]["month"]["first_pass_rate"] == pytest.approx(33.3)
    # Nothing reviewed: no rate (not zero)
    assert a["values"]["last_year"]["first_pass_rate"] is None


def test_a_pending_round_and_other_months_do_not_count(world, history):
    c = h.case(world, world.board_b, registered=history)
    h.review(world, c)  # submitted, not decided
    h.review(world, h.case(world, world.board_b), decided=history - timedelta(days=1))  # the month before
    b = F.compute(history)["boards"][1]
    assert b["values"]["month"]["reviews_first"] == 1
    assert b["values"]["prev"]["reviews_first"] == 1


def test_the_trend_holds_twelve_months_ending_with_the_month(world, history):
    figures = F.compute(history)
    assert len(figures["trend_months"]) == 12
    assert figures["trend_months"][-1] == f"{history:%Y-%m}"
    district = figures["district"]
    assert district["trend"]["inspections"][-1] == district["values"]["month"]["inspections"]
    assert district["trend"]["inspections"][-2] == district["values"]["prev"]["inspections"]
    assert district["trend"]["hazards_major"][-1] == district["values"]["month"]["hazards_major"]


def test_the_current_month_runs_to_today_and_a_future_month_is_refused(world):
    today = timezone.localdate()
    figures = F.compute(today.replace(day=1), today=today)
    assert figures["as_of"] == today.isoformat()
    assert figures["partial"] == (today != F.month_end(today))
    with pytest.raises(F.FiguresError):
        F.compute(F.add_months(today.replace(day=1), 1), today=today)
    for bad in ("2026/11", "2026-13", "11-2026", "abcd-ef"):
        with pytest.raises(F.FiguresError):
            F.parse_month(bad, today)


def test_the_plan_gives_the_planned_enterprises_and_the_completion_rate(world):
    from zhifa.planning import plan as plans
    from zhifa.planning.models import PlanBoardMonth

    today = timezone.localdate()
    first = today.replace(day=1)
    for n in range(3):
        make_enterprise(world.board_a, name=f"计划测试企业{n}有限公司")
    plan = plans.build_plan(user=world.dan, year=today.year)
    plan = plans.approve_plan(plans.submit_plan(plan, user=world.dan), user=world.dan)
    h.inspection(world.board_a, today)
    required = PlanBoardMonth.objects.get(plan=plan, board=world.board_a, month=today.month).required
    ytd = PlanBoardMonth.objects.filter(plan=plan, board=world.board_a, month__lte=today.month).aggregate(
        s=Sum("required")
    )["s"]
    a = F.compute(first, today=today)["boards"][0]
    assert a["values"]["month"]["planned"] == required
    assert a["values"]["ytd"]["planned"] == ytd
    expected = (
        None if not required else float((Decimal(100) / required).quantize(Decimal("0.1"), ROUND_HALF_UP))
    )
    assert a["values"]["month"]["plan_completion"] == expected


def test_training_counts_by_the_attendees_unit_and_ignores_absence(world, history):
    from zhifa.training.models import Attendance, TrainingSession

    officer = make_officer(world.board_b)
    session = TrainingSession.objects.create(
        kind="centralized", title="集中培训", date=history, hours=Decimal("4")
    )
    Attendance.objects.create(session=session, officer=officer, attended=True)
    Attendance.objects.create(session=session, officer=world.bob.officer, attended=False)
    b = F.compute(history)["boards"][1]
    assert b["values"]["month"]["training_hours"] == 2.0 + 4.0

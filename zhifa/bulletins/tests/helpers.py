"""Builders for bulletin tests: records of any kind, on any day, in board A (湖塘镇) or B (牛塘镇), stored
directly (the workflows that make them are tested in their own apps; here only dates and counts matter).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from zhifa.core import storage
from zhifa.core.testing import make_checklist, make_enterprise, make_expert

_checklist = {}


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def last_complete_month(today: date | None = None) -> date:
    """The month before the current one (complete, so every day of it is in the past)."""
    return previous_month((today or timezone.localdate()).replace(day=1))


def checklist():
    from zhifa.inspections.models import ChecklistTemplate

    found = ChecklistTemplate.objects.filter(code="bulletin").order_by("-version").first()
    return found or make_checklist(code="bulletin", name="通报测试检查表", items=2)


def inspection(board, on: date, *, expert=False, cross=False, enterprise=None, signed=True):
    from zhifa.inspections.choices import InspectionStatus
    from zhifa.inspections.models import Inspection

    return Inspection.objects.create(
        enterprise=enterprise or make_enterprise(board),
        board=board,
        checklist=checklist(),
        expert=make_expert() if expert else None,
        cross_enforcement=cross,
        started_at=at(on, 9),
        ended_at=at(on, 11),
        status=InspectionStatus.SIGNED_OFF if signed else InspectionStatus.DRAFT,
    )


def hazard(
    insp,
    *,
    level="general",
    found: date | None = None,
    deadline: date | None = None,
    closed: date | None = None,
):
    from zhifa.inspections.choices import HazardStatus
    from zhifa.inspections.models import Hazard

    found = found or timezone.localtime(insp.started_at).date()
    h = Hazard.objects.create(
        inspection=insp,
        enterprise=insp.enterprise,
        board=insp.board,
        description="疏散通道堵塞",
        level=level,
        deadline=deadline,
        status=HazardStatus.CLOSED if closed else HazardStatus.PENDING,
        closed_at=at(closed, 15) if closed else None,
    )
    Hazard.objects.filter(pk=h.pk).update(created_at=at(found, 11))  # 发现时间 is auto_now_add
    h.refresh_from_db()
    return h


def case(world, board, *, registered: date | None = None, decided: date | None = None, fine=None, user=None):
    """A case registered (and decided, with its fine) on the given days; the decision is written with
    ``update`` — the legal-review gate on ``Case.save`` is tested in zhifa.cases."""
    from zhifa.cases.choices import DecisionKind, PartyKind, SourceKind
    from zhifa.cases.models import Case

    c = Case.objects.create(
        board=board,
        agency=world.district,
        source_kind=SourceKind.INSPECTION,
        party_kind=PartyKind.UNIT,
        party_name="某某机械有限公司",
        cause="未按规定对从业人员进行安全生产教育和培训",
        registered_on=registered,
        created_by=user or world.alice,
    )
    if decided:
        Case.objects.filter(pk=c.pk).update(
            decided_on=decided,
            decision_kind=DecisionKind.PENALTY,
            fine_amount=None if fine is None else Decimal(fine),
        )
        c.refresh_from_db()
    return c


def review(world, c, *, round=1, outcome="approve", decided: date | None = None):
    from zhifa.cases.models import LegalReview

    return LegalReview.objects.create(
        case=c,
        round=round,
        submitted_by=world.alice,
        due_on=decided or timezone.localdate(),
        proposal_version=round,
        outcome=outcome if decided else "",
        reviewer=world.lily if decided else None,
        decided_at=at(decided, 16) if decided else None,
    )


def payment(world, c, amount, on: date, kind="fine"):
    from zhifa.cases.models import Payment

    return Payment.objects.create(
        case=c, kind=kind, amount=Decimal(amount), paid_on=on, recorded_by=world.alice
    )


def accident(board, on: date, deaths=0):
    from zhifa.accidents.models import Accident

    return Accident.objects.create(
        board=board,
        unit_name="某某五金加工厂",
        occurred_at=at(on, 8),
        reported_at=at(on, 8) + timedelta(minutes=30),
        place="冲压车间",
        category="industry_trade",
        deaths=deaths,
    )


def training(board, officer, on: date, hours="3"):
    from zhifa.training.models import Attendance, TrainingSession

    session = TrainingSession.objects.create(
        board=board, kind="drill", title="岗位练兵", date=on, hours=Decimal(hours)
    )
    return Attendance.objects.create(session=session, officer=officer, attended=True)


def make_bulletin(first: date, status="draft", *, figures=None):
    """A bulletin stored directly, with a stand-in PDF (rendering is tested in test_pdf)."""
    from zhifa.bulletins import figures as F
    from zhifa.bulletins.models import Bulletin

    return Bulletin.objects.create(
        month=first,
        status=status,
        figures=figures if figures is not None else F.compute(first),
        pdf_sha256=storage.put_bytes(b"%PDF-1.4 bulletin " + first.isoformat().encode()),
        pdf_size=24,
        published_at=timezone.now() if status == "published" else None,
    )

"""Builders for case tests: a case of 湖塘镇 (board A) handled by alice and a second certified officer,
walked step by step through the real services to any state.

Personas: alice (board officer, handles), albert (board leader, reviews the registration), dan (district
leader, heads the district bureau in whose name board cases are decided), lily (legal reviewer, holds the
legal profession qualification), bob (board B, sees nothing of board A).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from zhifa.cases import services
from zhifa.cases.choices import CaseStatus, DecisionKind, PenaltyKind, Procedure, ReviewItem, SourceKind
from zhifa.core.testing import make_enterprise, make_officer


def violation_type(code: str = "97-1", *, max_fine=Decimal("100000"), min_fine=Decimal("0"), party="unit"):
    """A violation type of the catalogue in force (the seeded one where present)."""
    from zhifa.discretion.models import Catalogue

    today = timezone.localdate()
    catalogue = Catalogue.objects.in_force(today)
    if catalogue is not None:
        found = catalogue.violation_types.filter(party=party).order_by("order", "pk")
        if found.filter(code=code).exists():
            return found.get(code=code)
        if found.exists() and code == "97-1":
            return found.filter(max_fine__gte=Decimal("50000")).first() or found.first()
    return make_violation_type(code, max_fine=max_fine, min_fine=min_fine, party=party)


def make_violation_type(code, *, max_fine, min_fine=Decimal("0"), party="unit"):
    from zhifa.discretion.models import Catalogue, Tier, ViolationType

    catalogue, _ = Catalogue.objects.get_or_create(
        name="测试裁量基准", defaults={"effective_from": date(2020, 1, 1), "status": "published"}
    )
    vt, created = ViolationType.objects.get_or_create(
        catalogue=catalogue,
        code=code,
        defaults={
            "name": "未按规定对从业人员进行安全生产教育和培训",
            "article_violated": "《中华人民共和国安全生产法》第二十八条",
            "penalty_article": "《中华人民共和国安全生产法》第九十七条第（三）项",
            "party": party,
            "min_fine": min_fine,
            "max_fine": max_fine,
        },
    )
    if created:
        third = (max_fine * Decimal("0.3")).quantize(Decimal("1"))
        sixty = (max_fine * Decimal("0.6")).quantize(Decimal("1"))
        Tier.objects.create(
            violation_type=vt,
            level="no_penalty",
            conditions="初次违法且危害后果轻微并及时改正",
            min_fine=0,
            max_fine=0,
            order=0,
        )
        Tier.objects.create(
            violation_type=vt, level="lenient", conditions="从轻", min_fine=min_fine, max_fine=third, order=1
        )
        Tier.objects.create(
            violation_type=vt, level="ordinary", conditions="一般", min_fine=third, max_fine=sixty, order=2
        )
        Tier.objects.create(
            violation_type=vt, level="severe", conditions="从重", min_fine=sixty, max_fine=max_fine, order=3
        )
    return vt


def partner(world):
    """The second certified officer of board A who handles cases with alice."""
    if "ada" not in world.users:
        world.users["ada"] = make_officer(world.board_a, name="艾达")
    return world.users["ada"]


def new_case(world, *, user=None, enterprise=None, procedure=Procedure.GENERAL, officers=None, **fields):
    user = user or world.alice
    enterprise = enterprise or make_enterprise(world.board_a, name="常州湖塘精密机械有限公司")
    officers = officers or [world.alice.officer, partner(world)]
    fields.setdefault("source_kind", SourceKind.INSPECTION)
    fields.setdefault("cause", "未按规定对从业人员进行安全生产教育和培训")
    fields.setdefault("facts", "2026年11月检查发现，该公司3名新入职员工未经安全生产教育和培训即上岗作业。")
    fields.setdefault("party_address", "常州市武进区湖塘镇长虹路88号")
    fields.setdefault("party_representative", "王建国")
    return services.create_case(
        user=user, enterprise=enterprise, officers=officers, procedure=procedure, **fields
    )


def review_data(outcome="approve", opinion="", fail=()):
    checklist = {
        item.value: {
            "result": "fail" if item.value in fail else "pass",
            "note": "证据不足" if item.value in fail else "",
        }
        for item in ReviewItem
    }
    return {"outcome": outcome, "opinion": opinion, "checklist": checklist}


def proposal_data(world, *, fine=Decimal("40000"), kind=DecisionKind.PENALTY, reason="", **extra):
    data = {
        "violation_type": violation_type(),
        "decision_kind": kind,
        "penalty_kinds": [PenaltyKind.FINE] if kind == DecisionKind.PENALTY else [],
        "proposed_fine": fine if kind == DecisionKind.PENALTY else None,
        "deviation_reason": reason,
        "factors": [],
    }
    data.update(extra)
    return data


def record_data(world, **extra):
    data = {
        "on": timezone.localdate(),
        "place": "该公司办公室",
        "person": "王建国",
        "person_title": "法定代表人",
        "content": "问：新入职员工是否经过安全生产教育和培训？答：还没有来得及培训。",
        "officers": [world.alice.officer, partner(world)],
    }
    data.update(extra)
    return data


#: The general procedure in order: (step, persona, data factory)
PATH = [
    ("submit_registration", "alice", lambda w: {"opinion": "建议立案"}),
    ("review_registration", "albert", lambda w: {"outcome": "agree", "opinion": "同意立案"}),
    ("approve_registration", "dan", lambda w: {"outcome": "agree", "opinion": "同意立案调查"}),
    ("record_inquiry", "alice", record_data),
    ("set_proposal", "alice", proposal_data),
    (
        "submit_handling",
        "alice",
        lambda w: {
            "investigation_report": "经调查，当事人未对3名新入职员工进行安全生产教育和培训，违反安全生产法第二十八条，建议罚款四万元。"
        },
    ),
    ("approve_handling", "dan", lambda w: {"outcome": "agree", "opinion": "同意，报法制审核"}),
    ("legal_review", "lily", lambda w: review_data()),
    ("notify", "alice", lambda w: {}),
    ("decide", "dan", lambda w: {"party_waived": True, "opinion": "同意处罚"}),
    (
        "serve",
        "alice",
        lambda w: {
            "method": "direct",
            "served_at": timezone.now() - timedelta(minutes=5),
            "recipient_name": "王建国",
            "place": "该公司",
        },
    ),
    (
        "record_payment",
        "alice",
        lambda w: {
            "kind": "fine",
            "amount": Decimal("40000"),
            "paid_on": timezone.localdate(),
            "receipt_number": "JS2026-001",
        },
    ),
    ("close", "dan", lambda w: {"opinion": "执行完毕，同意结案"}),
    ("archive", "alice", lambda w: {}),
]


def walk(world, case, *, until: str, skip: tuple[str, ...] = ()):
    """Run the PATH steps up to and including ``until``, starting from wherever the case stands."""
    for name, persona, data in PATH:
        if name in skip:
            continue
        from zhifa.cases.workflow import BY_NAME

        if (
            case.status in BY_NAME[name].sources
            or name in ("record_inquiry", "set_proposal")
            and case.status == CaseStatus.INVESTIGATING
        ):
            case = services.perform(case, name, getattr(world, persona), data(world))
        if name == until:
            return case
    raise ValueError(until)

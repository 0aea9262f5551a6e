"""Builders for the portal's tests: decided cases of board A (a unit's, an individual's), a draw, and
every public URL resolved from the URL configuration."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone

from zhifa.cases import services as case_services
from zhifa.cases.choices import PartyKind, Procedure, SourceKind
from zhifa.cases.tests.helpers import make_violation_type, new_case, partner, proposal_data, review_data, walk
from zhifa.core.testing import make_enterprise, make_officer, valid_id_number

#: The individual party of ``person_case``: every value here must stay off the public portal.
PERSON = {
    "name": "王小明",
    "masked": "王*明",
    "id_number": valid_id_number(777, birth="19900315"),
    "phone": "13912345678",
    "address": "常州市武进区湖塘镇花园新村5幢302室",
}
DEVIATION = "当事人系初次违法且主动配合调查，酌情从轻处罚"
REVIEWER_OPINION = "经审核，事实清楚证据确凿，同意按拟处理意见作出处罚"


def decided_case(world, **fields):
    """A unit's case of board A walked to a penalty decision (the decide step opens the publication
    deadline)."""
    return walk(world, new_case(world, **fields), until="decide")


def person_case(world):
    """An individual's case whose facts name the person with ID number, phone and address, decided
    after a proposal below the proposed tier (with a written deviation reason) and a legal review with
    an opinion: all of it internal."""
    case = case_services.create_case(
        user=world.alice,
        board=world.board_a,
        officers=[world.alice.officer, partner(world)],
        procedure=Procedure.GENERAL,
        source_kind=SourceKind.COMPLAINT,
        party_kind=PartyKind.PERSON,
        party_name=PERSON["name"],
        party_code=PERSON["id_number"],
        party_phone=PERSON["phone"],
        party_address=PERSON["address"],
        cause="未取得特种作业操作证上岗作业",
        facts=(
            f"经查，{PERSON['name']}（身份证号码{PERSON['id_number']}，联系电话{PERSON['phone']}，"
            f"住{PERSON['address']}）未取得特种作业操作证，于2026年10月擅自从事电焊作业。"
        ),
    )
    case = walk(world, case, until="record_inquiry")
    violation = make_violation_type("P-1", max_fine=Decimal("10000"), party="person")
    case = case_services.perform(
        case,
        "set_proposal",
        world.alice,
        proposal_data(world, violation_type=violation, fine=Decimal("1000"), reason=DEVIATION),
    )
    case = walk(world, case, until="approve_handling", skip=("set_proposal",))
    case = case_services.perform(case, "legal_review", world.lily, review_data(opinion=REVIEWER_OPINION))
    return walk(world, case, until="decide", skip=("set_proposal",))


def make_draw(world, *, enterprises=2, revealed=True):
    """A district-wide draw stored directly (the engine is tested in zhifa.planning) with its result
    rows: enterprises of board A drawn for alice and a second officer with eve."""
    from zhifa.planning.choices import DrawStatus
    from zhifa.planning.models import Draw, DrawAssignment

    now = timezone.now()
    draw = Draw.objects.create(
        district=world.district,
        year=now.year,
        month=now.month,
        algorithm_version="zhifa-draw/1 (test)",
        status=DrawStatus.DRAWN if revealed else DrawStatus.COMMITTED,
        commitment="c" * 64,
        seed_hex="5" * 64 if revealed else "",
        pool_json="{}",
        pool_hash="a" * 64,
        result_hash="b" * 64 if revealed else "",
        created_by=world.dan,
        committed_at=now - timedelta(minutes=5),
        drawn_at=now if revealed else None,
        revealed_at=now if revealed else None,
    )
    second = make_officer(world.board_a)
    for position in range(enterprises):
        DrawAssignment.objects.create(
            draw=draw,
            position=position,
            enterprise=make_enterprise(world.board_a, name=f"抽中企业{draw.pk}-{position}有限公司"),
            board=world.board_a,
            planned_date=timezone.localdate() + timedelta(days=3),
            officer_1=world.alice.officer,
            officer_2=second,
            expert=world.eve.expert,
        )
    return draw


def public_route_names() -> list[str]:
    """Every route of the portal and of its JSON, read from the URL configuration."""
    names: set[str] = set()

    def visit(patterns, namespace=None):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                ns = pattern.namespace
                visit(pattern.url_patterns, f"{namespace}:{ns}" if namespace and ns else ns or namespace)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if name.startswith("disclosure:") or name.startswith("public-"):
                    names.add(name)

    visit(get_resolver().url_patterns)
    return sorted(names)


def public_urls(objects: dict[str, object]) -> list[str]:
    """The URL of every public route; a route taking a pk gets the object of its kind from ``objects``
    (keyed "decision" or "draw" by the route's name), and a route of an unknown kind fails the test."""
    urls = []
    for name in public_route_names():
        try:
            urls.append(reverse(name))
            continue
        except NoReverseMatch:
            pass
        kind = next((k for k in objects if k in name), None)
        assert kind is not None, f"{name}: no test object for this public route"
        urls.append(reverse(name, kwargs={"pk": objects[kind].pk}))  # type: ignore[attr-defined]
    return urls

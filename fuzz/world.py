"""A small district for the fuzzer to meet real rows: the named personas (zhifa.core.testing), enterprises
of both boards, inspections signed with hazards and a rectification order, penalty cases at several steps
(with their issued documents), an accident and a training session. Everything is made through the
services, as a user would."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zhifa.cases.tests.helpers import new_case, walk
from zhifa.core.testing import World, build_world, make_enterprise, today
from zhifa.inspections import services as inspections
from zhifa.inspections.tests.test_api import draft, make_checklist


def populate() -> World:
    world = build_world()
    checklist = make_checklist("fuzz")
    for n, board in enumerate((world.board_a, world.board_a, world.board_b), start=1):
        make_enterprise(board, name=f"常州模糊测试{n}号机械有限公司")
    # Board A: a draft, a signed inspection with hazards under a rectification order.
    draft(world, checklist)
    signed = inspections.sign_off(draft(world, checklist, complete=True), user=world.alice)
    deadlines = {h.pk: today() + timedelta(days=10) for h in signed.hazards.all()}
    inspections.issue_rectification_order(signed, deadlines, user=world.alice)
    # Board B: a draft of its own, out of board A's reach.
    draft(world, checklist, board=world.board_b, officers=[world.bob.officer, _second_officer(world.board_b)])
    # Cases: one just registered, one under investigation, one decided and served (documents issued).
    new_case(world)
    walk(world, new_case(world), until="approve_registration")
    walk(world, new_case(world), until="serve")
    _accident(world)
    return world


def _second_officer(board):
    from zhifa.core.testing import make_officer

    return make_officer(board, name="贝丝")


def _accident(world) -> None:
    from zhifa.accidents.tests.helpers import make_accident

    make_accident(world.board_a, timezone.now() - timedelta(days=3))

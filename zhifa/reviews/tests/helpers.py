"""Builders for the review tests: closed cases walked through the real procedure, a round, its draw.

Personas (zhifa.core.testing): alice and her partner 艾达 handle board A's cases, bob is a board-B
officer, bruce a brigade officer, dan the district leader who organises rounds.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from zhifa.cases.tests.helpers import new_case, walk
from zhifa.core.testing import make_enterprise
from zhifa.reviews import services
from zhifa.reviews.models import ReviewRound, Rubric

RUBRIC = "行政处罚案卷评查评分标准（示例）"


def closed_case(world, *, board=None, user=None, officers=None, **fields):
    """A case walked through the general procedure to 已结案 by its handlers (board A's by default)."""
    enterprise = make_enterprise(board or world.board_a)
    case = new_case(world, user=user, enterprise=enterprise, officers=officers, **fields)
    return walk(world, case, until="close")


def rubric() -> Rubric:
    return Rubric.objects.get(name=RUBRIC, version=1)


def make_round(world, *, user=None, per_board=1, start=None, end=None, pool=None, **fields) -> ReviewRound:
    today = timezone.localdate()
    round_ = ReviewRound(
        name=fields.pop("name", "2026年度行政处罚案卷评查"),
        period_start=start or today - timedelta(days=30),
        period_end=end or today,
        per_board=per_board,
        rubric=rubric(),
        **fields,
    )
    return services.save_round(round_, user=user or world.dan, pool=pool)


def full_marks(round_: ReviewRound, **points) -> dict[str, services.Entry]:
    """Every item at its maximum, except the points given by item code."""
    entries = {}
    for item in round_.rubric.items.all():
        if item.is_veto:
            entries[item.code] = services.Entry(veto=False)
        else:
            entries[item.code] = services.Entry(points=Decimal(points.get(item.code, item.max_points)))
    return entries


def form_data(round_: ReviewRound, **values) -> dict:
    """The scoring form's fields (the API posts the same names): every item at its maximum."""
    data: dict = {"comment": "卷宗整体规范"}
    for item in round_.rubric.items.all():
        data[item.code] = False if item.is_veto else str(item.max_points)
    data.update(values)
    return data


def day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def board_b_world(world):
    """The same world seen from board B: bob handles with a partner of his board, bella reviews the
    registration (``walk`` reads the personas by name)."""
    from zhifa.core.roles import Role
    from zhifa.core.testing import World, make_officer, make_user
    from zhifa.orgs.choices import Post

    if "bella" not in world.users:
        world.users["bella"] = make_user(
            "bella",
            Role.BOARD_LEADER,
            region=world.board_b,
            officer=make_officer(world.board_b, Post.BOARD_LEADER, name="贝拉"),
        )
    if "bo" not in world.users:
        world.users["bo"] = make_officer(world.board_b, name="波波")
    users = {**world.users, "alice": world.bob, "albert": world.bella, "ada": world.users["bo"]}
    return World(world.district, world.board_b, world.board_a, users)


def closed_case_b(world, **fields):
    """A case of board B walked to 已结案 by bob and 波波."""
    other = board_b_world(world)
    return closed_case(other, board=world.board_b, user=world.bob, **fields)


def scoring_round(world, cases, *, pool=None, **fields):
    """A round drawn from ``cases``' period (every file, one reviewer pool) and open for scoring."""
    round_ = make_round(world, per_board=len(cases), pool=pool, **fields)
    round_ = services.sample(round_, user=world.dan)
    return services.start_scoring(round_, user=world.dan)

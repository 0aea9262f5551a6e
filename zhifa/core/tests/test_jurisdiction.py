"""Jurisdiction: board users see their own board; district roles all; a secondment adds a board for its period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zhifa.core.scoping import board_ids
from zhifa.core.testing import make_enterprise
from zhifa.enterprises.models import Enterprise
from zhifa.orgs.models import Secondment

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_enterprises(world):
    return make_enterprise(world.board_a, name="甲板块企业"), make_enterprise(
        world.board_b, name="乙板块企业"
    )


def test_a_board_officer_sees_only_their_boards_enterprises(world, two_enterprises):
    a, b = two_enterprises
    visible = set(Enterprise.objects.restrict(world.alice, "view"))
    assert a in visible and b not in visible


def test_district_roles_see_every_board(world, two_enterprises):
    for persona in ("dan", "bruce", "lily"):
        assert set(two_enterprises) <= set(Enterprise.objects.restrict(getattr(world, persona), "view"))


def test_roles_without_the_permission_see_nothing(world, two_enterprises):
    for persona in ("sam", "sue", "audrey", "eve"):
        assert not Enterprise.objects.restrict(getattr(world, persona), "view").exists()


def test_the_safety_manager_sees_but_does_not_override_classes(world, two_enterprises):
    assert world.amy.has_perm("enterprises.view_enterprise")
    assert not world.amy.has_perm("enterprises.override_class")


def test_anonymous_and_inactive_users_see_nothing(world, two_enterprises):
    from django.contrib.auth.models import AnonymousUser

    assert not Enterprise.objects.restrict(AnonymousUser(), "view").exists()
    world.alice.is_active = False
    assert not Enterprise.objects.restrict(world.alice, "view").exists()


def test_a_seconded_officer_acts_in_the_board_of_secondment_only_for_its_period(world, two_enterprises):
    from zhifa.core.roles import Role
    from zhifa.core.testing import make_officer, make_user
    from zhifa.orgs.choices import Post

    today = timezone.localdate()
    officer = make_officer(world.district, Post.BRIGADE_OFFICER, name="派驻队员")
    # An account bound to board A whose officer is seconded to board B for this month.
    user = make_user("seconded", Role.BOARD_OFFICER, region=world.board_a, officer=officer)
    Secondment.objects.create(
        officer=officer, region=world.board_b, start=today - timedelta(days=3), end=today + timedelta(days=3)
    )
    assert board_ids(user, today) == {world.board_a.pk, world.board_b.pk}
    assert board_ids(user, today + timedelta(days=10)) == {world.board_a.pk}
    assert set(two_enterprises) <= set(Enterprise.objects.restrict(user, "change"))


def test_an_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError):
        Enterprise.objects.restrict(world.alice, "approve")

"""The publication queue: decisions awaiting publication with their due dates, for the district's roles
and board leaders (their own board), with a button for those who may publish."""

from __future__ import annotations

import pytest

from zhifa.core.roles import Role
from zhifa.core.testing import make_officer, make_user
from zhifa.disclosure.models import Publication
from zhifa.disclosure.tests.helpers import decided_case
from zhifa.orgs.choices import Post

pytestmark = pytest.mark.django_db

QUEUE = "/disclosure/"


def test_the_queue_needs_a_signed_in_user_with_the_permission(world, web):
    response = web(None).get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for persona in ("amy", "alice", "bob", "eve", "sam"):
        assert web(getattr(world, persona)).get(QUEUE).status_code == 403, persona


def test_the_queue_lists_decisions_with_their_due_date_and_publishes_them(world, web):
    bella = make_user(
        "bella",
        Role.BOARD_LEADER,
        region=world.board_b,
        officer=make_officer(world.board_b, Post.BOARD_LEADER),
    )
    case = decided_case(world)
    due = case.deadlines.get(rule_code="publication").due_on
    publish_url = f"/disclosure/cases/{case.pk}/publish/"
    # The district's roles and board A's leader see it with its due date; only publishers get the button
    for persona, button in (("dan", True), ("bruce", True), ("albert", True), ("lily", False)):
        page = web(getattr(world, persona)).get(QUEUE).content.decode()
        assert case.decision_number in page and due.isoformat() in page, persona
        assert (publish_url in page) is button, persona
    # Board B's leader sees nothing of board A, and cannot publish it
    assert case.decision_number not in web(bella).get(QUEUE).content.decode()
    assert web(bella).post(publish_url).status_code == 404
    # A legal reviewer reads the queue but does not publish
    assert web(world.lily).post(publish_url).status_code == 403
    # Publishing from the queue
    response = web(world.bruce).post(publish_url, follow=True)
    assert response.status_code == 200
    assert Publication.objects.filter(case=case, published_by=world.bruce).exists()
    page = response.content.decode()
    assert "已公示" in page and publish_url not in page
    # Publishing again is refused with a message, not an error page
    again = web(world.bruce).post(publish_url, follow=True)
    assert again.status_code == 200 and "该行政处罚决定已公示" in again.content.decode()
    assert Publication.objects.count() == 1

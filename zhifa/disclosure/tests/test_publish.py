"""Publishing a decided case's penalty decision: the snapshot, the deadline, who may publish and when."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from zhifa.cases.models import CaseEvent
from zhifa.cases.tests.helpers import new_case
from zhifa.core.roles import Role
from zhifa.core.testing import make_officer, make_user
from zhifa.disclosure import services
from zhifa.disclosure.models import Publication
from zhifa.disclosure.tests.helpers import decided_case
from zhifa.orgs.choices import Post

pytestmark = pytest.mark.django_db


def test_publishing_meets_the_publication_deadline_and_freezes_what_is_public(world):
    # Given a unit's decided case: the decide step opened the seven-working-day publication deadline
    case = decided_case(world)
    deadline = case.deadlines.get(rule_code="publication")
    assert deadline.met_at is None and deadline.due_on > case.decided_on
    assert list(services.awaiting(world.bruce)) == [case]
    assert services.awaiting(world.bruce)[0].publication_due == deadline.due_on
    # When a brigade officer publishes it
    publication = services.publish_decision(case, world.bruce)
    # Then the deadline is met, the case's history records it, and the queue is empty
    deadline.refresh_from_db()
    assert deadline.met_at is not None and not deadline.is_overdue
    assert CaseEvent.objects.filter(case=case, transition="publish", actor=world.bruce).exists()
    assert list(services.awaiting(world.bruce)) == []
    # and the snapshot holds the decision as decided
    content = publication.content
    assert publication.decision_number == case.decision_number == content["decision_number"]
    assert content["party_name"] == case.party_name
    assert content["party_code"] == case.party_code
    assert content["cause"] == case.cause
    assert content["facts"] == case.facts
    assert content["article_violated"] == case.violation_type.article_violated
    assert content["penalty_article"] == case.violation_type.penalty_article
    assert content["penalty"] == f"罚款人民币 {case.fine_amount} 元"
    assert content["agency"] == "常州市武进区应急管理局"
    assert content["decided_on"] == case.decided_on.isoformat()
    assert [o["name"] for o in content["officers"]] == ["艾丽", "艾达"]
    assert content["officers"][0]["certificate_number"] == world.alice.officer.certificates.get().number
    assert not {"party_phone", "party_address", "proposal", "deviation_reason"} & set(content)


def test_a_decision_is_published_once_and_a_later_edit_does_not_change_it(world):
    case = decided_case(world)
    publication = services.publish_decision(case, world.dan)
    with pytest.raises(services.PublicationError, match="已公示"):
        services.publish_decision(case, world.dan)
    case.facts = "事后修改的事实"
    case.save(update_fields=["facts"])
    publication.refresh_from_db()
    assert publication.content["facts"] != "事后修改的事实"
    assert Publication.objects.count() == 1


def test_a_case_without_a_penalty_decision_is_not_published(world):
    case = new_case(world)
    with pytest.raises(services.PublicationError, match="只有已作出行政处罚决定的案件才能公示"):
        services.publish_decision(case, world.dan)
    assert not Publication.objects.exists()


def test_board_leaders_publish_their_boards_decisions_only_and_officers_none(world):
    bella = make_user(
        "bella",
        Role.BOARD_LEADER,
        region=world.board_b,
        officer=make_officer(world.board_b, Post.BOARD_LEADER),
    )
    case = decided_case(world)
    for user, message in ((world.alice, "权限"), (world.lily, "权限"), (bella, "管辖范围")):
        with pytest.raises(PermissionDenied, match=message):
            services.publish_decision(case, user)
    assert list(services.awaiting(bella)) == []
    assert list(services.awaiting(world.albert)) == [case]
    publication = services.publish_decision(case, world.albert)
    assert publication.published_by == world.albert
    assert publication.published_at <= timezone.now()

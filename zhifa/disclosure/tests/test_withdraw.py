"""Revoking a published case withdraws its publication: the row stays, the content goes, a notice shows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhifa.cases import services as case_services
from zhifa.cases.choices import CaseStatus
from zhifa.cases.tests.helpers import new_case
from zhifa.disclosure import services
from zhifa.disclosure.models import Publication
from zhifa.disclosure.tests.helpers import decided_case

pytestmark = pytest.mark.django_db

REASON = "经复查，认定的违法主体有误，依法撤销本案"


def test_revoking_a_published_case_withdraws_it_with_a_notice(world, web, api):
    # Given a published decision
    case = decided_case(world)
    publication = services.publish_decision(case, world.dan)
    assert case.party_name in web(None).get("/public/decisions/").content.decode()
    # When the agency head revokes the case
    case = case_services.perform(case, "revoke", world.dan, {"opinion": REASON})
    # Then the publication is kept, withdrawn, with a notice naming the decision
    assert case.status == CaseStatus.REVOKED
    publication.refresh_from_db()
    assert publication.is_withdrawn and publication.withdrawn_by == world.dan
    assert publication.withdrawal_reason == REASON
    assert case.decision_number in publication.withdrawal_notice
    assert "撤回" in publication.withdrawal_notice
    # and the public sees the notice, not the decision
    detail = web(None).get(publication.get_absolute_url()).content.decode()
    listing = web(None).get("/public/decisions/").content.decode()
    data = api(None).get(f"/api/v1/public/decisions/{publication.pk}/").json()
    assert "撤回公告" in detail and publication.withdrawal_notice in detail
    assert data["state"] == "withdrawn" and data["content"] == {}
    assert data["withdrawal_notice"] == publication.withdrawal_notice
    for body in (detail, listing, str(data)):
        for hidden in (case.party_name, case.facts, case.cause, REASON):
            assert hidden not in body
    assert case.decision_number in listing
    # A withdrawn decision is found by its number, not by its party any more
    by_party = api(None).get("/api/v1/public/decisions/", {"q": case.party_name}).json()
    by_number = api(None).get("/api/v1/public/decisions/", {"q": case.decision_number}).json()
    assert by_party["count"] == 0 and by_number["count"] == 1


def test_withdrawing_needs_a_reason_and_happens_once(world):
    case = decided_case(world)
    services.publish_decision(case, world.dan)
    with pytest.raises(ValidationError):
        services.withdraw(case, "  ")
    first = services.withdraw(case, REASON, user=world.dan)
    assert first is not None
    withdrawn_at = first.withdrawn_at
    again = services.withdraw(case, "另一个理由", user=world.bruce)
    assert again is not None
    assert again.withdrawn_at == withdrawn_at and again.withdrawal_reason == REASON


def test_revoking_an_unpublished_case_has_nothing_to_withdraw(world):
    case = new_case(world)
    case = case_services.perform(case, "revoke", world.dan, {"opinion": REASON})
    assert case.status == CaseStatus.REVOKED
    assert not Publication.objects.exists()

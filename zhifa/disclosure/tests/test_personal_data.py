"""No public page or JSON body carries an individual's personal data or the case's internal fields.

Every public URL is read from the URL configuration, so a page or endpoint added later is covered
without touching this test (a new route taking a pk must name its object kind in ``public_urls``).
"""

from __future__ import annotations

import pytest

from zhifa.disclosure import services
from zhifa.disclosure.tests.helpers import (
    DEVIATION,
    PERSON,
    REVIEWER_OPINION,
    decided_case,
    make_draw,
    person_case,
    public_urls,
)

pytestmark = pytest.mark.django_db

#: Names of internal fields and texts that must never reach the public.
INTERNAL = ["proposal", "checklist", "deviation_reason", "investigation_report", DEVIATION, REVIEWER_OPINION]


def _bodies(web, api, urls) -> dict[str, str]:
    bodies = {}
    for url in urls:
        client = api(None) if url.startswith("/api/") else web(None)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        bodies[url] = response.content.decode()
    return bodies


def test_no_public_page_or_json_carries_an_individuals_data_or_internal_fields(world, web, api):
    # Given an individual's decided case whose facts name the person with ID number, phone and address,
    # decided after a written deviation reason and a legal review with an opinion, and published
    case = person_case(world)
    assert case.deviation_reason == DEVIATION
    assert case.legal_reviews.get().opinion == REVIEWER_OPINION
    publication = services.publish_decision(case, world.dan)
    draw = make_draw(world)
    # When every public page and endpoint is read anonymously
    urls = public_urls({"decision": publication, "draw": draw})
    assert len(urls) >= 12  # seven pages and the JSON lists and details
    bodies = _bodies(web, api, urls)
    # Then the decision is there, under the masked name ...
    listing = [url for url in urls if "decisions" in url]
    for url in listing:
        assert PERSON["masked"] in bodies[url], url
    # ... and nothing personal or internal is anywhere
    secrets = [PERSON["id_number"], PERSON["phone"], PERSON["address"], PERSON["name"]]
    for url, body in bodies.items():
        for value in secrets + INTERNAL:
            assert value not in body, (url, value)


def test_a_units_decision_names_the_unit_in_full_with_its_credit_code(world, web, api):
    case = decided_case(world)
    publication = services.publish_decision(case, world.dan)
    page = web(None).get(publication.get_absolute_url()).content.decode()
    assert case.party_name in page
    assert case.party_code in page
    assert case.party_address not in page  # the unit's address is not part of the record either
    data = api(None).get(f"/api/v1/public/decisions/{publication.pk}/").json()
    assert data["content"]["party_name"] == case.party_name
    assert data["content"]["decision_number"] == case.decision_number
    assert "party_phone" not in data["content"]

"""A certificate list filtered by an officer id that is no whole number within the database's range is
refused naming the parameter (``officer=-1.8e308`` was a 500, found by make fuzz)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("officer", ["-1.7976931348623155e+308", str(2**63), "1.5", "abc"])
def test_an_officer_id_that_is_no_record_id_is_refused_naming_it(world, api, officer):
    response = api(world.dan).get("/api/v1/certificates/", {"officer": officer})
    assert response.status_code == 400, response.content
    assert "officer" in response.json()


def test_an_officer_id_still_filters(world, api):
    response = api(world.dan).get("/api/v1/certificates/", {"officer": world.alice.officer.pk})
    assert response.status_code == 200
    assert {row["officer"] for row in response.json()["results"]} == {world.alice.officer.pk}

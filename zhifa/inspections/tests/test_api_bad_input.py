"""Hazards and inspections filtered by an id that is no whole number within the database's range: refused
naming the parameter (``enterprise=-1.3e151`` was a 500, found by make fuzz)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["-1.2772481785825233e+151", str(-(2**63) - 1), "0.5"])
@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/hazards/", "enterprise"),
        ("/api/v1/inspections/", "enterprise"),
        ("/api/v1/inspections/", "checklist"),
        ("/api/v1/inspections/", "officer"),
    ],
)
def test_an_id_that_is_no_record_id_is_refused_naming_it(world, api, url, name, value):
    response = api(world.dan).get(url, {name: value})
    assert response.status_code == 400, response.content
    assert name in response.json()

"""Bodies the API fuzzer (make fuzz) found answered with a server error, now refused in Chinese naming the
field; nothing is created."""

from __future__ import annotations

import pytest

from zhifa.cases.models import Case
from zhifa.cases.tests.test_api import create_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "officers", [[-1056831132619464769536], [2**63], [-(2**63) - 1], [1.5], ["x"], [None], [{"id": 1}]]
)
def test_officers_that_are_no_record_id_are_refused_naming_the_field(world, api, officers):
    response = api(world.alice).post("/api/v1/cases/", create_body(world, officers=officers), format="json")
    assert response.status_code == 400, response.content
    assert "officers" in response.json()
    assert not Case.objects.exists()


@pytest.mark.parametrize("enterprise", [2**63, -(2**70), 1e300])
def test_an_enterprise_that_is_no_record_id_is_refused_naming_the_field(world, api, enterprise):
    response = api(world.alice).post(
        "/api/v1/cases/", create_body(world, enterprise=enterprise), format="json"
    )
    assert response.status_code == 400, response.content
    assert "enterprise" in response.json()
    assert not Case.objects.exists()

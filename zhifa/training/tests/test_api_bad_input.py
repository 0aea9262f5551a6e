"""Query values of the officers' yearly hours that once reached int() unchecked: refused in Chinese naming
the parameter, or 404 for a unit out of reach — never a server error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/trainings/hours/"


@pytest.mark.parametrize("value", ["²", "1²", "-1", "abc"])
@pytest.mark.parametrize("name", ["year", "unit"])
def test_a_parameter_that_is_no_number_is_refused_naming_it(world, api, name, value):
    response = api(world.dan).get(URL, {name: value})
    assert response.status_code == 400, response.content
    assert name in response.json()


@pytest.mark.parametrize("unit", ["0", "9" * 30])
def test_a_unit_that_does_not_exist_is_not_found(world, api, unit):
    response = api(world.dan).get(URL, {"unit": unit})
    assert response.status_code == 404, response.content

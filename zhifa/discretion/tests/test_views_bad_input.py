"""A 试算 whose factor ids exceed a database integer is refused on the form (it was a server error)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factor", [str(2**63), str(-(2**70))])
def test_a_factor_id_beyond_a_database_integer_is_refused_on_the_form(world, web, entry, factor):
    vt = entry("97-4")
    response = web(world.alice).get(reverse("discretion:type_propose", args=[vt.pk]), {"factors": factor})
    assert response.status_code == 200
    assert "所选裁量情节不适用于该违法行为" in response.content.decode()

"""Pages that look a record up by a query parameter: a number that is not one ("²", "٣") or that no
database integer holds is treated as absent or refused in Chinese — never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.bulletins import figures
from zhifa.core.formfields import record_id
from zhifa.core.testing import make_enterprise

pytestmark = pytest.mark.django_db

NOT_IDS = ["²", "٣", "1²", "99999999999999999999999", "0", "-1", " ", "1e3"]


def test_record_id_takes_ascii_digits_within_the_database_range_only():
    assert record_id("42") == 42 and record_id(" 7 ") == 7 and record_id(9) == 9
    assert all(record_id(text) is None for text in NOT_IDS)
    assert record_id(str(2**63 - 1)) == 2**63 - 1 and record_id(str(2**63)) is None


@pytest.mark.parametrize("value", NOT_IDS)
def test_pages_treat_a_parameter_that_is_no_record_id_as_absent(world, web, value):
    make_enterprise(world.board_a)
    dan, alice, albert = world.users["dan"], world.users["alice"], world.users["albert"]
    assert web(dan).get(reverse("accidents:double_decline"), {"board": value}).status_code == 200
    assert web(albert).get(reverse("orgs:certificate_add"), {"officer": value}).status_code in (200, 403)
    assert web(alice).get(reverse("inspections:inspection_start"), {"enterprise": value}).status_code == 200


@pytest.mark.parametrize("text", ["２０２６-０１", "2026-²", "٢٠٢٦-01"])
def test_a_month_in_other_digits_is_refused_in_chinese(text):
    with pytest.raises(figures.FiguresError, match="YYYY-MM"):
        figures.parse_month(text)

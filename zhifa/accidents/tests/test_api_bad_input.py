"""Query values of the double-decline figures that once reached int() or the database unchecked: refused
in Chinese naming the parameter, or 404 for a board out of reach — never a server error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/accidents/double-decline/"


@pytest.mark.parametrize("value", ["²", "1²", "-1", "abc", "2026.5"])
@pytest.mark.parametrize("name", ["year", "board"])
def test_a_parameter_that_is_no_number_is_refused_naming_it(world, api, name, value):
    response = api(world.dan).get(URL, {name: value})
    assert response.status_code == 400, response.content
    assert name in response.json()


def test_a_year_beyond_the_calendar_is_refused_naming_it(world, api):
    response = api(world.dan).get(URL, {"year": "9" * 30})
    assert response.status_code == 400, response.content
    assert "year" in response.json()


@pytest.mark.parametrize("board", ["0", "9" * 30])
def test_a_board_that_does_not_exist_is_not_found(world, api, board):
    response = api(world.dan).get(URL, {"board": board})
    assert response.status_code == 404, response.content


def test_digits_of_other_scripts_are_read_as_numbers(world, api):
    response = api(world.dan).get(URL, {"board": "٠"})  # Arabic-Indic zero: a number, no such board
    assert response.status_code == 404, response.content

"""Input the API fuzzer (make fuzz) found answered with a server error, now refused in Chinese; and paths
under /api/ that match no route answer in JSON like every other refusal of the API."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["0", "0.0", "-1", "10000", "1e30", "abc"])
def test_a_calendar_year_out_of_range_is_refused_naming_the_field(world, api, year):
    response = api(world.dan).get("/api/v1/calendar-days/", {"year": year})
    assert response.status_code == 400, response.content
    assert "year" in response.json()


def test_a_calendar_year_in_range_still_filters(world, api):
    response = api(world.dan).get("/api/v1/calendar-days/", {"year": "2026"})
    assert response.status_code == 200
    assert all(day["date"].startswith("2026-") for day in response.json()["results"])


@pytest.mark.parametrize("path", ["/api/v1/cases/0.5/", "/api/v1/documents/1e3/pdf/", "/api/v1/nowhere/"])
def test_an_api_path_matching_no_route_answers_json_404(world, api, path):
    response = api(world.dan).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_page_matching_no_route_keeps_the_404_page(world, web):
    response = web(world.dan).get("/nowhere/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


@pytest.mark.parametrize("url", ["/api/v1/catalogues/", "/api/v1/plans/", "/api/v1/enterprises/"])
def test_a_search_with_a_nul_is_a_400_whose_body_is_an_object(world, api, url):
    response = api(world.dan).get(url, {"search": "a\x00b"})
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)

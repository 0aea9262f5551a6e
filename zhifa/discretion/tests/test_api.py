"""The benchmark API: versions and entries (read, filters, drafts hidden), 试算 over POST; constant queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.discretion import services
from zhifa.discretion.engine import propose
from zhifa.discretion.models import Catalogue, Factor, Tier, ViolationType

pytestmark = pytest.mark.django_db


def count(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def test_entries_carry_the_law_tiers_and_factors(api, world, entry):
    vt = entry("108-1")
    body = api(world.alice).get(f"/api/v1/violation-types/{vt.pk}/").json()
    assert body["code"] == "108-1" and body["penalty_article"] == "《安全生产法》第一百零八条"
    assert (body["min_fine"], body["max_fine"], body["party"]) == ("20000.00", "200000.00", "unit")
    assert body["example_values"] is True
    assert [t["level"] for t in body["tiers"]] == ["mitigated", "lenient", "ordinary", "severe"]
    assert body["tiers"][0] == {
        "level": "mitigated",
        "level_label": "减轻处罚",
        "conditions": body["tiers"][0]["conditions"],
        "min_fine": "10000.00",
        "max_fine": "20000.00",
    }
    codes = {f["code"] for f in body["factors"]}
    assert {"refuse_correct", "eliminate_harm", "first_minor_corrected"} <= codes


def test_entries_filter_by_version_date_party_and_search(api, world, seeded):
    client = api(world.alice)
    total = seeded.violation_types.count()
    assert client.get(f"/api/v1/violation-types/?catalogue={seeded.pk}&limit=1000").json()["count"] == total
    assert client.get("/api/v1/violation-types/?in_force=2026-03-01").json()["count"] == total
    assert client.get("/api/v1/violation-types/?in_force=2026-01-15").json()["count"] == 0
    persons = client.get("/api/v1/violation-types/?party=person&limit=1000").json()["results"]
    assert persons and all(r["party"] == "person" for r in persons)
    found = client.get("/api/v1/violation-types/?q=警示标志").json()["results"]
    assert [r["code"] for r in found] == ["99-1"]
    assert [r["code"] for r in client.get("/api/v1/violation-types/?q=第一百零九条").json()["results"]] == [
        "109-1",
        "109-2",
    ]
    response = client.get("/api/v1/violation-types/?in_force=2026-13-01")
    assert response.status_code == 400 and "in_force" in response.json()


def test_catalogues_list_versions_and_the_one_in_force(api, world, seeded):
    draft = services.new_version(seeded, user=None, effective_from=date(2027, 1, 1))
    services.publish(draft, user=None)
    client = api(world.bruce)
    body = client.get("/api/v1/catalogues/?in_force=2026-06-01").json()
    assert [c["id"] for c in body["results"]] == [seeded.pk]
    assert body["results"][0]["effective_to"] == "2026-12-31"
    assert body["results"][0]["type_count"] == seeded.violation_types.count()
    assert {f["code"] for f in body["results"][0]["factors"]} >= {"repeat", "coerced"}
    assert [c["id"] for c in client.get("/api/v1/catalogues/?in_force=2027-01-01").json()["results"]] == [
        draft.pk
    ]


def test_drafts_are_hidden_from_business_roles(api, world, seeded):
    draft = services.new_version(seeded, user=None)
    entry = draft.violation_types.first()
    assert api(world.alice).get(f"/api/v1/catalogues/{draft.pk}/").status_code == 404
    assert api(world.alice).get(f"/api/v1/violation-types/{entry.pk}/").status_code == 404
    ids = [c["id"] for c in api(world.alice).get("/api/v1/catalogues/").json()["results"]]
    assert draft.pk not in ids and seeded.pk in ids
    assert api(world.sam).get(f"/api/v1/catalogues/{draft.pk}/").status_code == 200


def test_the_api_is_read_only(api, world, entry):
    vt = entry("97-4")
    for client in (api(world.sam), api(world.alice)):
        assert client.patch(
            f"/api/v1/violation-types/{vt.pk}/", {"max_fine": 1}, format="json"
        ).status_code in (
            403,
            405,
        )
        assert client.delete(f"/api/v1/catalogues/{vt.catalogue_id}/").status_code in (403, 405)
    vt.refresh_from_db()
    assert vt.max_fine == 100000


def test_propose_returns_the_proposal_as_the_engine_gives_it(api, world, entry):
    vt = entry("97-4")
    response = api(world.alice).post(
        f"/api/v1/violation-types/{vt.pk}/propose/",
        {"factors": ["refuse_correct", "repeat"], "circumstances": "培训记录缺失"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    expected = propose(vt, factors=["refuse_correct", "repeat"], circumstances="培训记录缺失").as_dict()
    assert body == expected
    assert body["level"] == "severe" and body["suggested_fine"] == "80000.00"
    no_penalty = api(world.alice).post(
        f"/api/v1/violation-types/{vt.pk}/propose/",
        {"first_offence": True, "minor": True, "corrected_in_time": True},
        format="json",
    )
    assert no_penalty.json()["level"] == "no_penalty"
    assert no_penalty.json()["articles"][-1] == "《中华人民共和国行政处罚法》第三十三条第一款"


def test_propose_bad_input_is_400_with_the_field_named(api, world, entry, seeded):
    vt = entry("97-4")
    url = f"/api/v1/violation-types/{vt.pk}/propose/"
    response = api(world.alice).post(url, {"factors": ["nonsense"]}, format="json")
    assert response.status_code == 400 and "nonsense" in response.json()["factors"][0]
    response = api(world.alice).post(url, {"first_offence": "也许"}, format="json")
    assert response.status_code == 400 and "first_offence" in response.json()
    # the system administrator keeps the benchmark but does not try cases; experts see nothing
    assert api(world.sam).post(url, {}, format="json").status_code == 403
    assert api(world.eve).post(url, {}, format="json").status_code == 403
    # an entry of a draft is not found for business roles
    draft = services.new_version(seeded, user=None)
    hidden = draft.violation_types.get(code="97-4")
    assert (
        api(world.alice).post(f"/api/v1/violation-types/{hidden.pk}/propose/", {}, format="json").status_code
        == 404
    )


def test_lists_run_a_constant_number_of_queries(api, world, seeded):
    client = api(world.alice)
    few_types, _ = count(client, "/api/v1/violation-types/?limit=1000")
    few_catalogues, _ = count(client, "/api/v1/catalogues/")
    for i in range(15):
        vt = ViolationType.objects.create(
            catalogue=seeded,
            code=f"z-{i}",
            name=f"测试{i}",
            article_violated="x",
            penalty_article="y",
            max_fine=1000,
        )
        Tier.objects.create(violation_type=vt, level="ordinary", conditions="一般", min_fine=0, max_fine=1000)
        Factor.objects.create(
            catalogue=seeded, violation_type=vt, kind="aggravating", code=f"f-{i}", text="情节"
        )
    for year in range(2027, 2031):
        services.publish(
            services.new_version(
                Catalogue.objects.in_force(date(2040, 1, 1)), user=None, effective_from=date(year, 1, 1)
            ),
            user=None,
        )
    many_types, body = count(client, "/api/v1/violation-types/?limit=1000")
    assert body["count"] > 100
    assert many_types == few_types
    many_catalogues, body = count(client, "/api/v1/catalogues/")
    assert body["count"] == 5 and many_catalogues == few_catalogues

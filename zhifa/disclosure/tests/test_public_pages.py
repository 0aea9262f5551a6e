"""The portal answers everyone, read-only, on its own minimal base: nothing of the internal platform and
nothing of the visitor, signed in or not."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle

from zhifa.cases.choices import PartyKind, SourceKind
from zhifa.cases.models import Case
from zhifa.disclosure.models import Publication
from zhifa.disclosure.tests.helpers import make_draw, public_urls

pytestmark = pytest.mark.django_db


def publication_of(world, name="常州某某机械有限公司", number="（武）应急罚〔2026〕7号"):
    """A publication stored directly (publishing is tested in test_publish)."""
    case = Case.objects.create(
        board=world.board_a,
        agency=world.district,
        source_kind=SourceKind.INSPECTION,
        party_kind=PartyKind.UNIT,
        party_name=name,
        cause="未按规定对从业人员进行安全生产教育和培训",
        created_by=world.alice,
    )
    return Publication.objects.create(
        case=case,
        decision_number=number,
        decided_on=timezone.localdate(),
        agency_name="常州市武进区应急管理局",
        content={"party_name": name, "decision_number": number, "cause": case.cause, "officers": []},
        published_by=world.dan,
    )


def test_every_public_page_and_endpoint_answers_anonymously_and_signed_in(world, web, api):
    urls = public_urls({"decision": publication_of(world), "draw": make_draw(world)})
    pages = [url for url in urls if not url.startswith("/api/")]
    assert {
        "/public/",
        "/public/bodies/",
        "/public/officers/",
        "/public/decisions/",
        "/public/draws/",
    } <= set(pages)
    for url in urls:
        client = api(None) if url.startswith("/api/") else web(None)
        assert client.get(url).status_code == 200, url
    for url in pages:
        body = web(world.dan).get(url).content.decode()
        # the public base: no internal navigation, no user, no logout
        assert "/enterprises/" not in body and "/accounts/" not in body, url
        assert "退出登录" not in body and "区局领导" not in body, url
        assert "行政执法公示" in body


def test_the_portal_is_read_only(world, web, api):
    publication = publication_of(world)
    assert web(None).post("/public/decisions/").status_code == 405
    assert web(None).post(f"/public/decisions/{publication.pk}/").status_code == 405
    assert api(None).post("/api/v1/public/decisions/", {}, format="json").status_code == 405
    assert (
        api(world.dan).patch(f"/api/v1/public/decisions/{publication.pk}/", {}, format="json").status_code
        == 405
    )
    assert api(None).delete(f"/api/v1/public/decisions/{publication.pk}/").status_code == 405


def test_bad_filters_are_ignored_not_errors(world, web, api):
    publication_of(world)
    for url in (
        "/public/decisions/?year=abc&page=zz&q=%00",
        "/public/decisions/?year=99999999999999",
        "/public/officers/?unit=x&page=-1",
        "/public/officers/?unit=99999999999999999999",
        "/public/draws/?year=0",
    ):
        assert web(None).get(url).status_code == 200, url
    assert api(None).get("/api/v1/public/decisions/", {"year": "x", "limit": "y"}).status_code == 200
    assert web(None).get("/public/decisions/999999/").status_code == 404
    assert api(None).get("/api/v1/public/draws/999999/").status_code == 404


def test_decisions_are_found_by_year_and_text(world, api, web):
    publication_of(world, "常州甲机械有限公司", "（武）应急罚〔2026〕1号")
    publication_of(world, "常州乙化工有限公司", "（武）应急罚〔2026〕2号")
    found = api(None).get("/api/v1/public/decisions/", {"q": "乙化工"}).json()
    assert [r["decision_number"] for r in found["results"]] == ["（武）应急罚〔2026〕2号"]
    year = timezone.localdate().year
    assert api(None).get("/api/v1/public/decisions/", {"year": year}).json()["count"] == 2
    assert api(None).get("/api/v1/public/decisions/", {"year": year - 1}).json()["count"] == 0
    page = web(None).get("/public/decisions/", {"q": "甲机械"}).content.decode()
    assert "常州甲机械有限公司" in page and "常州乙化工有限公司" not in page


def test_the_public_json_is_throttled_per_client(world, api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    client = api(world.dan)  # a signed-in client is counted like everyone else
    assert client.get("/api/v1/public/bodies/").status_code == 200
    assert client.get("/api/v1/public/officers/").status_code == 200
    assert client.get("/api/v1/public/draws/").status_code == 429

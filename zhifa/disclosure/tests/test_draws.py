"""Draw results (事后公开): commitment, seed and hashes to verify, and the drawn enterprises by name only."""

from __future__ import annotations

import pytest

from zhifa.disclosure.tests.helpers import make_draw
from zhifa.planning.choices import DrawStatus

pytestmark = pytest.mark.django_db


def test_a_drawn_draw_shows_what_verifies_it_and_the_enterprises_by_name(world, web, api):
    draw = make_draw(world, enterprises=3)
    names = sorted(draw.assignments.values_list("enterprise__name", flat=True))
    page = web(None).get(f"/public/draws/{draw.pk}/").content.decode()
    for value in (draw.commitment, draw.seed_hex, draw.pool_hash, draw.result_hash, *names):
        assert value in page
    # the teams and dates are not published: neither officers nor the expert nor the planned day
    planned = draw.assignments.first().planned_date
    for hidden in ("艾丽", world.eve.expert.name, planned.isoformat(), f"{planned:%Y年%m月%d日}"):
        assert hidden not in page
    data = api(None).get(f"/api/v1/public/draws/{draw.pk}/").json()
    assert data["seed"] == draw.seed_hex and data["commitment"] == draw.commitment
    assert data["drawn"] == 3
    assert sorted(e["name"] for e in data["enterprises"]) == names
    assert all(set(e) == {"name", "board"} for e in data["enterprises"])
    assert "pool_json" not in data
    listing = web(None).get("/public/draws/").content.decode()
    assert f"/public/draws/{draw.pk}/" in listing


def test_a_committed_draw_shows_its_commitment_only(world, web, api):
    draw = make_draw(world, enterprises=2, revealed=False)
    page = web(None).get(f"/public/draws/{draw.pk}/").content.decode()
    assert draw.commitment in page and "尚未公开" in page
    for name in draw.assignments.values_list("enterprise__name", flat=True):
        assert name not in page
    data = api(None).get(f"/api/v1/public/draws/{draw.pk}/").json()
    assert data["seed"] == "" and data["enterprises"] == []


def test_a_superseded_draw_points_to_the_one_that_replaced_it(world, web, api):
    old = make_draw(world, enterprises=1)
    new = make_draw(world, enterprises=1)
    old.status = DrawStatus.SUPERSEDED
    old.save(update_fields=["status"])
    new.supersedes = old
    new.save(update_fields=["supersedes"])
    page = web(None).get(f"/public/draws/{old.pk}/").content.decode()
    assert "已作废" in page and f"/public/draws/{new.pk}/" in page
    assert api(None).get(f"/api/v1/public/draws/{old.pk}/").json()["superseded_by"] == new.pk

"""Public lists run a constant number of queries, whatever the number of rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.core.testing import make_officer
from zhifa.disclosure.models import BodyDisclosure
from zhifa.disclosure.tests.helpers import make_draw
from zhifa.disclosure.tests.test_public_pages import publication_of
from zhifa.orgs.models import Region

pytestmark = pytest.mark.django_db

LISTS = [
    "/public/",
    "/public/bodies/",
    "/public/officers/",
    "/public/decisions/",
    "/public/draws/",
    "/api/v1/public/bodies/",
    "/api/v1/public/officers/",
    "/api/v1/public/decisions/",
    "/api/v1/public/draws/",
]


def _counts(web, api) -> dict[str, int]:
    counts = {}
    for url in LISTS:
        client = api(None) if url.startswith("/api/") else web(None)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        counts[url] = len(ctx.captured_queries)
    return counts


def _add_rows(world, n: int, start: int) -> None:
    for i in range(start, start + n):
        publication_of(world, f"常州第{i}机械有限公司", f"（武）应急罚〔2026〕{i}号")
        make_officer(world.board_b if i % 2 else world.board_a)
        make_draw(world, enterprises=2)
        board = Region.objects.create(
            code=f"320412{900 + i}", name=f"测试板块{i}", short_name="测", kind="town", parent=world.district
        )
        BodyDisclosure.objects.create(region=board, powers="安全生产行政检查")


def test_public_lists_run_the_same_queries_for_one_row_and_for_many(world, web, api):
    _add_rows(world, 1, 1)
    few = _counts(web, api)
    _add_rows(world, 6, 2)
    many = _counts(web, api)
    assert many == few
    assert max(few.values()) <= 6

"""Fixtures of the benchmark tests: the seeded example catalogue and its entries by code."""

from __future__ import annotations

import pytest

from zhifa.discretion.models import Catalogue, ViolationType

SEEDED_NAME = "武进区安全生产行政处罚裁量基准（示例）"


@pytest.fixture
def seeded(db) -> Catalogue:
    return Catalogue.objects.get(name=SEEDED_NAME)


@pytest.fixture
def entry(seeded):
    """``entry("97-4")``: the seeded entry with that code."""

    def get(code: str) -> ViolationType:
        return ViolationType.objects.select_related("catalogue").get(catalogue=seeded, code=code)

    return get

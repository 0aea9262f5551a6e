"""Editing an enterprise on its page: the version the officer started from guards every save."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.core.testing import make_enterprise

pytestmark = pytest.mark.django_db


def _form(enterprise, **changes):
    data = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "legal_representative": enterprise.legal_representative,
        "address": enterprise.address,
        "board": enterprise.board_id,
        "industry": enterprise.industry_id,
        "sector": enterprise.sector,
        "scale": enterprise.scale,
        "major_hazard_level": enterprise.major_hazard_level,
        "standardization_grade": enterprise.standardization_grade,
        "operating_status": enterprise.operating_status,
        "contact_name": enterprise.contact_name,
        "contact_phone": "",
        "version": enterprise.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_edit_from_the_current_version_saves_and_a_stale_one_keeps_the_other_change(world, web):
    enterprise = make_enterprise(world.board_a)
    url = reverse("enterprises:enterprise_edit", args=[enterprise.pk])
    client = web(world.alice)
    first = client.post(url, _form(enterprise, address="湖塘镇新址路 8 号"))
    assert first.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.address == "湖塘镇新址路 8 号" and enterprise.version == 2

    stale = client.post(url, _form(enterprise, address="湖塘镇旧址路 1 号", version=1))
    assert stale.status_code == 200 and "该企业已被他人修改" in stale.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.address == "湖塘镇新址路 8 号" and enterprise.version == 2


def test_an_edit_without_its_version_is_refused_naming_the_reason(world, web):
    enterprise = make_enterprise(world.board_a)
    url = reverse("enterprises:enterprise_edit", args=[enterprise.pk])
    response = web(world.alice).post(url, _form(enterprise, address="湖塘镇别处 2 号", version=None))
    assert response.status_code == 200 and "缺少版本号" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.address != "湖塘镇别处 2 号" and enterprise.version == 1

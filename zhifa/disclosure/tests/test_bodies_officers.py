"""Before enforcement (事前公开): the enforcement bodies with their powers, and the officers with their
certificates — name, unit, certificate number and state, nothing personal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhifa.core.testing import make_officer
from zhifa.disclosure.models import BodyDisclosure
from zhifa.orgs.choices import CertificateStatus, PenaltyAuthority, Post
from zhifa.orgs.models import Certificate

pytestmark = pytest.mark.django_db


def test_bodies_show_the_powers_the_administrator_wrote_and_the_boards_delegation(world, web, api):
    BodyDisclosure.objects.create(
        region=world.district,
        powers="安全生产行政检查\n安全生产行政处罚\n\n安全生产行政强制",
        basis="《中华人民共和国安全生产法》",
    )
    world.board_b.penalty_authority = PenaltyAuthority.OWN
    world.board_b.delegated_powers = "对未按规定进行安全生产教育和培训的处罚"
    world.board_b.save()
    page = web(None).get("/public/bodies/").content.decode()
    assert "常州市武进区应急管理局" in page
    assert "安全生产行政强制" in page and "《中华人民共和国安全生产法》" in page
    assert "对未按规定进行安全生产教育和培训的处罚" in page
    assert str(PenaltyAuthority.OWN.label) in page and str(PenaltyAuthority.DISTRICT.label) in page
    assert "职权清单待公布" in page  # board A has no list yet
    bodies = {b["name"]: b for b in api(None).get("/api/v1/public/bodies/").json()["results"]}
    assert bodies["常州市武进区应急管理局"]["powers"] == [
        "安全生产行政检查",
        "安全生产行政处罚",
        "安全生产行政强制",
    ]
    assert bodies["牛塘镇"]["delegated_powers"] == ["对未按规定进行安全生产教育和培训的处罚"]
    assert bodies["湖塘镇"]["powers"] == []


def test_officers_are_listed_with_certificate_and_state_and_nothing_personal(world, web, api):
    today = timezone.localdate()
    expired = make_officer(
        world.board_a,
        name="过期者",
        valid_from=today - timedelta(days=800),
        valid_to=today - timedelta(days=1),
    )
    suspended = make_officer(world.board_b, name="暂扣者")
    Certificate.objects.filter(officer=suspended).update(
        status=CertificateStatus.SUSPENDED, status_reason="涉嫌违纪"
    )
    retired = make_officer(world.board_a, name="离岗者")
    retired.active = False
    retired.save(update_fields=["active"])
    page = web(None).get("/public/officers/").content.decode()
    alice = world.alice.officer
    assert alice.name in page and alice.certificates.get().number in page
    assert "过期者" in page and "已过期" in page
    assert "暂扣者" in page and "无效" in page and "涉嫌违纪" not in page
    assert "离岗者" not in page
    assert world.amy.officer.name not in page  # a safety manager holds no certificate
    for officer in (alice, expired, suspended, world.dan.officer):
        assert officer.id_number not in page and officer.phone not in page
    rows = {r["name"]: r for r in api(None).get("/api/v1/public/officers/").json()["results"]}
    assert rows["艾丽"]["certificate_state"] == "valid" and rows["艾丽"]["unit"] == "湖塘镇"
    assert rows["丹"]["unit"] == "常州市武进区应急管理局"
    assert rows["过期者"]["certificate_state"] == "expired"
    assert rows["暂扣者"]["certificate_state"] == "invalid"
    assert set(rows["艾丽"]) == {
        "name",
        "unit",
        "certificate_number",
        "certificate_valid_to",
        "certificate_state",
        "certificate_state_label",
    }
    # filtered by unit (the bodies page links here)
    board_b = web(None).get("/public/officers/", {"unit": world.board_b.pk}).content.decode()
    assert "暂扣者" in board_b and "艾丽" not in board_b
    assert str(Post.BOARD_OFFICER.label) not in page  # nor the posts

"""An officer counts as an enforcement officer on a date only with a certificate valid that day."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from zhifa.core.testing import make_officer
from zhifa.orgs.choices import CertificateStatus, Post
from zhifa.orgs.models import Certificate, Officer

pytestmark = pytest.mark.django_db


def test_validity_includes_the_first_and_last_day(world):
    officer = make_officer(world.board_a, valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31))
    assert not officer.is_certified_on(date(2025, 12, 31))
    assert officer.is_certified_on(date(2026, 1, 1))
    assert officer.is_certified_on(date(2026, 12, 31))
    assert not officer.is_certified_on(date(2027, 1, 1))


def test_a_suspended_or_revoked_certificate_counts_as_none(world):
    officer = make_officer(world.board_a)
    certificate = officer.certificates.get()
    certificate.status = CertificateStatus.SUSPENDED
    certificate.status_reason = "停职调查"
    certificate.save()
    assert not officer.is_certified_on(date.today())
    assert not Officer.objects.with_certified().get(pk=officer.pk).certified


def test_the_certified_annotation_agrees_with_the_per_officer_check(world):
    today = date.today()
    make_officer(world.board_a, valid_from=today - timedelta(days=400), valid_to=today - timedelta(days=1))
    for officer in Officer.objects.with_certified(today):
        assert officer.certified == officer.is_certified_on(today)


def test_a_safety_manager_cannot_hold_a_certificate(world):
    manager = make_officer(world.board_a, Post.SAFETY_MANAGER, certified=False)
    certificate = Certificate(
        officer=manager, number="320412009999", valid_from=date(2026, 1, 1), valid_to=date(2028, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        certificate.full_clean()
    assert "officer" in exc.value.message_dict


def test_a_certificate_cannot_end_before_it_starts(world):
    officer = make_officer(world.board_a, certified=False)
    certificate = Certificate(
        officer=officer, number="320412008888", valid_from=date(2026, 6, 1), valid_to=date(2026, 5, 1)
    )
    with pytest.raises(ValidationError) as exc:
        certificate.full_clean()
    assert "有效期至不能早于有效期起" in exc.value.message_dict["valid_to"][0]


def test_suspending_needs_a_reason(world):
    officer = make_officer(world.board_a)
    certificate = officer.certificates.get()
    certificate.status = CertificateStatus.REVOKED
    with pytest.raises(ValidationError) as exc:
        certificate.full_clean()
    assert "status_reason" in exc.value.message_dict


def test_expiring_within_lists_only_valid_certificates_ending_in_the_window(world):
    today = date.today()
    soon = make_officer(
        world.board_a, valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=30)
    )
    make_officer(world.board_a, valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=90))
    expiring = set(Certificate.objects.expiring_within(60, today).values_list("officer_id", flat=True))
    assert soon.pk in expiring
    assert len(expiring & set(Officer.objects.filter(unit=world.board_a).values_list("pk", flat=True))) == 1

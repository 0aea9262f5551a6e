"""Re-authentication: the decorator sends a stale session to the page and back to where it was going;
the page wants the password (and a code when the account has an authenticator), refuses and audits a
wrong one; a change of role in the admin waits for it and is audited with before and after."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa.accounts import mfa
from zhifa.accounts.tests.test_mfa import code_for
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.roles import Role
from zhifa.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@mfa.reauth_required
def guarded(request):
    return HttpResponse("changed")


def request_with(user, reauth_at=None):
    request = RequestFactory().post("/accounts/password/?x=1")
    request.user = user
    request.session = SessionStore()
    if reauth_at is not None:
        request.session[mfa.REAUTH_SESSION_KEY] = reauth_at
    return request


def test_the_decorator_sends_a_session_that_has_not_re_authenticated_to_the_page(world):
    response = guarded(request_with(world.alice))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reauth')}?next=%2Faccounts%2Fpassword%2F%3Fx%3D1"


def test_the_decorator_lets_a_recent_re_authentication_through_and_not_an_old_one(world):
    assert guarded(request_with(world.alice, time.time() - 10)).content == b"changed"
    stale = time.time() - settings.ZHIFA_REAUTH_SECONDS - 1
    assert guarded(request_with(world.alice, stale)).status_code == 302
    assert guarded(request_with(world.alice, "not a time")).status_code == 302
    assert guarded(request_with(world.alice, time.time() + 3600)).status_code == 302  # from the future


def test_the_password_again_re_authenticates_and_returns_to_next(world, client):
    client.force_login(world.alice)
    page = client.get(reverse("reauth"), {"next": "/accounts/tokens/"})
    assert page.status_code == 200 and 'name="code"' not in page.content.decode()
    response = client.post(reverse("reauth"), {"password": PASSWORD, "next": "/accounts/tokens/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/tokens/"
    assert mfa.REAUTH_SESSION_KEY in client.session
    assert AuditEntry.objects.filter(
        action=AuditAction.REAUTH, user_id=world.alice.pk, message="再次验证身份通过"
    )


def test_a_wrong_password_is_refused_and_audited(world, client):
    client.force_login(world.alice)
    response = client.post(reverse("reauth"), {"password": "wrong-password-1", "next": "/accounts/tokens/"})
    assert response.status_code == 200
    assert "密码：密码不正确" in response.content.decode()
    assert mfa.REAUTH_SESSION_KEY not in client.session
    assert AuditEntry.objects.filter(
        action=AuditAction.REAUTH, user_id=world.alice.pk, message__contains="失败"
    )


def test_an_account_with_an_authenticator_also_gives_a_code(world, client):
    client.force_login(world.lily)  # the suite's sign-in gives lily a device
    assert 'name="code"' in client.get(reverse("reauth")).content.decode()
    response = client.post(reverse("reauth"), {"password": PASSWORD, "code": "000000"})
    assert response.status_code == 200 and "动态口令：口令不正确" in response.content.decode()
    assert mfa.REAUTH_SESSION_KEY not in client.session
    device = TOTPDevice.objects.get(user=world.lily)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = client.post(reverse("reauth"), {"password": PASSWORD, "code": code_for(device)})
    assert response.status_code == 302
    assert mfa.REAUTH_SESSION_KEY in client.session


def test_next_never_leads_off_the_site(world, client):
    client.force_login(world.alice)
    response = client.post(reverse("reauth"), {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def _role_change(client, user, role, region):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    return client.post(
        url,
        {"role": role, "region": region.pk, "officer": user.officer_id or "", "expert": "", "_save": "1"},
    )


def test_a_role_change_waits_for_re_authentication_and_is_audited_with_before_and_after(world, client):
    alice = world.alice
    client.force_login(world.sue)
    response = _role_change(client, alice, Role.BOARD_LEADER, world.board_a)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    alice.refresh_from_db()
    assert alice.role == Role.BOARD_OFFICER

    session = client.session
    session[mfa.REAUTH_SESSION_KEY] = time.time()
    session.save()
    response = _role_change(client, alice, Role.BOARD_LEADER, world.board_a)
    assert response.status_code == 302, response.content.decode()[:2000]
    alice.refresh_from_db()
    assert alice.role == Role.BOARD_LEADER
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE, object_id=str(alice.pk))
    assert entry.user_id == world.sue.pk
    assert entry.before["role"] == Role.BOARD_OFFICER and entry.after["role"] == Role.BOARD_LEADER


def test_saving_an_account_without_changing_its_role_needs_no_re_authentication(world, client):
    client.force_login(world.sue)
    response = _role_change(client, world.alice, Role.BOARD_OFFICER, world.board_a)
    assert response.status_code == 302 and not response["Location"].startswith(reverse("reauth"))
    assert not AuditEntry.objects.filter(action=AuditAction.ROLE_CHANGE).exists()

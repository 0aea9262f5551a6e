"""Failed-login lockout: per account and per address, lifting after the cool-off, audited, unlockable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from zhifa.core import clientip
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(username: str, password: str, ip: str = "10.1.1.1"):
    """A sign-in through the login page from ``ip`` (a fresh browser each time)."""
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


def test_four_failures_do_not_lock(world):
    for _ in range(4):
        assert attempt("alice", "wrong-password").status_code == 200
    assert signed_in(attempt("alice", PASSWORD))


def test_five_failures_lock_the_account_from_every_address(world):
    responses = [attempt("alice", f"wrong-{n}", ip=f"10.2.0.{n}") for n in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    page = responses[-1].content.decode()
    assert "已被锁定" in page and "15 分钟后再试" in page
    # the right password, from yet another address, is refused before it is checked
    refused = attempt("alice", PASSWORD, ip="10.9.9.9")
    assert refused.status_code == 429 and "_auth_user_id" not in refused.wsgi_request.session
    # other accounts are untouched
    assert signed_in(attempt("bob", PASSWORD, ip="10.9.9.9"))


def test_five_failures_from_one_address_lock_the_address_for_every_account(world):
    for name in ("nobody", "alice", "bob", "albert", "guess"):
        attempt(name, "wrong-password", ip="10.3.3.3")
    assert attempt("amy", PASSWORD, ip="10.3.3.3").status_code == 429
    assert signed_in(attempt("amy", PASSWORD, ip="10.3.3.4"))


def test_the_lock_lifts_once_the_minutes_have_passed(world):
    for _ in range(5):
        attempt("alice", "wrong-password")
    assert attempt("alice", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert signed_in(attempt("alice", PASSWORD))


def test_the_limit_and_the_minutes_are_configurable(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    for _ in range(3):
        response = attempt("alice", "wrong-password")
    assert response.status_code == 429 and "30 分钟后再试" in response.content.decode()


def test_every_attempt_is_logged_and_the_lockout_audited_without_the_password(world):
    for n in range(6):
        attempt("alice", f"secret-guess-{n}", ip="10.4.4.4")
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, object_repr="alice")
    assert failed.count() == 6
    assert AccessFailureLog.objects.filter(username="alice").count() == 6
    locks = list(AuditEntry.objects.filter(action=AuditAction.LOCKOUT).order_by("id"))
    assert len(locks) == 2  # locked at the fifth, locked again by the sixth
    assert locks[0].object_id == str(world.alice.pk)
    assert "连续登录失败" in locks[0].message and "账号 alice（5 次）" in locks[0].message
    assert "锁定期间再次尝试" in locks[1].message
    stored = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "secret-guess" not in stored


def test_a_sign_in_from_code_without_a_request_is_not_counted(world):
    """The management shell and the demo's own checks call authenticate() without a request."""
    assert authenticate(username="alice", password=PASSWORD) == world.alice
    assert authenticate(username="alice", password="wrong") is None
    assert not AccessAttempt.objects.exists()


# --- The client address --------------------------------------------------------------------------


def _request(remote: str, forwarded: str = ""):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(settings):
    assert clientip.client_ip(_request("203.0.113.5", "10.0.0.1")) == "203.0.113.5"
    settings.ZHIFA_TRUSTED_PROXIES = ["192.168.10.0/24"]
    # a client cannot choose its address by sending the header to the proxy itself
    assert clientip.client_ip(_request("192.168.10.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert clientip.client_ip(_request("192.168.10.2", "198.51.100.7, 192.168.10.3")) == "198.51.100.7"
    assert clientip.client_ip(_request("192.168.10.2", "not-an-address")) == "192.168.10.2"
    assert clientip.client_ip(_request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_forwarded_address_is_locked(world, settings):
    settings.ZHIFA_TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(5):
        proxy.post(LOGIN, {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    blocked = proxy.post(
        LOGIN, {"username": "amy", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert blocked.status_code == 429
    other = proxy.post(LOGIN, {"username": "amy", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert signed_in(other)
    # the audit chain names the same client address as the lockout, not the proxy's
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).values_list("ip", flat=True)
    assert set(failed) == {"198.51.100.7"}
    assert AuditEntry.objects.get(action=AuditAction.LOGIN, username="amy").ip == "198.51.100.8"


# --- The security administrator ------------------------------------------------------------------


def test_sue_sees_the_locked_account_and_address_and_unlocks_them_with_a_reason(world, web):
    for _ in range(5):
        attempt("alice", "wrong-password", ip="10.5.5.5")
    for name in ("n1", "n2", "n3", "n4", "n5"):
        attempt(name, "wrong-password", ip="10.7.7.7")
    client = web(world.sue)
    page = client.get(reverse("lockout_list")).content.decode()
    assert "alice" in page and "10.5.5.5" in page and "10.7.7.7" in page
    refused = client.post(reverse("lockout_unlock"), {"kind": "account", "value": "alice", "reason": " "})
    assert refused.status_code == 400 and "原因：必填" in refused.content.decode()
    bad_ip = client.post(reverse("lockout_unlock"), {"kind": "address", "value": "10.7.7", "reason": "误锁"})
    assert bad_ip.status_code == 400 and "不是有效的 IP 地址" in bad_ip.content.decode()
    response = client.post(
        reverse("lockout_unlock"), {"kind": "account", "value": "alice", "reason": "本人电话确认，忘记密码"}
    )
    assert response.status_code == 302
    assert signed_in(attempt("alice", PASSWORD, ip="10.6.6.6"))
    # the address locked by failures against other accounts stays locked until unlocked itself
    assert attempt("amy", PASSWORD, ip="10.7.7.7").status_code == 429
    client.post(
        reverse("lockout_unlock"), {"kind": "address", "value": "10.7.7.7", "reason": "办公室共用出口"}
    )
    assert signed_in(attempt("amy", PASSWORD, ip="10.7.7.7"))
    entries = list(AuditEntry.objects.filter(action=AuditAction.LOCKOUT, username="sue").order_by("id"))
    assert len(entries) == 2
    assert "解除登录锁定：账号 alice" in entries[0].message and "本人电话确认" in entries[0].message
    assert entries[0].object_id == str(world.alice.pk)
    assert "地址 10.7.7.7" in entries[1].message
    # the failure log itself is kept
    assert AccessFailureLog.objects.filter(username="alice").count() == 5


def test_the_unlock_form_is_prefilled_from_the_list(world, web):
    page = web(world.sue).get(reverse("lockout_unlock"), {"kind": "address", "value": "10.5.5.5"})
    html = page.content.decode()
    assert page.status_code == 200 and 'value="10.5.5.5"' in html and 'value="address" selected' in html


@pytest.mark.parametrize("persona", ["sam", "audrey", "dan", "alice", "lily"])
def test_only_the_security_administrator_sees_and_lifts_lockouts(world, web, persona):
    client = web(getattr(world, persona))
    assert client.get(reverse("lockout_list")).status_code == 403
    data = {"kind": "account", "value": "alice", "reason": "x"}
    assert client.post(reverse("lockout_unlock"), data).status_code == 403

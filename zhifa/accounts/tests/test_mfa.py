"""The second factor: enrolment by QR code or secret, the code after the password, single-use recovery
codes, the roles that need it blocked until enrolled, API calls of an unverified session refused, wrong
codes audited and counted towards the lockout, the security administrator's reset of a lost phone."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from zhifa.accounts import mfa
from zhifa.accounts.models import User
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.roles import Role
from zhifa.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    static.token_set.create(token="abcd2345")
    return device


def otp_rows(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(action=AuditAction.OTP, object_id=str(user.pk)).values_list(
            "message", flat=True
        )
    )


def test_a_role_that_needs_a_second_factor_is_sent_to_enrolment_before_any_page(
    world, client, real_second_factor
):
    client.force_login(world.lily)
    for path in ("/", "/enterprises/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("otp_setup")), path
    # the way out, health checks and the public portal stay open
    assert client.get("/healthz").status_code == 200
    assert client.get("/public/").status_code == 200


def test_an_account_that_needs_no_second_factor_is_never_asked(world, client, real_second_factor):
    client.force_login(world.alice)
    assert client.get("/").status_code == 200


def test_enrolment_shows_the_qr_code_and_secret_and_a_code_confirms_it(world, client, real_second_factor):
    client.force_login(world.lily)
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "data:" not in html
    device = TOTPDevice.objects.get(user=world.lily)
    assert not device.confirmed
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert secret[:4] + " " + secret[4:8] in html  # shown for manual entry, in groups of four

    # a wrong code neither confirms nor signs in
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    assert "6 位数字" in client.post(reverse("otp_setup"), {"code": wrong}).content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    response = client.post(reverse("otp_setup"), {"code": code_for(device), "next": "/enterprises/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=world.lily).count() == 10
    assert client.get("/").status_code == 200  # verified: every page open
    messages = otp_rows(world.lily)
    assert any("启用动态口令" in m for m in messages)
    assert any("错误" in m for m in messages)


def test_after_the_password_a_code_is_needed_and_a_wrong_one_is_refused_and_audited(
    world, client, real_second_factor
):
    device = enrolled(world.lily)
    client.force_login(world.lily)
    response = client.get("/enterprises/")
    assert response["Location"] == f"{reverse('otp_verify')}?next=%2Fenterprises%2F"

    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("otp_verify"), {"code": wrong, "next": "/enterprises/"})
    assert response.status_code == 200
    assert "动态口令：口令不正确" in response.content.decode()
    assert client.get("/").status_code == 302
    assert any("错误" in m for m in otp_rows(world.lily))

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = client.post(reverse("otp_verify"), {"code": code_for(device), "next": "/enterprises/"})
    assert response.status_code == 302 and response["Location"] == "/enterprises/"
    assert client.get("/").status_code == 200
    assert any("验证通过" in m for m in otp_rows(world.lily))


def test_the_same_time_code_cannot_be_used_twice(world, client, real_second_factor):
    device = enrolled(world.lily)
    code = code_for(device)
    assert mfa.verify_code(world.lily, code) is not None
    assert mfa.verify_code(world.lily, code) is None  # replay within the same 30 s refused


def test_a_recovery_code_works_once(world, client, real_second_factor):
    enrolled(world.lily)
    client.force_login(world.lily)
    response = client.post(reverse("otp_verify"), {"code": "ABCD 2345"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert any("恢复码" in m for m in otp_rows(world.lily))

    client.logout()
    client.force_login(world.lily)
    response = client.post(reverse("otp_verify"), {"code": "abcd2345"})
    assert response.status_code == 200 and "恢复码每个只能用一次" in response.content.decode()
    assert client.get("/").status_code == 302


def test_wrong_codes_count_towards_the_lockout(world, client, real_second_factor):
    enrolled(world.lily)
    client.force_login(world.lily)
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 3)
    for _i in range(limit):
        client.post(reverse("otp_verify"), {"code": "000000"})
    # locked: the session is over and the account cannot sign in again for now
    assert "_auth_user_id" not in client.session
    client.post(reverse("login"), {"username": "lily", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_an_api_call_with_a_session_not_yet_verified_is_refused_in_chinese(world, client, real_second_factor):
    client.force_login(world.lily)
    response = client.get("/api/v1/enterprises/")
    assert response.status_code == 403
    assert "第二因素" in response.json()["detail"]
    # the public JSON stays open
    assert client.get("/api/v1/public/decisions/").status_code == 200


def test_a_verified_session_reaches_the_api(world, client):
    client.force_login(world.lily)  # the suite's sign-in passes the second factor
    assert client.get("/api/v1/enterprises/").status_code == 200


@hypothesis_settings(deadline=None, max_examples=60)
@given(
    role=st.sampled_from(Role.values),
    own_flag=st.booleans(),
    everyone=st.booleans(),
    roles=st.sets(st.sampled_from(Role.values)),
)
def test_who_needs_a_second_factor(role, own_flag, everyone, roles):
    user = User(username="x", role=role, mfa_required=own_flag)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settings, "ZHIFA_MFA_REQUIRED_ALL", everyone, raising=False)
        mp.setattr(settings, "ZHIFA_MFA_REQUIRED_ROLES", sorted(roles), raising=False)
        assert mfa.mfa_required_for(user) == (everyone or own_flag or role in roles)
        assert not mfa.mfa_required_for(AnonymousUser())


def test_the_default_roles_are_the_legal_reviewers_the_district_leaders_and_the_three_administrators():
    assert set(settings.ZHIFA_MFA_REQUIRED_ROLES) == {
        Role.LEGAL_REVIEWER,
        Role.DISTRICT_LEADER,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    }


def reauthenticate(client, user):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    response = client.post(reverse("reauth"), {"password": PASSWORD, "code": code_for(device)})
    assert response.status_code == 302, response.content.decode()[:500]


def test_the_security_administrator_resets_a_lost_phone_after_re_authenticating(world, client):
    enrolled(world.lily)
    lily = client.__class__()
    lily.force_login(world.lily)  # a session verified with the phone that is then lost
    assert lily.get("/").status_code == 200
    client.force_login(world.sue)
    url = reverse("otp_reset", args=[world.lily.pk])
    assert client.get(url)["Location"].startswith(reverse("reauth"))
    reauthenticate(client, world.sue)

    response = client.post(url, {"reason": " "})
    assert response.status_code == 200 and "重置原因：请填写" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.lily).exists()

    response = client.post(url, {"reason": "手机遗失"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.lily).exists()
    assert not StaticDevice.objects.filter(user=world.lily).exists()
    assert any("重置第二因素" in m and "手机遗失" in m for m in otp_rows(world.lily))

    # lily's open session is no longer verified: her next page is the enrolment
    assert lily.get("/")["Location"].startswith(reverse("otp_setup"))


def test_only_the_security_administrator_resets_a_second_factor(world, client):
    for persona in (world.alice, world.sam, world.audrey):
        client.force_login(persona)
        assert client.post(reverse("otp_reset", args=[world.lily.pk]), {"reason": "x"}).status_code == 403


def test_new_recovery_codes_need_re_authentication_and_replace_the_old(world, client):
    client.force_login(world.lily)  # has the suite's device
    assert client.get(reverse("otp_recovery"))["Location"].startswith(reverse("reauth"))
    reauthenticate(client, world.lily)
    StaticDevice.objects.create(user=world.lily, name="恢复码", confirmed=True).token_set.create(
        token="oldcode2"
    )
    response = client.post(reverse("otp_recovery"))
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert not StaticToken.objects.filter(token="oldcode2").exists()
    assert any("重新生成恢复码" in m for m in otp_rows(world.lily))


def test_replacing_the_authenticator_needs_re_authentication(world, client):
    client.force_login(world.lily)
    response = client.get(reverse("otp_setup"))
    assert response["Location"].startswith(reverse("reauth"))


def test_first_enrolment_long_after_signing_in_asks_for_the_password_again(world, client, real_second_factor):
    client.force_login(world.lily)
    session = client.session
    session[mfa.LOGIN_SESSION_KEY] = time.time() - settings.ZHIFA_REAUTH_SECONDS - 1
    session.save()
    assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("reauth"))
    # the re-authentication page is open to the unverified session and asks for the password only
    page = client.get(reverse("reauth"))
    assert page.status_code == 200 and 'name="code"' not in page.content.decode()


def test_an_account_that_bound_an_authenticator_of_its_own_accord_is_asked_for_it_too(
    world, client, real_second_factor
):
    enrolled(world.alice)
    client.force_login(world.alice)
    assert client.get("/")["Location"].startswith(reverse("otp_verify"))
    # once reset by the security administrator, she is not sent to enrolment: her role needs none
    TOTPDevice.objects.filter(user=world.alice).delete()
    response = client.get(reverse("otp_verify"), {"next": "/enterprises/"})
    assert response["Location"] == "/enterprises/"
    assert client.get("/").status_code == 200


def test_a_misspelt_role_in_the_setting_stops_the_start_up(tmp_path):
    """A role name that matches no role would silently drop the second factor for the role meant."""
    environment = {
        **os.environ,
        "ZHIFA_MFA_REQUIRED_ROLES": "legal_reviewer,district_leaders",
        "ZHIFA_DATA_DIR": str(tmp_path),
    }
    run = subprocess.run(
        [sys.executable, "-c", "import zhifa.settings"], env=environment, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "ZHIFA_MFA_REQUIRED_ROLES" in run.stderr and "district_leaders" in run.stderr
    environment["ZHIFA_MFA_REQUIRED_ROLES"] = "legal_reviewer,district_leader"
    assert subprocess.run([sys.executable, "-c", "import zhifa.settings"], env=environment).returncode == 0

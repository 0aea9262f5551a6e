"""The break-glass account: enabled from the command line only, for hours, every use audited, no superuser.

Expiry is simulated by appending a window row whose end has passed (the window is read from the
chain, whose rows cannot be edited), which is what the passing of the hours looks like to the code.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from zhifa.accounts import breakglass
from zhifa.accounts.models import User
from zhifa.core.audit import record
from zhifa.core.checks import no_everyday_superuser
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _enable(hours="2", reason="三员账号均被锁定，恢复访问") -> tuple[User, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "breakglass",
        "enable",
        "--reason",
        reason,
        "--hours",
        hours,
        "--operators",
        "张三, 李四",
        stdout=out,
        stderr=err,
    )
    password = out.getvalue().strip()
    return User.objects.get(is_break_glass=True), password


def _expire(user) -> None:
    past = timezone.now() - dt.timedelta(minutes=1)
    record(
        AuditAction.BREAK_GLASS,
        object_type=breakglass.WINDOW_TYPE,
        object_id=str(user.pk),
        after={"state": "enabled", "until": past.isoformat(), "hours": 1, "reason": "时间已过"},
    )


def _sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_enable_creates_the_account_once_prints_a_fresh_password_and_audits_the_reason(world):
    user, password = _enable()
    assert user.username == "breakglass" and user.is_active and not user.is_superuser
    assert len(password) >= 20 and user.check_password(password)
    row = AuditEntry.objects.filter(
        action=AuditAction.BREAK_GLASS, object_type=breakglass.WINDOW_TYPE
    ).latest("id")
    assert row.after["state"] == "enabled" and row.after["hours"] == 2
    assert "三员账号均被锁定" in row.message and "张三, 李四" in row.message
    assert row.source == "cli"
    again, second = _enable()
    assert again.pk == user.pk and second != password
    assert User.objects.filter(is_break_glass=True).count() == 1


@pytest.mark.parametrize(
    ("hours", "reason", "message"),
    [
        ("2", "", "--reason 必填"),
        ("0", "恢复访问权限", "--hours 必须是 1 到 24"),
        ("25", "恢复访问权限", "--hours"),
        ("两", "恢复访问权限", "不是整数"),
    ],
)
def test_enable_refuses_bad_input_naming_the_option(world, hours, reason, message):
    with pytest.raises(CommandError, match=message):
        call_command("breakglass", "enable", "--reason", reason, "--hours", hours, stdout=io.StringIO())
    assert not User.objects.filter(is_break_glass=True).exists()


def test_a_taken_username_is_refused_not_taken_over(world, settings):
    settings.ZHIFA_BREAK_GLASS_USERNAME = "sam"
    with pytest.raises(CommandError, match="已被普通账号占用"):
        _enable()
    assert not User.objects.get(username="sam").is_break_glass


def test_inside_the_window_it_has_every_administrators_rights_and_no_business_right(world, web):
    user, _ = _enable()
    for perm in (
        "accounts.add_user",
        "accounts.assign_role",
        "core.view_auditentry",
        "core.export_auditentry",
    ):
        assert user.has_perm(perm), perm
    assert not user.has_perm("cases.view_case") and not user.has_perm("enterprises.view_enterprise")
    client = web(user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/audit/").status_code == 200
    assert client.get("/enterprises/").status_code == 403


def test_sign_in_and_every_request_are_audited_with_method_and_path(world, client):
    user, password = _enable()
    response = _sign_in(client, "breakglass", password)
    assert response.status_code == 302
    client.get("/audit/?q=x")
    uses = AuditEntry.objects.filter(action=AuditAction.BREAK_GLASS, object_type=breakglass.USE_TYPE)
    assert uses.filter(message="应急账号登录").exists()
    paths = {(r.after["method"], r.after["path"]) for r in uses if r.after and "method" in r.after}
    assert {("POST", "/accounts/login/"), ("GET", "/audit/?q=x")} <= paths
    assert all(r.user_id == user.pk for r in uses)


def test_after_the_window_sign_in_is_refused_and_sessions_end(world, client):
    user, password = _enable()
    assert _sign_in(client, "breakglass", password).status_code == 302
    _expire(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEntry.objects.filter(action=AuditAction.BREAK_GLASS, after__state="expired").exists()
    # The session is gone, and the password no longer signs in.
    assert client.get("/audit/").status_code == 302
    assert _sign_in(client, "breakglass", password).status_code == 200


def test_a_closed_window_grants_nothing_even_to_a_live_session_object(world):
    user, _ = _enable()
    _expire(user)
    fresh = User.objects.get(pk=user.pk)
    assert not fresh.has_perm("accounts.add_user")
    assert not breakglass.may_sign_in(fresh)


def test_disable_ends_sessions_and_is_audited(world, client):
    user, password = _enable()
    _sign_in(client, "breakglass", password)
    call_command("breakglass", "disable", "--reason", "访问已恢复", stdout=io.StringIO())
    assert client.get("/admin/").status_code == 302
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    row = AuditEntry.objects.filter(
        action=AuditAction.BREAK_GLASS, object_type=breakglass.WINDOW_TYPE
    ).latest("id")
    assert row.after["state"] == "disabled"
    assert _sign_in(client, "breakglass", password).status_code == 200


def test_status_says_whether_it_is_enabled(world):
    out = io.StringIO()
    call_command("breakglass", "status", stdout=out)
    assert "未创建" in out.getvalue()
    _enable()
    out = io.StringIO()
    call_command("breakglass", "status", stdout=out)
    assert "已启用" in out.getvalue()


def test_no_everyday_superuser_rule_and_check(world):
    with pytest.raises(ValidationError, match="不设日常超级用户"):
        User.objects.create_superuser("root", password="Zz9!long-enough-pass")
    world.sam.is_superuser = True
    with pytest.raises(ValidationError):
        world.sam.save()
    assert no_everyday_superuser() == []
    # A row written around the model (SQL, a bulk update) is found by the system check.
    User.objects.filter(pk=world.sam.pk).update(is_superuser=True)
    assert [e.id for e in no_everyday_superuser()] == ["zhifa.E001"]


def test_the_break_glass_account_is_switched_on_only_by_the_command(world, web):
    user, _ = _enable()
    call_command("breakglass", "disable", stdout=io.StringIO())
    user.refresh_from_db()
    user.is_active = True
    with pytest.raises(ValidationError, match="zhifa breakglass"):
        user.save()
    with pytest.raises(ValidationError):
        User(username="second", role="system_admin", is_break_glass=True).save()


def test_check_warns_when_it_outlives_its_window(world):
    user, _ = _enable()
    _expire(user)
    assert [e.id for e in no_everyday_superuser()] == ["zhifa.W001"]


def test_createsuperuser_is_refused_with_directions(world):
    with pytest.raises(CommandError, match="zhifa breakglass enable"):
        call_command("createsuperuser", "--username", "root", "--email", "r@example.cn", "--noinput")
    assert not User.objects.filter(username="root").exists()

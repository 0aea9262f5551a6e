"""API tokens: only a digest is stored, the plaintext shown once; expiry, revocation with a reason, a
disabled account or a token issued without the second factor (where the role needs one) refused with a
Chinese 401; the page, the security administrator's list (constant queries) and the command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from zhifa.accounts import tokens
from zhifa.accounts.models import ApiToken
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry

pytestmark = pytest.mark.django_db

API = "/api/v1/enterprises/"


def call(plaintext: str | None, header: str | None = None):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    elif plaintext is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    return client.get(API)


def test_a_token_is_stored_as_its_digest_only(world):
    token, plaintext = tokens.issue(world.alice, name="移动端")
    assert token.digest == tokens.digest(plaintext) and token.prefix == plaintext[:8]
    # the plaintext is nowhere in the database, whichever table
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            for row in cursor.fetchall():
                assert not any(plaintext in str(value) for value in row), table
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN, object_id=str(token.pk)).exists()


def test_a_valid_token_authenticates_and_notes_its_last_use_at_most_once_a_minute(world):
    token, plaintext = tokens.issue(world.alice, name="移动端")
    assert call(plaintext).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert call(plaintext).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first  # not written again within the minute
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    call(plaintext)
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=2)


@pytest.mark.parametrize(
    "header, message",
    [
        ("Token nonsense", "API 令牌无效"),
        ("Token a b", "Authorization 头格式"),
        ("Token", "Authorization 头格式"),
    ],
)
def test_unknown_or_malformed_tokens_get_a_chinese_401(world, header, message):
    response = call(None, header)
    assert response.status_code == 401 and message in response.json()["detail"]


def test_an_expired_token_is_refused(world):
    token, plaintext = tokens.issue(world.alice, name="移动端", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = call(plaintext)
    assert response.status_code == 401 and "已过期" in response.json()["detail"]


def test_a_revoked_token_is_refused_and_the_revocation_audited(world):
    token, plaintext = tokens.issue(world.alice, name="移动端")
    with pytest.raises(tokens.TokenError, match="作废原因"):
        tokens.revoke(token, by=world.alice, reason="  ")
    tokens.revoke(token, by=world.alice, reason="手机更换")
    response = call(plaintext)
    assert response.status_code == 401 and "已作废" in response.json()["detail"]
    entry = AuditEntry.objects.get(action=AuditAction.TOKEN_REVOKE, object_id=str(token.pk))
    assert "手机更换" in entry.message and entry.user_id == world.alice.pk
    with pytest.raises(tokens.TokenError, match="已于"):
        tokens.revoke(token, by=world.alice, reason="again")


def test_a_disabled_account_s_tokens_stop_at_once(world):
    _token, plaintext = tokens.issue(world.alice, name="移动端")
    world.alice.is_active = False
    world.alice.save()
    response = call(plaintext)
    assert response.status_code == 401 and "账号已停用" in response.json()["detail"]


def test_a_role_that_needs_a_second_factor_only_uses_tokens_issued_after_one(world):
    _t, without = tokens.issue(world.lily, name="脚本")
    response = call(without)
    assert response.status_code == 401 and "第二因素" in response.json()["detail"]
    _t, with_mfa = tokens.issue(world.lily, name="脚本", mfa_verified=True)
    assert call(with_mfa).status_code == 200


def test_expiry_defaults_and_its_maximum(world, settings):
    token, _p = tokens.issue(world.alice, name="移动端")
    assert abs(
        (token.expires_at - timezone.now()) - dt.timedelta(days=settings.ZHIFA_API_TOKEN_DAYS)
    ) < dt.timedelta(minutes=1)
    settings.ZHIFA_API_TOKEN_MAX_DAYS = 30
    with pytest.raises(tokens.TokenError, match="有效天数：须在 1 到 30 天之间"):
        tokens.issue(world.alice, name="移动端", days=31)
    with pytest.raises(tokens.TokenError, match="用途"):
        tokens.issue(world.alice, name="\r\n ")


# The page ------------------------------------------------------------------------------------------


def test_the_page_issues_a_token_and_shows_it_once(world, client):
    client.force_login(world.alice)
    response = client.post(reverse("token_list"), {"name": "数据交换", "days": "30"})
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    assert plaintext in response.content.decode()
    token = ApiToken.objects.get(user=world.alice)
    assert token.digest == tokens.digest(plaintext) and not token.issued_with_mfa
    listing = client.get(reverse("token_list")).content.decode()
    assert token.prefix in listing and plaintext not in listing


@pytest.mark.parametrize(
    "data, error",
    [
        ({"name": "", "days": "30"}, "用途：请填写"),
        ({"name": "x", "days": "0"}, "有效天数：至少 1 天"),
        ({"name": "x", "days": "abc"}, "有效天数：请填写整数"),
        ({"name": "x", "days": "9999"}, "有效天数：最多"),
    ],
)
def test_bad_input_on_the_page_names_the_field(world, client, data, error):
    client.force_login(world.alice)
    response = client.post(reverse("token_list"), data)
    assert response.status_code == 400 and error in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_verified_session_issues_a_token_marked_as_such(world, client):
    client.force_login(world.lily)
    client.post(reverse("token_list"), {"name": "脚本", "days": "7"})
    assert ApiToken.objects.get(user=world.lily).issued_with_mfa


def test_an_unverified_session_cannot_issue(world, client, real_second_factor):
    client.force_login(world.lily)
    response = client.post(reverse("token_list"), {"name": "脚本", "days": "7"})
    assert response.status_code == 302 and not ApiToken.objects.exists()


def test_owners_revoke_their_own_and_nobody_else_s(world, client):
    token, _p = tokens.issue(world.alice, name="移动端")
    client.force_login(world.bob)
    assert client.post(reverse("token_revoke", args=[token.pk]), {"reason": "x"}).status_code == 404
    client.force_login(world.alice)
    response = client.post(reverse("token_revoke", args=[token.pk]), {"reason": ""}, follow=True)
    assert "作废原因：请填写" in response.content.decode()
    client.post(reverse("token_revoke", args=[token.pk]), {"reason": "不再使用"})
    token.refresh_from_db()
    assert token.revoked_by == world.alice and token.revoke_reason == "不再使用"


def test_the_security_administrator_lists_everyone_s_tokens_and_revokes_any(world, client):
    for user in (world.alice, world.bob):
        tokens.issue(user, name="移动端")
    client.force_login(world.sue)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("token_admin_list"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    few, response = queries()
    assert "alice" in response.content.decode() and "bob" in response.content.decode()
    for _i in range(6):
        tokens.issue(world.bob, name="批量")
    tokens.revoke(ApiToken.objects.filter(user=world.bob).first(), by=world.sue, reason="离岗")
    many, _r = queries()
    assert many == few

    token = ApiToken.objects.filter(user=world.alice).get()
    client.post(reverse("token_revoke", args=[token.pk]), {"reason": "安全检查"})
    token.refresh_from_db()
    assert token.revoked_by == world.sue


# The command ---------------------------------------------------------------------------------------


def test_the_command_issues_and_revokes(world):
    out = StringIO()
    call_command("token", "alice", "--name", "数据交换", "--days", "10", stdout=out, stderr=StringIO())
    plaintext = out.getvalue().strip()
    assert call(plaintext).status_code == 200
    token = ApiToken.objects.get(user=world.alice)
    out = StringIO()
    call_command("token", "--revoke", token.prefix, "--reason", "泄露", stdout=out)
    assert "已作废" in out.getvalue()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoke_reason == "泄露"
    assert call(plaintext).status_code == 401


@pytest.mark.parametrize(
    "args, error",
    [
        (["lily", "--name", "x"], "须使用第二因素"),
        (["nobody", "--name", "x"], "不存在"),
        (["alice"], "用途"),
        (["alice", "--name", "x", "--days", "1000"], "有效天数"),
        (["--revoke", "zzzzzzzz", "--reason", "x"], "没有前缀"),
        ([], "用户名"),
    ],
)
def test_the_command_refuses_with_the_reason(world, args, error):
    with pytest.raises(CommandError, match=error):
        call_command("token", *args, stdout=StringIO(), stderr=StringIO())

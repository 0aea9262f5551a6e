"""Sessions: idle timeout and lifetime on the server, the security administrator's list, ending sessions."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhifa.accounts import sessions
from zhifa.accounts.models import User, UserSession
from zhifa.accounts.sessions import EndReason
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.roles import Role
from zhifa.core.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def signed_in_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shift(client, **seconds_ago) -> None:
    """Move the session's clocks back (``born``, ``seen``, ``touched`` seconds ago)."""
    session = client.session
    now = time.time()
    keys = {"born": sessions.BORN_KEY, "seen": sessions.SEEN_KEY, "touched": sessions.TOUCH_KEY}
    for name, ago in seconds_ago.items():
        session[keys[name]] = now - ago
    session.save()


def row_of(client) -> UserSession:
    return UserSession.objects.get(pk=client.session[sessions.ROW_KEY])


def row_of_user(user) -> UserSession:
    return UserSession.objects.get(user=user)


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Sign-in and sign-out ------------------------------------------------------------------------


def test_signing_in_opens_a_session_row_and_signing_out_ends_it(world):
    client = Client(REMOTE_ADDR="10.20.30.40", HTTP_USER_AGENT="Mozilla/5.0 测试浏览器")
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    row = UserSession.objects.get(user=world.alice)
    assert row.session_key == client.session.session_key
    assert (row.ip, row.user_agent) == ("10.20.30.40", "Mozilla/5.0 测试浏览器")
    assert row.last_seen_at is not None and row.ended_at is None
    client.post(reverse("logout"))
    row.refresh_from_db()
    assert row.ended_at is not None and row.end_reason == EndReason.SIGNED_OUT


def test_a_session_signed_in_before_the_policy_gets_its_row_on_the_next_request(world):
    client = signed_in_as(world.alice)
    UserSession.objects.all().delete()
    session = client.session
    del session[sessions.ROW_KEY]
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert row_of_user(world.alice).session_key == client.session.session_key
    # ...unless a row for that session says it ended
    session = client.session
    del session[sessions.ROW_KEY]
    session.save()
    UserSession.objects.update(ended_at=timezone.now(), end_reason=EndReason.ENDED_BY_ADMIN)
    assert sent_to_login(client.get(reverse("home")))


# --- Idle timeout and lifetime -------------------------------------------------------------------


def test_a_session_idle_for_more_than_thirty_minutes_is_ended_on_the_server(world):
    client = signed_in_as(world.alice)
    shift(client, seen=30 * 60 + 1)
    response = client.get(reverse("enterprises:enterprise_list"))
    assert sent_to_login(response) and "ended=idle" in response["Location"]
    assert sent_to_login(client.get(reverse("home")))  # the session is gone, not just this request
    row = UserSession.objects.get(user=world.alice)
    assert row.end_reason == EndReason.IDLE and row.ended_at is not None
    entry = AuditEntry.objects.filter(action=AuditAction.SESSION_END, object_id=str(world.alice.pk)).get()
    assert "空闲超时" in entry.message
    page = Client().get(response["Location"]).content.decode()
    assert "30 分钟未操作" in page


def test_a_session_active_within_thirty_minutes_goes_on(world):
    client = signed_in_as(world.alice)
    shift(client, seen=29 * 60)
    assert client.get(reverse("home")).status_code == 200


def test_a_session_ends_twelve_hours_after_sign_in_however_active(world):
    client = signed_in_as(world.alice)
    shift(client, born=12 * 3600 + 1)
    response = client.get(reverse("home"))
    assert sent_to_login(response) and "ended=lifetime" in response["Location"]
    assert row_of_user(world.alice).end_reason == EndReason.LIFETIME


def test_the_lifetime_is_configurable(world, settings):
    settings.ZHIFA_SESSION_MAX_SECONDS = 3600
    client = signed_in_as(world.alice)
    shift(client, born=3601)
    assert sent_to_login(client.get(reverse("home")))


def test_an_api_call_with_an_expired_session_gets_401_in_json(world):
    client = signed_in_as(world.alice)
    shift(client, seen=31 * 60)
    response = client.get(reverse("enterprise-list"))
    assert response.status_code == 401 and "未操作" in response.json()["detail"]


def test_activity_is_written_at_most_once_a_minute(world):
    client = signed_in_as(world.alice)
    row = row_of(client)
    stamp = timezone.now() - timedelta(minutes=5)
    UserSession.objects.filter(pk=row.pk).update(last_seen_at=stamp)
    client.get(reverse("home"))
    assert row_of(client).last_seen_at == stamp  # touched at sign-in, less than a minute ago
    shift(client, touched=61)
    client.get(reverse("home"))
    assert row_of(client).last_seen_at > stamp


def test_a_session_whose_row_was_ended_elsewhere_is_signed_out(world):
    client = signed_in_as(world.alice)
    UserSession.objects.filter(user=world.alice).update(ended_at=timezone.now(), end_reason=EndReason.ENDED)
    shift(client, touched=61)
    response = client.get(reverse("home"))
    assert sent_to_login(response) and "ended=ended" in response["Location"]


# --- The security administrator's list -----------------------------------------------------------


def test_sue_lists_the_signed_in_sessions_and_filters_by_account(world):
    signed_in_as(world.alice)
    signed_in_as(world.bob)
    sue = signed_in_as(world.sue)
    page = sue.get(reverse("session_list")).content.decode()
    assert "alice" in page and "bob" in page and "当前会话" in page
    only_alice = sue.get(reverse("session_list"), {"user": world.alice.pk}).content.decode()
    assert "alice" in only_alice and "牛塘镇" not in only_alice and "结束该账号全部会话" in only_alice
    assert sue.get(reverse("session_list"), {"user": "x'; --", "page": "abc"}).status_code == 200


def test_the_list_closes_sessions_that_expired_without_a_further_request(world):
    client = signed_in_as(world.alice)
    row = row_of(client)
    last = timezone.now() - timedelta(hours=2)
    UserSession.objects.filter(pk=row.pk).update(last_seen_at=last)
    page = signed_in_as(world.sue).get(reverse("session_list"), {"user": world.alice.pk}).content.decode()
    assert "没有登录中的会话" in page
    row.refresh_from_db()
    assert row.end_reason == EndReason.IDLE
    assert abs((row.ended_at - (last + timedelta(minutes=30))).total_seconds()) < 1


def test_the_list_runs_a_constant_number_of_queries(world):
    sue = signed_in_as(world.sue)
    url = reverse("session_list")
    sue.get(url)

    def add(n):
        for i in range(n):
            user = make_user(f"u{UserSession.objects.count()}_{i}", Role.BOARD_OFFICER, region=world.board_a)
            UserSession.objects.create(user=user, session_key=f"k-{user.pk}", last_seen_at=timezone.now())

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert sue.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(12)
    assert count() == few


def test_sue_ends_one_session_with_a_reason_and_its_cookie_is_dead_at_once(world):
    alice = signed_in_as(world.alice)
    other = signed_in_as(world.alice)
    sue = signed_in_as(world.sue)
    row = row_of(alice)
    url = reverse("session_end", args=[row.pk])
    assert sue.get(url).status_code == 200
    refused = sue.post(url, {"reason": ""})
    assert refused.status_code == 400 and "原因：必填" in refused.content.decode()
    response = sue.post(url, {"reason": "该电脑已交还，疑似未退出"})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=row.session_key).exists()
    assert sent_to_login(alice.get(reverse("home")))
    assert other.get(reverse("home")).status_code == 200  # only that session
    row.refresh_from_db()
    assert (row.end_reason, row.ended_by) == (EndReason.ENDED_BY_ADMIN, world.sue)
    entry = AuditEntry.objects.filter(action=AuditAction.SESSION_END, username="sue").get()
    assert entry.object_id == str(world.alice.pk) and "该电脑已交还" in entry.message
    # ending it again changes nothing and says so
    again = sue.post(url, {"reason": "再次结束"})
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.SESSION_END, username="sue").count() == 1


def test_sue_ends_every_session_of_an_account(world):
    first, second = signed_in_as(world.alice), signed_in_as(world.alice)
    bob = signed_in_as(world.bob)
    sue = signed_in_as(world.sue)
    response = sue.post(reverse("session_end_account", args=[world.alice.pk]), {"reason": "账号疑似被盗用"})
    assert response.status_code == 302
    assert sent_to_login(first.get(reverse("home"))) and sent_to_login(second.get(reverse("home")))
    assert bob.get(reverse("home")).status_code == 200
    assert not UserSession.objects.filter(user=world.alice, ended_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action=AuditAction.SESSION_END, username="sue").count() == 2


def test_sue_ending_her_own_session_signs_her_out(world):
    sue = signed_in_as(world.sue)
    row = row_of(sue)
    response = sue.post(reverse("session_end", args=[row.pk]), {"reason": "测试"})
    assert sent_to_login(response)
    assert sent_to_login(sue.get(reverse("session_list")))


@pytest.mark.parametrize("persona", ["sam", "audrey", "dan", "lily", "alice", "eve"])
def test_only_the_security_administrator_sees_and_ends_sessions(world, persona):
    target = signed_in_as(world.bob)
    row = row_of(target)
    client = signed_in_as(getattr(world, persona))
    assert client.get(reverse("session_list")).status_code == 403
    assert client.post(reverse("session_end", args=[row.pk]), {"reason": "x"}).status_code == 403
    data = {"reason": "x"}
    assert client.post(reverse("session_end_account", args=[world.bob.pk]), data).status_code == 403
    assert target.get(reverse("home")).status_code == 200


# --- Disabling an account ------------------------------------------------------------------------


def test_disabling_an_account_ends_all_its_sessions_at_once(world):
    first, second = signed_in_as(world.alice), signed_in_as(world.alice)
    alice = User.objects.get(pk=world.alice.pk)
    alice.is_active = False
    alice.save()
    assert sent_to_login(first.get(reverse("home"))) and sent_to_login(second.get(reverse("home")))
    rows = UserSession.objects.filter(user=alice)
    assert {r.end_reason for r in rows} == {EndReason.ACCOUNT_DISABLED}
    assert not Session.objects.filter(session_key__in=[r.session_key for r in rows]).exists()
    entry = AuditEntry.objects.filter(action=AuditAction.SESSION_END, object_id=str(alice.pk)).get()
    assert "账号已停用" in entry.message and "2 个" in entry.message


def test_saving_an_active_account_leaves_its_sessions_alone(world):
    client = signed_in_as(world.alice)
    alice = User.objects.get(pk=world.alice.pk)
    alice.full_name = "爱丽丝"
    alice.save()
    assert client.get(reverse("home")).status_code == 200


def test_the_menus_lead_each_account_to_its_own_security_pages(world, web):
    """Everyone finds 修改密码, the second factor and the own API tokens in the account menu; only the
    security administrator finds the sessions, lockouts and everyone's tokens in the navigation."""
    own = [reverse("password_change"), reverse("otp_setup"), reverse("token_list")]
    admin_only = [reverse("session_list"), reverse("lockout_list"), reverse("token_admin_list")]
    for persona in ("alice", "lily", "sam", "audrey", "sue"):
        page = web(world.users[persona]).get(reverse("home")).content.decode()
        assert all(f'href="{url}"' in page for url in own), persona
        shown = [url for url in admin_only if f'href="{url}"' in page]
        assert shown == (admin_only if persona == "sue" else []), persona

"""Password policy: complexity, history, periodic change, and the change page."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.accounts import mfa, passwords
from zhifa.accounts.models import PasswordHistory, User, UserSession
from zhifa.accounts.sessions import EndReason
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.roles import Role
from zhifa.core.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

GOOD = "Kx7-mountain"  # upper, lower, digit, symbol; not common, not like any persona


def errors(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


# --- The rules ----------------------------------------------------------------------------------


def test_a_good_password_passes_every_rule(world):
    assert errors(GOOD, world.alice) == []


def test_a_password_shorter_than_ten_characters_is_refused():
    assert any("10" in message for message in errors("Kx7-mount"))


def test_a_password_of_fewer_than_three_character_classes_is_refused_naming_what_it_has():
    messages = errors("mountainriver42")
    assert any("3 类" in m and "小写字母、数字" in m for m in messages), messages


def test_common_all_digit_and_account_like_passwords_are_refused(world):
    assert errors("Password123")  # on Django's list of common passwords (compared in lower case)
    assert errors("20261206123456")  # digits only
    zhang = make_user("zhangxiaoming", Role.BOARD_OFFICER, region=world.board_a, full_name="张晓明")
    assert errors("Zhangxiaoming1!", zhang)  # too like the username


def test_the_number_of_classes_is_configurable(settings):
    settings.ZHIFA_PASSWORD_MIN_CLASSES = 4
    assert errors("Kx7mountain42")  # no symbol
    settings.ZHIFA_PASSWORD_MIN_CLASSES = 2
    assert not errors("mountainriver42")


def _classes_by_regex(password: str) -> int:
    """An independent count of the classes: ASCII upper, ASCII lower, ASCII digits, anything else visible."""
    return sum(
        bool(re.search(pattern, password)) for pattern in (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9\s]")
    )


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=24))
def test_the_class_rule_accepts_exactly_the_passwords_with_three_classes(password):
    validator = passwords.CharacterClassesValidator(min_classes=3)
    try:
        validator.validate(password)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == (_classes_by_regex(password) >= 3)


# --- History ------------------------------------------------------------------------------------


def _set(user, raw: str) -> None:
    user.set_password(raw)
    user.save()


def test_none_of_the_last_five_passwords_may_return_but_the_sixth_may(world):
    alice = User.objects.get(pk=world.alice.pk)
    history = [f"Kx7-mountain-{n}" for n in range(1, 7)]
    for raw in history:
        _set(alice, raw)
    # current one and the four before it are refused, naming the rule
    for raw in history[1:]:
        assert any("最近 5 次" in m for m in errors(raw, alice)), raw
    assert errors(history[0], alice) == []  # the sixth most recent
    # only the hashes the rule needs are kept
    assert PasswordHistory.objects.filter(user=alice).count() == 5


def test_the_history_length_is_configurable(world, settings):
    settings.ZHIFA_PASSWORD_HISTORY = 2
    alice = User.objects.get(pk=world.alice.pk)
    for raw in ("Kx7-first-one", "Kx7-second-one", "Kx7-third-one"):
        _set(alice, raw)
    assert errors("Kx7-second-one", alice)
    assert errors("Kx7-first-one", alice) == []


# --- Every way of setting a password is dated and remembered ----------------------------------------


def test_creating_an_account_dates_its_password_and_remembers_it(world):
    user = make_user("carol", Role.BOARD_OFFICER, region=world.board_a)
    assert user.password_changed_at is not None
    assert PasswordHistory.objects.filter(user=user).count() == 1


def test_a_hash_written_directly_like_the_demo_counts_as_a_new_password(world):
    alice = User.objects.get(pk=world.alice.pk)
    before = alice.password_changed_at
    alice.password = make_password("Kx7-demo-password")
    alice.save()
    alice.refresh_from_db()
    assert alice.password_changed_at > before
    assert errors("Kx7-demo-password", alice)
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGE, object_id=str(alice.pk)).exists()


def test_a_rehash_on_sign_in_or_an_unusable_password_is_not_a_change(world):
    alice = User.objects.get(pk=world.alice.pk)
    stamp = timezone.now() - timedelta(days=10)
    User.objects.filter(pk=alice.pk).update(password_changed_at=stamp)
    alice.refresh_from_db()
    rows = PasswordHistory.objects.filter(user=alice).count()
    # Django's upgrade of a hash after a successful sign-in: save(update_fields=["password"])
    alice.password = make_password("Kx7-same-password")
    alice.save(update_fields=["password"])
    alice.set_unusable_password()
    alice.save()
    alice.refresh_from_db()
    assert alice.password_changed_at == stamp
    assert PasswordHistory.objects.filter(user=alice).count() == rows


# --- Expiry -------------------------------------------------------------------------------------


def _expire(user, days: int = 91) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))


def test_an_expired_password_sends_every_page_to_the_change_page(world, web):
    _expire(world.alice)
    client = web(world.alice)
    response = client.get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("password_change") + "?next=")
    # the way out and the change page itself stay open (the change page asks to re-authenticate first)
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("reauth"))
    assert client.get(reverse("reauth")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_a_password_set_to_be_changed_at_next_sign_in_is_expired(world, web):
    User.objects.filter(pk=world.alice.pk).update(password_changed_at=None)
    response = web(world.alice).get(reverse("home"))
    assert response.status_code == 302 and reverse("password_change") in response["Location"]


def test_a_password_within_its_ninety_days_is_not_expired(world, web):
    _expire(world.alice, days=89)
    assert web(world.alice).get(reverse("home")).status_code == 200


def test_a_week_before_expiry_signing_in_warns(world):
    _expire(world.alice, days=85)
    client = Client()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "密码将于" in page and "还剩 5 天" in page
    _expire(world.bob, days=80)
    page = client.post(reverse("login"), {"username": "bob", "password": PASSWORD}, follow=True)
    assert "密码将于" not in page.content.decode()


def test_periodic_change_can_be_switched_off(world, web, settings):
    settings.ZHIFA_PASSWORD_MAX_AGE_DAYS = 0
    _expire(world.alice, days=400)
    assert web(world.alice).get(reverse("home")).status_code == 200


def test_the_api_refuses_an_expired_password_with_a_message(world, web, api):
    _expire(world.alice)
    url = reverse("enterprise-list")
    for client in (web(world.alice), api(world.alice)):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json() == {"detail": "密码已过期，请先在网页上修改密码"}


# --- The change page ----------------------------------------------------------------------------


def _reauthenticated(client) -> None:
    session = client.session
    session[mfa.REAUTH_SESSION_KEY] = time.time()
    session.save()


def test_the_change_page_asks_to_re_authenticate_first(world, web):
    response = web(world.alice).get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))


def test_changing_the_password_keeps_this_session_ends_the_others_and_is_audited(world):
    here, elsewhere = Client(), Client()
    here.force_login(world.alice)
    elsewhere.force_login(world.alice)
    _expire(world.alice)
    _reauthenticated(here)
    page = here.get(reverse("password_change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = here.post(
        reverse("password_change"),
        {"new_password1": GOOD, "new_password2": GOOD, "next": reverse("enterprises:enterprise_list")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:enterprise_list")
    assert here.get(reverse("home")).status_code == 200  # no longer expired, still signed in
    assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("login"))
    alice = User.objects.get(pk=world.alice.pk)
    assert alice.check_password(GOOD)
    ended = UserSession.objects.filter(user=alice, end_reason=EndReason.PASSWORD_CHANGE)
    assert ended.count() == 1
    assert UserSession.objects.filter(user=alice, ended_at__isnull=True).count() == 1
    entry = AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGE, object_id=str(alice.pk)).get()
    assert entry.username == "alice" and "1 个" in entry.message


def test_a_refused_new_password_is_explained_field_by_field(world, web):
    client = web(world.alice)
    _reauthenticated(client)
    empty = client.post(reverse("password_change"), {})
    assert empty.status_code == 400 and "新密码：" in empty.content.decode()
    response = client.post(reverse("password_change"), {"new_password1": GOOD, "new_password2": GOOD + "x"})
    assert response.status_code == 400
    assert "再次输入新密码" in response.content.decode()
    response = client.post(
        reverse("password_change"), {"new_password1": "mountainriver", "new_password2": "mountainriver"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "中的 3 类" in page
    assert not AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()

"""Password policy (等保 2.0 level 3 identity): complexity, history, periodic change.

- Length (Django's ``MinimumLengthValidator``, ``ZHIFA_PASSWORD_MIN_LENGTH``), common passwords, similarity to
  the account's own attributes and all-digit passwords: Django's validators (settings).
- At least ``ZHIFA_PASSWORD_MIN_CLASSES`` of four character classes: ``CharacterClassesValidator``.
- None of the last ``ZHIFA_PASSWORD_HISTORY`` passwords again: ``PasswordHistoryValidator``, which checks the
  candidate against the stored hashes (never a password in clear).
- A change every ``ZHIFA_PASSWORD_MAX_AGE_DAYS`` days (0 disables): ``is_expired``; the session middleware
  (``zhifa.accounts.sessions``) sends an expired account to the change page, ``PasswordNotExpired`` refuses its
  API calls. 等保 asks for periodic change where OWASP ASVS 2.1.10 advises against forcing it: we follow 等保.

Every password set on an account — the change page, the admin, ``createsuperuser``, ``create_user``, the
demo writing a hash directly — passes through ``User.save``, which calls ``prepare_save`` and
``password_set``: the account's ``password_changed_at`` is dated, the hash joins ``PasswordHistory`` (pruned to
the last N, so old hashes are not kept longer than the rule needs), and on a change of an existing account
the change is audited and the account's other sessions end.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, is_password_usable
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import permissions

CLASSES = (
    ("upper", set(string.ascii_uppercase)),
    ("lower", set(string.ascii_lowercase)),
    ("digit", set(string.digits)),
)


def class_labels() -> dict[str, str]:
    return {"upper": _("大写字母"), "lower": _("小写字母"), "digit": _("数字"), "symbol": _("符号")}


def character_classes(password: str) -> set[str]:
    """Which of the four classes occur: ASCII upper case, lower case, digits, and symbols (any other
    character that is not white space, so punctuation and also, say, Chinese characters)."""
    found = set()
    for ch in password:
        for name, members in CLASSES:
            if ch in members:
                found.add(name)
                break
        else:
            if not ch.isspace():
                found.add("symbol")
    return found


def min_classes() -> int:
    return int(getattr(settings, "ZHIFA_PASSWORD_MIN_CLASSES", 3))


def history_size() -> int:
    return int(getattr(settings, "ZHIFA_PASSWORD_HISTORY", 5))


def max_age_days() -> int:
    return int(getattr(settings, "ZHIFA_PASSWORD_MAX_AGE_DAYS", 90))


class CharacterClassesValidator:
    """At least ``min_classes`` of upper case, lower case, digits and symbols."""

    def __init__(self, min_classes: int | None = None):
        self._min = min_classes

    @property
    def min_classes(self) -> int:
        return self._min if self._min is not None else min_classes()

    def validate(self, password: str, user: Any = None) -> None:
        found = character_classes(password)
        if len(found) >= self.min_classes:
            return
        labels = class_labels()
        present = "、".join(labels[c] for c in labels if c in found) or _("无")
        raise ValidationError(
            _(
                "密码须至少包含大写字母、小写字母、数字、符号中的 %(n)d 类；当前只有 %(k)d 类（%(present)s）。"
            ),
            code="password_too_few_classes",
            params={"n": self.min_classes, "k": len(found), "present": present},
        )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的 %(n)d 类。") % {"n": self.min_classes}


def recent_hashes(user, n: int | None = None) -> list[str]:
    """The hashes of the account's last ``n`` passwords, the current one first."""
    from zhifa.accounts.models import PasswordHistory, User

    n = history_size() if n is None else n
    if n <= 0 or user is None or user.pk is None:
        return []
    hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:n])
    current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
    if current and is_password_usable(current) and current not in hashes:
        hashes = [current, *hashes[: n - 1]]
    return hashes


class PasswordHistoryValidator:
    """None of the account's last ``ZHIFA_PASSWORD_HISTORY`` passwords (the current one included)."""

    def __init__(self, history: int | None = None):
        self._history = history

    @property
    def history(self) -> int:
        return self._history if self._history is not None else history_size()

    def validate(self, password: str, user: Any = None) -> None:
        # check_password from the hashers, not user.check_password: that one re-hashes and saves.
        if any(check_password(password, encoded) for encoded in recent_hashes(user, self.history)):
            raise ValidationError(
                ngettext(
                    "新密码不能与当前密码相同。",
                    "新密码不能与最近 %(n)d 次使用过的密码相同。",
                    self.history,
                ),
                code="password_reused",
                params={"n": self.history},
            )

    def get_help_text(self) -> str:
        if self.history <= 0:
            return ""
        return _("不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history}


# --- Dating and remembering every password set ---------------------------------------------------


def prepare_save(user, kwargs: dict[str, Any]) -> bool:
    """Called by ``User.save`` before saving: whether this save sets a new password.

    A new password is one given to ``set_password`` since the last save, or a usable hash that differs
    from the stored one (the demo writes the hash directly). Django re-hashing a password on login with
    a stronger hasher (``save(update_fields=["password"])`` without ``set_password``) is not a change.
    When it is one, ``password_changed_at`` is dated now and saved with it.
    """
    if not is_password_usable(user.password):
        return False
    update_fields = kwargs.get("update_fields")
    if getattr(user, "_password", None) is not None:
        changed = True
    elif update_fields is not None and set(update_fields) == {"password"}:
        changed = False  # a re-hash of the same password (AbstractBaseUser.check_password's setter)
    elif user._state.adding:
        changed = True
    else:
        loaded = getattr(user, "_audit_loaded", None)
        if loaded is not None and "password" in loaded:
            old = loaded["password"]
        else:
            old = type(user).objects.filter(pk=user.pk).values_list("password", flat=True).first()
        changed = old != user.password
    if changed:
        user.password_changed_at = timezone.now()
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "password", "password_changed_at"}
    return changed


def password_set(user, *, created: bool) -> None:
    """Called by ``User.save`` after a save that set a password: history, audit, other sessions end."""
    from zhifa.accounts import sessions
    from zhifa.accounts.models import PasswordHistory
    from zhifa.core.audit import record
    from zhifa.core.choices import AuditAction

    n = history_size()
    if n > 0:
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[n:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    else:
        PasswordHistory.objects.filter(user=user).delete()
    if created:
        return  # the account's creation record carries password_changed_at
    ended = sessions.end_user_sessions(
        user, reason=sessions.EndReason.PASSWORD_CHANGE, keep=sessions.current_session_key(user)
    )
    record(
        AuditAction.PASSWORD_CHANGE,
        user,
        message=_("密码已修改；该账号的其他会话已结束（%(n)d 个）") % {"n": ended},
    )


def expires_at(user) -> dt.datetime | None:
    """When the password must be changed (None: never, under ``ZHIFA_PASSWORD_MAX_AGE_DAYS=0``)."""
    changed = getattr(user, "password_changed_at", None)
    if changed is None:
        return timezone.now()  # set by an administrator to be changed at the next sign-in
    days = max_age_days()
    if days <= 0:
        return None
    return changed + dt.timedelta(days=days)


def is_expired(user, now: dt.datetime | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or not is_password_usable(
        getattr(user, "password", None)
    ):
        return False
    if getattr(user, "password_changed_at", None) is None:
        return True
    limit = expires_at(user)
    return limit is not None and (now or timezone.now()) >= limit


EXPIRED_API_MESSAGE = "密码已过期，请先在网页上修改密码"


class PasswordNotExpired(permissions.BasePermission):
    """API calls of an account whose password has expired are refused (403) until it is changed on the
    web; anonymous requests are left to the other permission classes (401)."""

    message = EXPIRED_API_MESSAGE

    def has_permission(self, request, view) -> bool:
        return not is_expired(request.user)

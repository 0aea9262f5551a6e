"""The break-glass (应急) account, and the rule that no other account is a superuser.

There is no everyday superuser: access comes from the role (``zhifa.core.permissions.RoleBackend``),
never from ``is_superuser`` or ``is_staff``. The one exception to "no account above the three
administrators" is the break-glass account (``User.is_break_glass``), kept for the day the system,
security and audit administrators are all locked out or gone. It is:

- enabled only from the server's command line (``zhifa breakglass enable --reason … --hours N``), with
  a fresh random password printed once, for at most ``ZHIFA_BREAK_GLASS_MAX_HOURS``;
- given every administrator's rights and nothing else (``BREAK_GLASS_PERMISSIONS``: accounts, roles,
  sessions, lockouts, tokens, reference data, the audit log) — no enforcement record, because it
  exists to restore access, not to do the work of an officer;
- closed by ``zhifa breakglass disable`` or by itself when the window ends: sign-in is refused
  (``may_sign_in``, read by ``RoleBackend``), its permissions are empty, the next request it makes
  ends its sessions and deactivates it;
- never silent: enabling, disabling, expiry, each sign-in and every request it makes (method, path,
  status) are written to the audit chain as ``BREAK_GLASS`` rows.

The window is read from the chain itself (the last ``breakglass.window`` row), so it cannot be opened
without leaving the record that opened it.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import string
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from zhifa.core.audit import one_line, record
from zhifa.core.choices import AuditAction
from zhifa.core.roles import Role

logger = logging.getLogger("zhifa.security")

#: Audit object types: the window's state changes, and each request made inside it.
WINDOW_TYPE = "breakglass.window"
USE_TYPE = "breakglass.request"
#: The role the account carries (it is an administrator: second factor and admin site as theirs).
BREAK_GLASS_ROLE = Role.SYSTEM_ADMIN

#: What only ``enable``/``disable`` change on the break-glass account (its password changes as any other).
GUARDED_FIELDS = ("is_active", "is_superuser", "is_break_glass", "role", "username")

_changing: ContextVar[bool] = ContextVar("zhifa_breakglass_changing", default=False)


class BreakGlassError(Exception):
    """A request to enable or disable that cannot be carried out (the message says why, in Chinese)."""


def break_glass_username() -> str:
    return getattr(settings, "ZHIFA_BREAK_GLASS_USERNAME", "breakglass") or "breakglass"


def max_hours() -> int:
    return int(getattr(settings, "ZHIFA_BREAK_GLASS_MAX_HOURS", 24))


def break_glass_permissions() -> frozenset[str]:
    """Every administrator's permissions (系统、安全、审计管理员), and no business permission."""
    from zhifa.core.permissions import role_permissions

    perms: set[str] = set()
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        perms |= role_permissions(role)
    return frozenset(perms)


def account():
    from zhifa.accounts.models import User

    return User.objects.filter(is_break_glass=True).order_by("pk").first()


def window_until(user, now: dt.datetime | None = None) -> dt.datetime | None:
    """The end of the open window of the break-glass account, or None when it is closed."""
    from zhifa.core.models import AuditEntry

    if user is None or not getattr(user, "is_break_glass", False) or user.pk is None:
        return None
    state = (
        AuditEntry.objects.filter(
            action=AuditAction.BREAK_GLASS, object_type=WINDOW_TYPE, object_id=str(user.pk)
        )
        .order_by("-id")
        .values_list("after", flat=True)
        .first()
    )
    if not isinstance(state, dict) or state.get("state") != "enabled":
        return None
    try:
        until = dt.datetime.fromisoformat(str(state.get("until")))
    except ValueError:
        return None
    if timezone.is_naive(until):
        return None
    return until if until > (now or timezone.now()) else None


def window_open(user) -> bool:
    """Cached on the user object for the request (``RoleBackend`` asks once per permission check)."""
    cached = getattr(user, "_zhifa_break_glass_open", None)
    if cached is None:
        cached = window_until(user) is not None
        user._zhifa_break_glass_open = cached
    return cached


def may_sign_in(user) -> bool:
    """Every account but the break-glass one as before; that one only inside its window."""
    if not getattr(user, "is_break_glass", False):
        return True
    if window_open(user):
        return True
    logger.warning("break-glass sign-in refused: the account is not enabled (user id %s)", user.pk)
    return False


def generate_password(length: int = 24) -> str:
    """Random, with upper and lower case, digits and symbols (meets any configured policy)."""
    symbols = "!@#%^&*-_=+?"
    alphabet = string.ascii_letters + string.digits + symbols
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
            and any(c in symbols for c in password)
        ):
            return password


@contextmanager
def _permitted_change():
    token = _changing.set(True)
    try:
        yield
    finally:
        _changing.reset(token)


def _end_sessions(user, reason: str) -> int:
    """Delete every session of the account (and mark its session rows ended)."""
    from django.contrib.sessions.models import Session

    from zhifa.accounts.models import UserSession

    now = timezone.now()
    ended = 0
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    UserSession.objects.filter(user=user, ended_at__isnull=True).update(ended_at=now, end_reason=reason)
    return ended


def _reset_second_factor(user) -> None:
    """The break-glass account enrols a fresh authenticator at each use: a lost one cannot lock it out."""
    from django_otp import devices_for_user

    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()


def enable(reason: str, hours: int = 4, *, operator: str = "") -> tuple[object, str, dt.datetime]:
    """Open the window: (account, password to print once, end of the window)."""
    from zhifa.accounts.models import User

    reason = one_line(reason, 500).strip()
    if len(reason) < 4:
        raise BreakGlassError("--reason 必填：写明启用应急账号的原因（至少 4 个字），例如“三员账号均被锁定”")
    if not isinstance(hours, int) or hours < 1 or hours > max_hours():
        raise BreakGlassError(f"--hours 必须是 1 到 {max_hours()} 之间的整数（ZHIFA_BREAK_GLASS_MAX_HOURS）")
    username = break_glass_username()
    password = generate_password()
    now = timezone.now()
    until = now + dt.timedelta(hours=hours)
    with transaction.atomic(), _permitted_change():
        user = account()
        if user is None:
            if User.objects.filter(username__iexact=username).exists():
                raise BreakGlassError(
                    f"用户名 {username} 已被普通账号占用：请设置 ZHIFA_BREAK_GLASS_USERNAME 为另一个用户名"
                )
            user = User(username=username, full_name="应急账号", is_break_glass=True)
        user.role = BREAK_GLASS_ROLE
        user.region = None
        user.is_active = True
        user.is_superuser = False
        user.is_staff = False
        user.set_password(password)
        user.save()
        _reset_second_factor(user)
        _end_sessions(user, "break_glass_enabled")
        record(
            AuditAction.BREAK_GLASS,
            object_type=WINDOW_TYPE,
            object_id=str(user.pk),
            object_repr=user.username,
            after={
                "state": "enabled",
                "until": until.isoformat(),
                "hours": hours,
                "reason": reason,
                "operator": one_line(operator, 150),
            },
            message=f"启用应急账号 {user.username}，有效 {hours} 小时（至 {timezone.localtime(until):%Y-%m-%d %H:%M}）；原因：{reason}；操作人：{one_line(operator, 150) or '未填写'}",
        )
    user._zhifa_break_glass_open = True
    return user, password, until


def disable(reason: str = "", *, expired: bool = False, operator: str = "") -> object | None:
    """Close the window: account deactivated, password unusable, every session ended."""
    with transaction.atomic(), _permitted_change():
        user = account()
        if user is None:
            return None
        user.is_active = False
        user.set_unusable_password()
        user.save()
        ended = _end_sessions(user, "break_glass_expired" if expired else "break_glass_disabled")
        what = "应急账号到期自动停用" if expired else "停用应急账号"
        record(
            AuditAction.BREAK_GLASS,
            object_type=WINDOW_TYPE,
            object_id=str(user.pk),
            object_repr=user.username,
            after={
                "state": "expired" if expired else "disabled",
                "reason": one_line(reason, 500),
                "operator": one_line(operator, 150),
                "sessions_ended": ended,
            },
            message=f"{what} {user.username}；结束会话 {ended} 个"
            + (f"；说明：{one_line(reason, 500)}" if reason else ""),
        )
    user._zhifa_break_glass_open = False
    return user


def status() -> dict:
    user = account()
    until = window_until(user) if user is not None else None
    return {"account": user, "until": until, "open": until is not None}


def audit_request(request, response) -> None:
    """One ``BREAK_GLASS`` row per request the break-glass account makes (method, path, status)."""
    user = request.user
    path = one_line(request.get_full_path(), 1000)
    record(
        AuditAction.BREAK_GLASS,
        object_type=USE_TYPE,
        object_id=str(user.pk),
        object_repr=one_line(f"{request.method} {path}"),
        after={"method": one_line(request.method, 16), "path": path, "status": response.status_code},
        message="应急账号的操作",
        user=user,
    )


def _end_outside_window(request, user) -> None:
    """Record the refused request, deactivate the account and end the session."""
    from django.contrib.auth import logout

    record(
        AuditAction.BREAK_GLASS,
        object_type=USE_TYPE,
        object_id=str(user.pk),
        object_repr=one_line(f"{request.method} {request.get_full_path()}"),
        after={"method": one_line(request.method, 16), "path": one_line(request.get_full_path(), 1000)},
        message="应急账号在启用期外的请求被拒绝，会话已结束",
        user=user,
    )
    if user.is_active:
        disable("启用期已过", expired=True)
    if hasattr(request, "session"):
        logout(request)


def close_if_expired(request) -> bool:
    """For a request by the break-glass account outside its window: sign out, deactivate; True if so."""
    user = request.user
    if window_open(user):
        return False
    _end_outside_window(request, user)
    return True


def close_stale_session(request) -> bool:
    """A session still naming the break-glass account after its window: end it, deactivate; True if so."""
    from django.contrib.auth import SESSION_KEY

    from zhifa.accounts.models import User

    session = getattr(request, "session", None)
    uid = session.get(SESSION_KEY) if session is not None else None
    if not uid:
        return False
    user = User.objects.filter(pk=uid, is_break_glass=True).first()
    if user is None or window_open(user):
        return False
    _end_outside_window(request, user)
    return True


# --- Rules -----------------------------------------------------------------------------------------


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _no_everyday_superuser(sender, instance, raw=False, **kwargs):
    """No account is a superuser unless it is the break-glass one; that one changes only through here."""
    if raw:
        return
    if instance.is_superuser and not instance.is_break_glass:
        raise ValidationError(
            {
                "is_superuser": "不设日常超级用户：权限来自角色。紧急情况请使用应急账号（zhifa breakglass enable）。"
            }
        )
    if not instance.is_break_glass or _changing.get():
        return
    previous = sender.objects.filter(pk=instance.pk).values(*GUARDED_FIELDS).first()
    if previous is None:
        raise ValidationError("应急账号只能通过服务器命令 zhifa breakglass enable 创建")
    if any(previous[k] != getattr(instance, k) for k in GUARDED_FIELDS):
        raise ValidationError("应急账号只能通过服务器命令 zhifa breakglass enable/disable 启用、停用或更改")


@receiver(user_logged_in)
def _break_glass_signed_in(sender, request, user, **kwargs):
    if getattr(user, "is_break_glass", False):
        until = window_until(user)
        record(
            AuditAction.BREAK_GLASS,
            object_type=USE_TYPE,
            object_id=str(user.pk),
            object_repr=user.username,
            after={"event": "login", "until": until.isoformat() if until else None},
            message="应急账号登录",
            user=user,
        )

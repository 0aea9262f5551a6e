"""Sessions (等保 2.0 level 3): idle timeout, absolute lifetime, the list of signed-in sessions, password expiry.

Django's session row holds the data; ``UserSession`` names its owner, address and browser, and when and
why it ended. A session ends when

- it is idle longer than ``SESSION_COOKIE_AGE`` (``ZHIFA_SESSION_IDLE_SECONDS``, 30 minutes): the cookie
  and Django's row expire, and ``SessionPolicyMiddleware`` checks the last activity it keeps in the session
  too, so a session restored from elsewhere does not outlive the rule;
- it is older than ``ZHIFA_SESSION_MAX_SECONDS`` (12 hours) since sign-in, however active;
- the user signs out, changes the password (the account's other sessions), the account is disabled, or
  the security administrator ends it — these delete Django's session row, so the cookie is dead at once;
- its ``UserSession`` row was ended by any other path: the middleware checks the row when it records
  activity (at most once a minute, which also keeps ``last_seen_at``).

The middleware also sends an account whose password has expired (``zhifa.accounts.passwords``) to the
change page before any other page; API calls made with such a session get a 403 in JSON.
"""

from __future__ import annotations

import datetime as dt
import time
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.accounts import passwords
from zhifa.core import clientip
from zhifa.core.audit import current_context, one_line, record
from zhifa.core.choices import AuditAction

#: Keys this module keeps in the session: its UserSession row, sign-in time, last request, last write of
#: ``last_seen_at`` (seconds since the epoch).
ROW_KEY = "zhifa_session_row"
BORN_KEY = "zhifa_session_born"
SEEN_KEY = "zhifa_session_seen"
TOUCH_KEY = "zhifa_session_touched"
#: ``last_seen_at`` is written (and the row checked) at most this often.
TOUCH_SECONDS = 60


class EndReason(models.TextChoices):
    SIGNED_OUT = "signed_out", gettext_lazy("退出登录")
    IDLE = "idle", gettext_lazy("空闲超时")
    LIFETIME = "lifetime", gettext_lazy("超过最长会话时间")
    PASSWORD_CHANGE = "password_change", gettext_lazy("修改密码")
    ENDED_BY_ADMIN = "ended_by_admin", gettext_lazy("安全管理员结束")
    ACCOUNT_DISABLED = "account_disabled", gettext_lazy("账号停用")
    ENDED = "ended", gettext_lazy("会话已被结束")


def idle_seconds() -> int:
    return int(settings.SESSION_COOKIE_AGE)


def max_seconds() -> int:
    return int(getattr(settings, "ZHIFA_SESSION_MAX_SECONDS", 12 * 3600))


def client_ip(request) -> str:
    return clientip.client_ip(request) or ""


def _delete_django_session(session_key: str) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore().delete(session_key)


# --- Start and end -------------------------------------------------------------------------------


def start(request, user):
    """A sign-in (``user_logged_in``): a UserSession row, the clock of the absolute lifetime.

    Also called for a signed-in session that has no row yet (signed in before this policy): two of its
    requests at once find the one row by its key instead of failing on the unique key."""
    from zhifa.accounts.models import UserSession

    session = getattr(request, "session", None)
    if session is None:
        return None
    if not session.session_key:
        session.save()  # login() after a flush leaves the key to the response: make it now
    now = time.time()
    row, _created = UserSession.objects.get_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": one_line(client_ip(request), 64),
            "user_agent": one_line(request.META.get("HTTP_USER_AGENT", ""), 255),
            "last_seen_at": timezone.now(),
        },
    )
    session[ROW_KEY] = row.pk
    session[BORN_KEY] = now
    session[SEEN_KEY] = now
    session[TOUCH_KEY] = now
    return row


def current_session_key(user) -> str | None:
    """The session key of the request being served, if it is ``user``'s (kept when its other sessions end)."""
    request = current_context().get("request")
    if request is None or getattr(getattr(request, "user", None), "pk", None) != user.pk:
        return None
    session = getattr(request, "session", None)
    return getattr(session, "session_key", None)


def end_session(row, *, reason: str, by=None, note: str = "", audit: bool = True) -> bool:
    """End one UserSession row and delete its Django session. False if it had ended already."""
    from zhifa.accounts.models import UserSession

    done = UserSession.objects.filter(pk=row.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason, ended_by=by
    )
    _delete_django_session(row.session_key)
    if not done:
        return False
    if audit:
        label = EndReason(reason).label if reason in EndReason.values else reason
        text = _("结束会话（%(why)s）：%(ip)s 于 %(at)s 登录") % {
            "why": label,
            "ip": row.ip or "—",
            "at": timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
        }
        if note:
            text += _("；原因：%(note)s") % {"note": note}
        record(AuditAction.SESSION_END, row.user, message=text, user=by)
    return True


def end_user_sessions(user, *, reason: str, by=None, keep: str | None = None, note: str = "") -> int:
    """End every open session of ``user`` but ``keep`` (a session key). Returns how many ended."""
    from zhifa.accounts.models import UserSession

    rows = UserSession.objects.filter(user=user, ended_at__isnull=True).select_related("user")
    if keep:
        rows = rows.exclude(session_key=keep)
    # audited one by one only when someone ends them; a password change or a disabled account is
    # audited once by its caller with the count
    audit_each = reason == EndReason.ENDED_BY_ADMIN
    return sum(end_session(row, reason=reason, by=by, note=note, audit=audit_each) for row in rows)


def end_current(request, reason: str) -> None:
    """The request's own session ends (sign-out, idle, lifetime): close its row."""
    from zhifa.accounts.models import UserSession

    session = getattr(request, "session", None)
    row_id = session.get(ROW_KEY) if session is not None else None
    if row_id:
        UserSession.objects.filter(pk=row_id, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )


def close_stale(now: dt.datetime | None = None) -> None:
    """Rows of sessions that expired without a further request (the browser closed): ended as of when
    they expired. Two UPDATEs, run before the security administrator's list."""
    from zhifa.accounts.models import UserSession

    now = now or timezone.now()
    idle = dt.timedelta(seconds=idle_seconds())
    lifetime = dt.timedelta(seconds=max_seconds())
    open_rows = UserSession.objects.filter(ended_at__isnull=True)
    open_rows.filter(created_at__lte=now - lifetime).update(
        ended_at=ExpressionWrapper(F("created_at") + lifetime, output_field=DateTimeField()),
        end_reason=EndReason.LIFETIME,
    )
    open_rows.filter(last_seen_at__lte=now - idle).update(
        ended_at=ExpressionWrapper(F("last_seen_at") + idle, output_field=DateTimeField()),
        end_reason=EndReason.IDLE,
    )


def active_sessions():
    """Open sessions, newest first, with their accounts (one query per page whatever the rows)."""
    from zhifa.accounts.models import UserSession

    return (
        UserSession.objects.filter(ended_at__isnull=True)
        .select_related("user", "user__region")
        .order_by("-created_at", "-id")
    )


# --- The middleware ------------------------------------------------------------------------------

#: Paths an expired password still reaches: the way out, the change page and what it needs (second
#: factor, re-authentication), static files and what is public anyway.
ALWAYS_OPEN_PREFIXES = ("/healthz", "/public/", "/api/v1/public/")
OPEN_URL_NAMES = ("login", "logout", "password_change", "reauth", "otp_verify", "otp_setup")


def _open_paths() -> tuple[str, ...]:
    paths = [*ALWAYS_OPEN_PREFIXES, "/" + settings.STATIC_URL.lstrip("/")]
    for name in OPEN_URL_NAMES:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:  # a page not (yet) mounted
            continue
    return tuple(paths)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        ended = self._check_session(request)
        if ended:
            return ended
        if passwords.is_expired(user) and not request.path_info.startswith(_open_paths()):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": passwords.EXPIRED_API_MESSAGE}, status=403)
            target = reverse("password_change")
            return redirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        return self.get_response(request)

    def _check_session(self, request):
        """None while the session may go on; else the session is ended and the response says why."""
        from zhifa.accounts.models import UserSession

        session = request.session
        now = time.time()
        if ROW_KEY not in session:
            # signed in before this policy (or by a path that did not send user_logged_in): start now
            row = start(request, request.user)
            if row is not None and (row.ended_at is not None or row.user_id != request.user.pk):
                return self._end(request, EndReason.ENDED)
        born = _number(session.get(BORN_KEY), now)
        seen = _number(session.get(SEEN_KEY), now)
        reason = None
        if now - seen > idle_seconds():
            reason = EndReason.IDLE
        elif now - born > max_seconds():
            reason = EndReason.LIFETIME
        elif now - _number(session.get(TOUCH_KEY), 0) >= TOUCH_SECONDS:
            alive = UserSession.objects.filter(pk=session[ROW_KEY], ended_at__isnull=True).update(
                last_seen_at=timezone.now(), session_key=session.session_key
            )
            if not alive:
                reason = EndReason.ENDED
            session[TOUCH_KEY] = now
        if reason is None:
            session[SEEN_KEY] = now
            return None
        return self._end(request, reason)

    def _end(self, request, reason):
        user = request.user
        end_current(request, reason)
        if reason != EndReason.ENDED:  # an ended row was audited by whoever ended it
            limit = idle_seconds() if reason == EndReason.IDLE else max_seconds()
            record(
                AuditAction.SESSION_END,
                user,
                user=user,
                message=_("会话%(why)s（%(min)d 分钟），已自动结束")
                % {"why": EndReason(reason).label, "min": limit // 60},
            )
        request.session.flush()
        request.user = AnonymousUser()
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": str(ended_message(reason))}, status=401)
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path(), "ended": reason})
        return redirect(f"{reverse('login')}?{query}")


def ended_message(reason: str) -> str:
    """What the login page says after the middleware ended a session (``?ended=<reason>``)."""
    if reason == EndReason.IDLE:
        return _("您已超过 %(min)d 分钟未操作，会话已结束，请重新登录。") % {"min": idle_seconds() // 60}
    if reason == EndReason.LIFETIME:
        return _("会话已超过最长时间（%(h)s 小时），请重新登录。") % {"h": f"{max_seconds() / 3600:g}"}
    if reason == EndReason.ENDED:
        return _("您的会话已被结束，请重新登录。")
    return ""


def _number(value, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default

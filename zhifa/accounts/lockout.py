"""Failed-login lockout through django-axes (等保 2.0 level 3: limit failed logins).

``ZHIFA_LOCKOUT_FAILURES`` failures (5) lock for ``ZHIFA_LOCKOUT_MINUTES`` (15), counted per account and per
client address independently (``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``: either reaching the
limit locks). A failure during the lockout starts the minutes again. The lock lifts by itself once the
minutes have passed since the last failure, or when the security administrator unlocks it (audited).

Every attempt is kept: axes' ``AccessAttempt`` (the counters), ``AccessFailureLog`` (each failure) and
``AccessLog`` (each sign-in), and the audit chain's LOGIN / LOGIN_FAILED rows (zhifa.core.signals) plus a
LOCKOUT row whenever axes locks (``zhifa.accounts.signals``).

The client address is ``REMOTE_ADDR``; behind a reverse proxy listed in ``ZHIFA_TRUSTED_PROXIES`` it is the
nearest address in ``X-Forwarded-For`` that is not itself a trusted proxy, so a client cannot choose its
address by sending the header itself (``zhifa.core.clientip``, shared with the audit chain and the session list).
"""

from __future__ import annotations

import datetime as dt
import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset
from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.audit import one_line, record
from zhifa.core.choices import AuditAction


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, refusing locked-out accounts and addresses before any password is checked.

    ``authenticate()`` without a request has no client to lock out: it comes from code on the server (the
    management shell, the demo's own checks, the test client's ``login``), never from the network, where
    every path (the login page, the admin's login, re-authentication) passes its request. axes would raise
    there; this backend lets the other backends answer.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def failure_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def cool_off() -> dt.timedelta:
    value = settings.AXES_COOLOFF_TIME
    return value if isinstance(value, dt.timedelta) else dt.timedelta(hours=float(value or 0))


def _recent(now: dt.datetime | None = None):
    return AccessAttempt.objects.filter(attempt_time__gte=(now or timezone.now()) - cool_off())


def remaining_minutes(username: str | None, ip_address: str | None, now: dt.datetime | None = None) -> int:
    """Whole minutes until the account's or address's lock lifts (at least 1 while it holds)."""
    now = now or timezone.now()
    last = (
        _recent(now)
        .filter(Q(username=username) | Q(ip_address=ip_address))
        .aggregate(last=Max("attempt_time"))["last"]
    )
    if last is None:
        return 0
    return max(1, math.ceil((last + cool_off() - now).total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the login page again, saying for how many minutes it is locked."""
    username = get_client_username(request, credentials) or ""
    minutes = remaining_minutes(username, getattr(request, "axes_ip_address", None))
    message = _(
        "登录失败次数过多（连续 %(n)d 次），该账号或本机地址已被锁定，请 %(m)d 分钟后再试；"
        "如需立即解锁，请联系安全管理员。"
    ) % {"n": failure_limit(), "m": minutes}
    context = {
        "locked_message": message,
        "username": one_line(username, 150),
        "next": request.POST.get("next", ""),
        "lockout_failures": failure_limit(),
        "lockout_minutes": int(cool_off().total_seconds() // 60),
    }
    return render(request, "accounts/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def failure_counts(username: str | None, ip_address: str | None) -> tuple[int, int]:
    """Failures within the lockout window for the account and for the address."""
    recent = _recent()
    by_user = recent.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
    by_ip = recent.filter(ip_address=ip_address).aggregate(n=Sum("failures_since_start"))["n"] or 0
    return by_user, by_ip


def record_lockout(request, username: str | None, ip_address: str | None) -> None:
    """Audit axes' ``user_locked_out``: the first lock and every further attempt while locked."""
    from zhifa.accounts.models import User

    by_user, by_ip = failure_counts(username, ip_address)
    limit = failure_limit()
    locked = [
        _("账号 %(u)s（%(n)d 次）") % {"u": one_line(username, 150), "n": by_user}
        if by_user >= limit
        else "",
        _("地址 %(ip)s（%(n)d 次）") % {"ip": ip_address or "—", "n": by_ip} if by_ip >= limit else "",
    ]
    first = getattr(request, "axes_failures_since_start", None) == limit
    message = (
        _("连续登录失败，锁定 %(m)d 分钟：%(what)s")
        if first
        else _("锁定期间再次尝试登录，重新锁定 %(m)d 分钟：%(what)s")
    ) % {
        "m": int(cool_off().total_seconds() // 60),
        "what": "、".join(part for part in locked if part)
        or _("账号 %(u)s、地址 %(ip)s") % {"u": username, "ip": ip_address},
    }
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        record(AuditAction.LOCKOUT, user, message=message)
    else:
        record(
            AuditAction.LOCKOUT,
            object_type="accounts.user",
            object_repr=one_line(username, 150),
            message=message,
        )


# --- The security administrator's view -----------------------------------------------------------


def locked(now: dt.datetime | None = None) -> tuple[list[dict], list[dict]]:
    """Accounts and addresses locked now: two grouped queries whatever the number of attempts."""
    now = now or timezone.now()
    limit = failure_limit()
    recent = _recent(now)
    accounts = list(
        recent.exclude(username__isnull=True)
        .exclude(username="")
        .values("username")
        .annotate(
            failures=Sum("failures_since_start"),
            last=Max("attempt_time"),
            spread=Count("ip_address", distinct=True),
        )
        .filter(failures__gte=limit)
        .order_by("-last")
    )
    addresses = list(
        recent.exclude(ip_address__isnull=True)
        .values("ip_address")
        .annotate(
            failures=Sum("failures_since_start"),
            last=Max("attempt_time"),
            spread=Count("username", distinct=True),
        )
        .filter(failures__gte=limit)
        .order_by("-last")
    )
    for row in (*accounts, *addresses):
        row["until"] = row["last"] + cool_off()
    return accounts, addresses


def recent_failures(limit: int = 50):
    return list(AccessFailureLog.objects.order_by("-attempt_time", "-id")[:limit])


class UnlockKind:
    ACCOUNT = "account"
    ADDRESS = "address"


def unlock(kind: str, value: str, *, by, reason: str) -> int:
    """Clear the failure counters of an account or an address (the failure log stays); audited.

    axes counts per (account, address) pair: unlocking an account clears the failures against it from
    every address, and with them those addresses' counts of these failures; failures against other
    accounts still count for their addresses."""
    from zhifa.accounts.models import User

    value = value.strip()
    if kind == UnlockKind.ACCOUNT:
        count = reset(username=value)
        what = _("账号 %(u)s") % {"u": one_line(value, 150)}
    else:
        count = reset(ip=value)
        what = _("地址 %(ip)s") % {"ip": one_line(value, 64)}
    message = _("解除登录锁定：%(what)s，清除失败计数 %(n)d 条；原因：%(reason)s") % {
        "what": what,
        "n": count,
        "reason": one_line(reason, 200),
    }
    user = User.objects.filter(username=value).first() if kind == UnlockKind.ACCOUNT else None
    if user is not None:
        record(AuditAction.LOCKOUT, user, message=message, user=by)
    else:
        record(
            AuditAction.LOCKOUT,
            object_type="accounts.user",
            object_repr=one_line(value, 150),
            message=message,
            user=by,
        )
    return count

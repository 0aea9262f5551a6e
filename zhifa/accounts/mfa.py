"""The second factor (TOTP through django-otp, recovery codes), where it is required, and re-authentication.

等保 2.0 level 3 asks for two authentication factors, one of them cryptographic: after the password,
an account whose role (``ZHIFA_MFA_REQUIRED_ROLES``), own flag (``User.mfa_required``) or the whole
installation (``ZHIFA_MFA_REQUIRED_ALL``) requires it enters a time-based code (RFC 6238, django-otp's
``TOTPDevice``) or one of its single-use recovery codes (``StaticDevice``). django-otp keeps the
verified device in the session; ``SecondFactorMiddleware`` sends an unverified session to the code
page (or to enrolment when the account has no device yet) before any other page, and answers API calls
made with such a session with a 403.

Re-authentication (``reauth_required``) guards changes of a password, a second factor or a role: the
password again, plus a code when the account has a confirmed device, at most ``ZHIFA_REAUTH_SECONDS``
before the change.
"""

from __future__ import annotations

import functools
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa.core.audit import record
from zhifa.core.choices import AuditAction

#: Session keys: when the password (and code) were last typed again, when the session signed in, and
#: whether the account had an authenticator then (read on every request without a query).
REAUTH_SESSION_KEY = "zhifa_reauth_at"
LOGIN_SESSION_KEY = "zhifa_login_at"
ENROLLED_SESSION_KEY = "zhifa_otp_enrolled"

#: Paths an unverified session may still reach: its way in and out, and what is public anyway.
ALWAYS_OPEN_PREFIXES = ("/healthz", "/public/", "/api/v1/public/")
OPEN_URL_NAMES = ("login", "logout", "otp_verify", "otp_setup", "reauth")


def reauth_seconds() -> int:
    return int(getattr(settings, "ZHIFA_REAUTH_SECONDS", 300))


def mfa_required_for(user) -> bool:
    """Whether this account must pass a second factor (role, own flag, or every account)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(settings, "ZHIFA_MFA_REQUIRED_ALL", False) or getattr(user, "mfa_required", False):
        return True
    return getattr(user, "role", "") in set(getattr(settings, "ZHIFA_MFA_REQUIRED_ROLES", ()))


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def has_device(user) -> bool:
    """A confirmed authenticator app (recovery codes alone do not count as an enrolment)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def verify_code(user, code: str):
    """The device that accepts ``code`` (the authenticator's six digits or a recovery code), or None.

    A recovery code is used up by its own verification (django-otp deletes the static token)."""
    code = "".join(str(code or "").split())
    if not code:
        return None
    if code.isdigit() and len(code) == 6:
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):  # throttled by django-otp after repeated failures
                return device
        return None
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code.lower()):
            return device
    return None


def code_failed(request, user, *, where: str) -> None:
    """Audit a refused code and count it towards the account's lockout (django-axes)."""
    record(AuditAction.OTP, user, message=f"动态口令或恢复码错误（{where}）", user=user)
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def mark_verified(request, device, *, where: str) -> None:
    """The session passed its second factor with ``device`` (django-otp's own session key)."""
    otp_login(request, device)
    if not isinstance(device, StaticDevice):
        request.session[ENROLLED_SESSION_KEY] = True
    _session_row_update(request, mfa_verified_at=timezone.now())
    kind = _g("恢复码") if isinstance(device, StaticDevice) else _g("动态口令")
    record(AuditAction.OTP, request.user, message=f"第二因素验证通过（{kind}，{where}）", user=request.user)


def _session_row_update(request, **fields) -> None:
    from zhifa.accounts.models import UserSession

    key = getattr(request.session, "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).update(**fields)


def mark_reauthenticated(request) -> None:
    request.session[REAUTH_SESSION_KEY] = time.time()


def recently_reauthenticated(request) -> bool:
    at = request.session.get(REAUTH_SESSION_KEY)
    return isinstance(at, int | float) and 0 <= time.time() - at <= reauth_seconds()


def recently_signed_in(request) -> bool:
    at = request.session.get(LOGIN_SESSION_KEY)
    return isinstance(at, int | float) and 0 <= time.time() - at <= reauth_seconds()


@receiver(user_logged_in, dispatch_uid="zhifa_mfa_login_at")
def _remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_SESSION_KEY] = time.time()
        request.session[ENROLLED_SESSION_KEY] = has_device(user)
        request.session.pop(REAUTH_SESSION_KEY, None)


def needs_code(request) -> bool:
    """Whether this session must pass a second factor: the account's role or flag requires one, or the
    account has bound an authenticator of its own accord (then it is asked for too)."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    if mfa_required_for(user):
        return True
    enrolled = request.session.get(ENROLLED_SESSION_KEY)
    if enrolled is None:  # a session from before this rule: look once, then remember
        enrolled = request.session[ENROLLED_SESSION_KEY] = has_device(user)
    return bool(enrolled)


def reauth_url(next_url: str) -> str:
    return f"{reverse('reauth')}?{urlencode({'next': next_url})}"


def reauth_required(view):
    """Send the user to the re-authentication page unless the session re-authenticated within
    ``ZHIFA_REAUTH_SECONDS``; the page returns to this URL. A POST that arrives too late is not
    carried out (its data is not replayed): the user re-authenticates and submits again."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not recently_reauthenticated(request):
            return redirect(reauth_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapped


def _open_paths() -> tuple[str, ...]:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return (*ALWAYS_OPEN_PREFIXES, static, *(reverse(name) for name in OPEN_URL_NAMES))


class SecondFactorMiddleware:
    """Nothing but the way in and out until a session that needs a second factor has passed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "user", None) is None or not needs_code(request) or is_verified(request):
            return self.get_response(request)
        user = request.user
        path = request.path_info
        if path.startswith(_open_paths()):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _g(
                        "本账号须先通过第二因素（动态口令）验证：请在网页登录并输入动态口令，或使用签发时已验证第二因素的 API 令牌。"
                    )
                },
                status=403,
            )
        target = "otp_verify" if has_device(user) else "otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


__all__ = [
    "DEVICE_ID_SESSION_KEY",
    "SecondFactorMiddleware",
    "mfa_required_for",
    "reauth_required",
    "verify_code",
]

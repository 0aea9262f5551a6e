"""Pages of the second factor: the code after the password, enrolment, recovery codes, re-authentication,
and the security administrator's reset of a user's devices (lost phone)."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa.accounts import mfa
from zhifa.accounts.models import User
from zhifa.core.audit import one_line, record
from zhifa.core.choices import AuditAction
from zhifa.core.views import safe_next

#: How many single-use recovery codes a user holds at a time.
RECOVERY_CODES = 10
PENDING_SESSION_KEY = "zhifa_otp_pending"


def _locked_out(request, user) -> bool:
    """django-axes counts refused codes with refused passwords; once locked, the session ends too."""
    if not AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        return False
    logout(request)
    messages.error(request, _("尝试次数过多，账号已被暂时锁定，请稍后再登录。"))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of signing in: the authenticator's code or a recovery code."""
    user = request.user
    if mfa.is_verified(request):
        return redirect(safe_next(request))
    if not mfa.has_device(user):
        if not mfa.mfa_required_for(user):
            # its authenticator was reset and the account needs none: nothing more to ask
            request.session[mfa.ENROLLED_SESSION_KEY] = False
            return redirect(safe_next(request))
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': safe_next(request)})}")
    error = ""
    if request.method == "POST":
        device = mfa.verify_code(user, request.POST.get("code", ""))
        if device is not None:
            mfa.mark_verified(request, device, where=_("登录"))
            return redirect(safe_next(request))
        mfa.code_failed(request, user, where=_("登录"))
        if _locked_out(request, user):
            return redirect("login")
        error = _("动态口令：口令不正确或已过期（恢复码每个只能用一次），请重新输入。")
    return render(request, "accounts/otp_verify.html", {"error": error, "next": safe_next(request)})


def _recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten new ones and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _svg_qr(url: str) -> str:
    # segno escapes nothing it does not generate: the SVG holds paths only, no text from the URL.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, title=_("身份验证器二维码")))  # noqa: S308


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code.

    The first enrolment right after signing in needs nothing more (the password was just typed);
    replacing a device, or enrolling later in the session, needs re-authentication."""
    user = request.user
    if (mfa.has_device(user) or not mfa.recently_signed_in(request)) and not mfa.recently_reauthenticated(
        request
    ):
        return redirect(mfa.reauth_url(request.get_full_path()))
    pending = TOTPDevice.objects.filter(
        pk=request.session.get(PENDING_SESSION_KEY) or 0, user=user, confirmed=False
    ).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
        request.session[PENDING_SESSION_KEY] = pending.pk
    error = ""
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())
        if code.isdigit() and len(code) == 6 and pending.verify_token(code):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                codes = _recovery_codes(user)
                request.session.pop(PENDING_SESSION_KEY, None)
                record(AuditAction.OTP, user, message="启用动态口令（第二因素），生成恢复码", user=user)
                mfa.mark_verified(request, pending, where=_("启用"))
            return render(
                request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": safe_next(request)}
            )
        mfa.code_failed(request, user, where=_("启用"))
        if _locked_out(request, user):
            return redirect("login")
        error = _("动态口令：请输入身份验证器当前显示的 6 位数字。")
    secret = b32encode(pending.bin_key).decode("ascii")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "qr_svg": _svg_qr(pending.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "error": error,
            "replacing": mfa.has_device(user),
            "next": safe_next(request),
        },
    )


@login_required
@mfa.reauth_required
@require_http_methods(["GET", "POST"])
def otp_recovery(request):
    """New recovery codes (the old ones stop working), shown once."""
    user = request.user
    if not mfa.has_device(user):
        return redirect("otp_setup")
    if request.method == "POST":
        with transaction.atomic():
            codes = _recovery_codes(user)
            record(AuditAction.OTP, user, message="重新生成恢复码（原恢复码作废）", user=user)
        return render(request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": reverse("home")})
    remaining = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return render(request, "accounts/otp_recovery.html", {"remaining": remaining})


@login_required
@permission_required("accounts.reset_otp", raise_exception=True)
@mfa.reauth_required
@require_http_methods(["GET", "POST"])
def otp_reset(request, pk):
    """The security administrator removes a user's authenticator and recovery codes (lost phone):
    the user enrols again at the next sign-in (or page, for a session already open)."""
    target = get_object_or_404(User, pk=pk)
    error = ""
    if request.method == "POST":
        reason = one_line(request.POST.get("reason", ""), 200).strip()
        if not reason:
            error = _("重置原因：请填写重置原因，例如“手机遗失”")
        else:
            with transaction.atomic():
                totp = TOTPDevice.objects.filter(user=target).delete()[1].get("otp_totp.TOTPDevice", 0)
                StaticDevice.objects.filter(user=target).delete()
                record(
                    AuditAction.OTP,
                    target,
                    message=f"安全管理员重置第二因素（删除身份验证器 {totp} 个及恢复码）：{reason}",
                )
            messages.success(
                request, _("已重置 %(user)s 的第二因素，其下次访问时须重新绑定。") % {"user": target}
            )
            return redirect("admin:accounts_user_change", target.pk)
    return render(
        request,
        "accounts/otp_reset.html",
        {
            "target": target,
            "has_device": mfa.has_device(target),
            "required": mfa.mfa_required_for(target),
            "error": error,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reauth(request):
    """Type the password again (and a code when the account has an authenticator) before a change of
    password, second factor or role; then back to ``next``."""
    user = request.user
    needs_code = mfa.has_device(user)
    error = ""
    if request.method == "POST":
        password_ok = user.check_password(request.POST.get("password", ""))
        device = mfa.verify_code(user, request.POST.get("code", "")) if needs_code and password_ok else None
        if password_ok and (device is not None or not needs_code):
            mfa.mark_reauthenticated(request)
            if device is not None:
                mfa.mark_verified(request, device, where=_("再次验证身份"))
            record(AuditAction.REAUTH, user, message="再次验证身份通过", user=user)
            return redirect(safe_next(request))
        what = _("密码") if not password_ok else _("动态口令")
        record(AuditAction.REAUTH, user, message=f"再次验证身份失败：{what}错误", user=user)
        if password_ok:
            mfa.code_failed(request, user, where=_("再次验证身份"))
        else:
            _password_failed(request, user)
        if _locked_out(request, user):
            return redirect("login")
        error = (
            _("密码：密码不正确，请重新输入。")
            if not password_ok
            else _("动态口令：口令不正确或已过期（恢复码每个只能用一次），请重新输入。")
        )
    return render(
        request,
        "accounts/reauth.html",
        {"needs_code": needs_code, "error": error, "next": safe_next(request)},
    )


def _password_failed(request, user) -> None:
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)

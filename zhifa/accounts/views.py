"""Pages of passwords, sessions and lockouts.

- ``password_change``: any signed-in user, after re-authenticating (``mfa.reauth_required``), so the form
  asks only for the new password twice; the page every expired password is sent to.
- The security administrator's pages (``accounts.view_usersession`` / ``accounts.end_usersession``): the
  signed-in sessions (filtered by account, a constant number of queries), ending one session or all of an
  account's, the locked accounts and addresses, and unlocking them — each end and unlock with a reason,
  audited.
"""

from __future__ import annotations

import ipaddress

from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_http_methods

from zhifa.accounts import lockout, passwords, sessions
from zhifa.accounts.mfa import reauth_required
from zhifa.accounts.models import User, UserSession
from zhifa.core.views import PermissionMixin, safe_next

PER_PAGE = 50


def _int(value) -> int | None:
    """A positive id from a query string, or None (a bad filter is ignored, never a 500)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 2**63 else None


# --- Sign-in -------------------------------------------------------------------------------------


def lockout_context() -> dict:
    return {
        "lockout_failures": lockout.failure_limit(),
        "lockout_minutes": int(lockout.cool_off().total_seconds() // 60),
    }


class LoginView(auth_views.LoginView):
    """Django's sign-in page, saying why a session ended (``?ended=idle``) and what locks an account."""

    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(lockout_context())
        context["ended_message"] = sessions.ended_message(str(self.request.GET.get("ended", "")))
        return context


# --- Password change -----------------------------------------------------------------------------


class NewPasswordForm(SetPasswordForm):
    """The new password twice; Django's validators plus ours (settings.AUTH_PASSWORD_VALIDATORS)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = gettext_lazy("新密码")
        self.fields["new_password2"].label = gettext_lazy("再次输入新密码")
        self.fields["new_password1"].help_text = ""


@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    user = request.user
    expired = passwords.is_expired(user)
    form = NewPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()  # User.save dates it, remembers it, audits it and ends the account's other sessions
        update_session_auth_hash(request, user)  # this session stays signed in (under a new key)
        row_id = request.session.get(sessions.ROW_KEY)
        if row_id:
            UserSession.objects.filter(pk=row_id).update(session_key=request.session.session_key)
        messages.success(request, _("密码已修改。该账号在其他地方的登录已全部结束。"))
        return redirect(safe_next(request))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "expired": expired,
            "never_set": user.password_changed_at is None,
            "max_age_days": passwords.max_age_days(),
            "expires_at": None if expired else passwords.expires_at(user),
            "rules": [text for text in password_validators_help_texts() if text],
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Sessions ------------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=200,
        error_messages={
            "required": gettext_lazy("原因：必填，将记入审计日志"),
            "max_length": gettext_lazy("原因：不超过 %(limit_value)d 个字"),
        },
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("原因：必填，将记入审计日志"))
        return reason


class SessionListView(PermissionMixin, View):
    permission = "accounts.view_usersession"

    def get(self, request):
        sessions.close_stale()
        rows = sessions.active_sessions()
        account = None
        user_id = _int(request.GET.get("user"))
        if user_id:
            account = User.objects.filter(pk=user_id).first()
            rows = rows.filter(user_id=user_id)
        q = " ".join(str(request.GET.get("q", "")).split())[:150]
        if q:
            rows = rows.filter(
                Q(user__username__icontains=q) | Q(user__full_name__icontains=q) | Q(ip__startswith=q)
            )
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "accounts/session_list.html",
            {
                "title": _("登录会话"),
                "page": page,
                "account": account,
                "q": q,
                "current_key": request.session.session_key,
                "can_end": request.user.has_perm("accounts.end_usersession"),
                "idle_minutes": sessions.idle_seconds() // 60,
                "max_hours": f"{sessions.max_seconds() / 3600:g}",
            },
        )


def _after_ending(request, own_session_ended: bool, account_id: int):
    if own_session_ended:
        logout(request)
        return redirect("login")
    return redirect(f"{reverse('session_list')}?user={account_id}")


class SessionEndView(PermissionMixin, View):
    """End one session (its cookie is dead at once), with a reason."""

    permission = "accounts.end_usersession"

    def _render(self, request, row, form, status=200):
        return render(
            request,
            "accounts/session_end.html",
            {
                "title": _("结束会话"),
                "row": row,
                "rows": [row],
                "account": row.user,
                "form": form,
                "single": True,
            },
            status=status,
        )

    def get(self, request, pk):
        row = get_object_or_404(UserSession.objects.select_related("user", "user__region"), pk=pk)
        return self._render(request, row, ReasonForm())

    def post(self, request, pk):
        row = get_object_or_404(UserSession.objects.select_related("user", "user__region"), pk=pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self._render(request, row, form, status=400)
        if row.ended_at is not None:
            messages.info(
                request, _("该会话已于 %(at)s 结束。") % {"at": row.ended_at.strftime("%Y-%m-%d %H:%M")}
            )
            return redirect(f"{reverse('session_list')}?user={row.user_id}")
        own = row.session_key == request.session.session_key
        sessions.end_session(
            row, reason=sessions.EndReason.ENDED_BY_ADMIN, by=request.user, note=form.cleaned_data["reason"]
        )
        messages.success(request, _("已结束 %(user)s 的会话。") % {"user": row.user})
        return _after_ending(request, own, row.user_id)


class AccountSessionsEndView(PermissionMixin, View):
    """End every session of one account."""

    permission = "accounts.end_usersession"

    def _render(self, request, account, form, status=200):
        rows = list(sessions.active_sessions().filter(user=account))
        return render(
            request,
            "accounts/session_end.html",
            {
                "title": _("结束该账号全部会话"),
                "rows": rows,
                "account": account,
                "form": form,
                "single": False,
            },
            status=status,
        )

    def get(self, request, pk):
        account = get_object_or_404(User, pk=pk)
        return self._render(request, account, ReasonForm())

    def post(self, request, pk):
        account = get_object_or_404(User, pk=pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self._render(request, account, form, status=400)
        own_key = request.session.session_key
        own = (
            account.pk == request.user.pk
            and UserSession.objects.filter(session_key=own_key, ended_at__isnull=True).exists()
        )
        n = sessions.end_user_sessions(
            account,
            reason=sessions.EndReason.ENDED_BY_ADMIN,
            by=request.user,
            note=form.cleaned_data["reason"],
        )
        messages.success(request, _("已结束 %(user)s 的 %(n)d 个会话。") % {"user": account, "n": n})
        return _after_ending(request, own, account.pk)


# --- Lockouts ------------------------------------------------------------------------------------


class LockoutListView(PermissionMixin, View):
    permission = "accounts.view_usersession"

    def get(self, request):
        accounts, addresses = lockout.locked()
        return render(
            request,
            "accounts/session_lockouts.html",
            {
                "title": _("登录锁定"),
                "accounts": accounts,
                "addresses": addresses,
                "failures": lockout.recent_failures(),
                "limit": lockout.failure_limit(),
                "minutes": int(lockout.cool_off().total_seconds() // 60),
                "can_unlock": request.user.has_perm("accounts.end_usersession"),
            },
        )


class UnlockForm(ReasonForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("解除对象"),
        choices=[
            (lockout.UnlockKind.ACCOUNT, gettext_lazy("账号")),
            (lockout.UnlockKind.ADDRESS, gettext_lazy("地址")),
        ],
        error_messages={
            "required": gettext_lazy("解除对象：请选择账号或地址"),
            "invalid_choice": gettext_lazy("解除对象：只能是账号或地址"),
        },
    )
    value = forms.CharField(
        label=gettext_lazy("账号或地址"),
        max_length=150,
        error_messages={
            "required": gettext_lazy("账号或地址：必填"),
            "max_length": gettext_lazy("账号或地址：不超过 %(limit_value)d 个字符"),
        },
    )
    field_order = ["kind", "value", "reason"]

    def clean(self):
        data = super().clean()
        value = (data.get("value") or "").strip()
        if data.get("kind") == lockout.UnlockKind.ADDRESS and value:
            try:
                data["value"] = str(ipaddress.ip_address(value))
            except ValueError:
                self.add_error("value", _("账号或地址：“%(v)s”不是有效的 IP 地址") % {"v": value[:64]})
        return data


class LockoutUnlockView(PermissionMixin, View):
    permission = "accounts.end_usersession"

    def _render(self, request, form, status=200):
        return render(
            request, "accounts/session_unlock.html", {"title": _("解除登录锁定"), "form": form}, status=status
        )

    def get(self, request):
        kind = request.GET.get("kind")
        initial = {"kind": kind if kind in (lockout.UnlockKind.ACCOUNT, lockout.UnlockKind.ADDRESS) else ""}
        initial["value"] = str(request.GET.get("value", ""))[:150]
        return self._render(request, UnlockForm(initial=initial))

    def post(self, request):
        form = UnlockForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        n = lockout.unlock(data["kind"], data["value"], by=request.user, reason=data["reason"])
        if n:
            messages.success(
                request,
                _("已解除 %(v)s 的登录锁定（清除失败计数 %(n)d 条）。") % {"v": data["value"], "n": n},
            )
        else:
            messages.info(
                request, _("%(v)s 当前没有失败计数，无需解除；已记入审计日志。") % {"v": data["value"]}
            )
        return redirect("lockout_list")

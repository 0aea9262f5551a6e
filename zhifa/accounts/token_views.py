"""Pages of API tokens: "我的 API 令牌" (list, issue, revoke) and the security administrator's list of all."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.accounts import mfa, tokens
from zhifa.accounts.models import ApiToken

PAGE_SIZE = 50


class IssueForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=64,
        help_text=_("例如“移动执法终端”“数据交换”"),
        error_messages={"required": _("用途：请填写令牌的用途"), "max_length": _("用途：最多 64 个字")},
    )
    days = forms.IntegerField(
        label=_("有效天数"),
        min_value=1,
        error_messages={
            "required": _("有效天数：请填写"),
            "invalid": _("有效天数：请填写整数"),
            "min_value": _("有效天数：至少 1 天"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = tokens.default_days()
        self.fields["days"].widget.attrs["max"] = tokens.max_days()

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > tokens.max_days():
            raise forms.ValidationError(_g("有效天数：最多 %(max)d 天") % {"max": tokens.max_days()})
        return days


def _status(token: ApiToken, now) -> str:
    if token.revoked_at is not None:
        return _g("已作废")
    if token.expires_at <= now:
        return _g("已过期")
    return _g("有效")


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's own tokens; a POST issues a new one and shows its plaintext once."""
    user = request.user
    form = IssueForm(request.POST or None)
    if request.method == "POST":
        if mfa.mfa_required_for(user) and not mfa.is_verified(request):
            messages.error(request, _g("本账号须先通过第二因素验证才能签发令牌。"))
            return redirect("token_list")
        if form.is_valid():
            try:
                token, plaintext = tokens.issue(
                    user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    mfa_verified=mfa.is_verified(request),
                )
            except tokens.TokenError as exc:
                form.add_error(None, str(exc))
            else:
                return render(request, "accounts/token_issued.html", {"token": token, "plaintext": plaintext})
    now = timezone.now()
    rows = [(t, _status(t, now)) for t in ApiToken.objects.filter(user=user).select_related("revoked_by")]
    return render(
        request,
        "accounts/token_list.html",
        {"rows": rows, "form": form, "max_days": tokens.max_days(), "title": _g("我的 API 令牌")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    """Revoke a token with a reason: its owner, or the security administrator for anyone's."""
    user = request.user
    queryset = ApiToken.objects.select_related("user")
    if not user.has_perm("accounts.revoke_apitoken"):
        queryset = queryset.filter(user=user)  # another user's token is not found, not forbidden
    token = get_object_or_404(queryset, pk=pk)
    try:
        tokens.revoke(token, by=user, reason=request.POST.get("reason", ""))
    except tokens.TokenError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _g("已作废令牌“%(name)s”（%(prefix)s…）。") % {"name": token.name, "prefix": token.prefix},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("token_list")
    return redirect(target)


@login_required
@permission_required("accounts.revoke_apitoken", raise_exception=True)
def token_admin_list(request):
    """Every account's tokens for the security administrator (constant queries, newest first)."""
    queryset = ApiToken.objects.select_related("user", "revoked_by")
    state = request.GET.get("state", "")
    now = timezone.now()
    if state == "active":
        queryset = queryset.filter(revoked_at=None, expires_at__gt=now)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(user__username__icontains=q[:150])
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(t, _status(t, now)) for t in page.object_list]
    return render(
        request,
        "accounts/token_admin_list.html",
        {"rows": rows, "page": page, "state": state, "q": q, "title": _g("API 令牌（全部账号）")},
    )

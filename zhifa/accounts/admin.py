"""Accounts: the system administrator manages them; only the security administrator sets roles (三员).

A change of role or jurisdiction needs re-authentication (password and second factor again, at most
``ZHIFA_REAUTH_SECONDS`` before) and is written to the audit chain as a role change with before/after.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.accounts import mfa
from zhifa.accounts.models import User
from zhifa.core.admin_site import NoDeleteAdmin
from zhifa.core.audit import current_context, record
from zhifa.core.choices import AuditAction

ROLE_FIELDS = ("role", "region", "officer", "expert")


def _role_snapshot(user: User) -> dict[str, str]:
    return {
        "role": user.role,
        "region": str(user.region_id or ""),
        "officer": str(user.officer_id or ""),
        "expert": str(user.expert_id or ""),
    }


@admin.register(User)
class UserAdmin(NoDeleteAdmin, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "region", "is_active", "last_login")
    list_filter = ("role", "is_active", "region")
    search_fields = ("username", "full_name")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "email")}),
        (_("角色与管辖"), {"fields": ROLE_FIELDS}),
        (_("第二因素"), {"fields": ("mfa_required", "second_factor")}),
        (_("状态"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined", "second_factor")

    def has_change_permission(self, request, obj=None):
        # The security administrator changes an account's role and jurisdiction, nothing else.
        return request.user.has_perm("accounts.change_user") or request.user.has_perm("accounts.assign_role")

    def get_queryset(self, request):
        # The break-glass account is enabled and disabled only by `zhifa breakglass` on the server.
        return super().get_queryset(request).filter(is_break_glass=False)

    def user_change_password(self, request, id, form_url=""):
        # Setting another account's password is managing accounts: the system administrator's, not
        # the security administrator's (三员), whose change permission covers roles only.
        if not request.user.has_perm("accounts.change_user"):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("accounts.assign_role"):
            fields += list(ROLE_FIELDS)
        if not request.user.has_perm("accounts.change_user"):
            fields += ["username", "password", "full_name", "email", "is_active", "mfa_required"]
        return fields

    @admin.display(description=_("身份验证器"))
    def second_factor(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        state = _("已绑定") if mfa.has_device(obj) else _("未绑定")
        required = _("（必须使用）") if mfa.mfa_required_for(obj) else ""
        request = current_context().get("request")  # the request being served (thread-safe)
        if request is not None and request.user.has_perm("accounts.reset_otp"):
            return format_html(
                '{}{} <a href="{}">{}</a>', state, required, reverse("otp_reset", args=[obj.pk]), _("重置")
            )
        return format_html("{}{}", state, required)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A POST that changes role or jurisdiction is only carried out right after re-authentication;
        otherwise the security administrator re-authenticates and submits again."""
        if request.method == "POST" and request.user.has_perm("accounts.assign_role"):
            obj = self.get_object(request, admin.utils.unquote(object_id))
            if obj is not None and self._role_fields_change(request, obj):
                if not mfa.recently_reauthenticated(request):
                    return redirect(mfa.reauth_url(request.get_full_path()))
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _role_fields_change(request, obj) -> bool:
        before = _role_snapshot(obj)
        return any(field in request.POST and request.POST[field] != before[field] for field in ROLE_FIELDS)

    def save_model(self, request, obj, form, change):
        changed = change and any(field in form.changed_data for field in ROLE_FIELDS)
        before = _role_snapshot(User.objects.get(pk=obj.pk)) if changed else None
        super().save_model(request, obj, form, change)
        if changed:
            after = _role_snapshot(obj)
            record(
                AuditAction.ROLE_CHANGE,
                obj,
                before=before,
                after=after,
                message=f"变更角色与管辖：{before['role']} → {after['role']}",
                user=request.user,
            )

"""Accounts: the system administrator manages them; only the security administrator sets roles (三员)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from zhifa.accounts.models import User
from zhifa.core.admin_site import NoDeleteAdmin

ROLE_FIELDS = ("role", "region", "officer", "expert")


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
        (_("状态"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def has_change_permission(self, request, obj=None):
        # The security administrator changes an account's role and jurisdiction, nothing else.
        return request.user.has_perm("accounts.change_user") or request.user.has_perm("accounts.assign_role")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("accounts.assign_role"):
            fields += list(ROLE_FIELDS)
        if not request.user.has_perm("accounts.change_user"):
            fields += ["username", "password", "full_name", "email", "is_active"]
        return fields

"""Django's admin, for reference data and accounts, open to the system and security administrators.

Access is by role, not by ``is_staff``/``is_superuser`` (there is no everyday superuser); what each
may do inside comes from the same permission map as everywhere else. Nothing can be deleted here.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from zhifa.core.roles import Role

ADMIN_SITE_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}


class ZhifaAdminSite(admin.AdminSite):
    site_header = _("执法一体化平台 · 参考数据与账号管理")
    site_title = _("执法一体化平台管理")
    index_title = _("管理")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and getattr(user, "role", None) in ADMIN_SITE_ROLES


class NoDeleteAdmin(admin.ModelAdmin):
    """Records the law needs kept are never deleted, and reference data is versioned instead."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ZhifaAdminConfig(AdminConfig):
    default_site = "zhifa.core.admin_site.ZhifaAdminSite"

"""Django's admin, for reference data and accounts, open to the system and security administrators.

Access is by role, not by ``is_staff``/``is_superuser`` (there is no everyday superuser); what each
may do inside comes from the same permission map as everywhere else. Nothing can be deleted here.

Django's own change log (``LogEntry``: the index's "recent actions", each object's "history") is a
second audit log that the system administrator would read, against the separation of the three
administrators (三员). Here it is never written nor shown: every admin class registered on this site
gets ``NoLogEntryMixin`` — a change made through the admin goes to the full-process record instead
(``AuditedModel`` signals, or a row written here for the models outside them), read by the audit
administrator only; the history page answers 403 and its button is gone (templates/admin/).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from zhifa.core.roles import Role

ADMIN_SITE_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}


class NoLogEntryMixin:
    """No Django ``LogEntry``: the admin's changes are in the audit chain, its history page is closed."""

    def _to_chain(self, request, obj, action, message) -> None:
        from zhifa.core.audit import AuditedModel, record

        if isinstance(obj, AuditedModel):
            return  # its own signal handlers already wrote the change with before/after
        text = message if isinstance(message, str) else str(message or "")
        record(action, obj, message=f"管理后台：{text}"[:2000], user=request.user)

    def log_addition(self, request, obj, message):
        from zhifa.core.choices import AuditAction

        self._to_chain(request, obj, AuditAction.CREATE, message)

    def log_change(self, request, obj, message):
        from zhifa.core.choices import AuditAction

        self._to_chain(request, obj, AuditAction.UPDATE, message)

    def log_deletions(self, request, queryset):
        from zhifa.core.choices import AuditAction

        for obj in queryset:
            self._to_chain(request, obj, AuditAction.DELETE, "删除")

    def log_deletion(self, request, obj, object_repr):
        from zhifa.core.choices import AuditAction

        self._to_chain(request, obj, AuditAction.DELETE, "删除")

    def history_view(self, request, object_id, extra_context=None):
        raise PermissionDenied(_("变更记录只在审计日志中，由审计管理员查看"))


class ZhifaAdminSite(admin.AdminSite):
    site_header = _("执法一体化平台 · 参考数据与账号管理")
    site_title = _("执法一体化平台管理")
    index_title = _("管理")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and getattr(user, "role", None) in ADMIN_SITE_ROLES

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every admin class, ours or a library's (axes, django-otp, auth), writes no LogEntry.
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, NoLogEntryMixin):
            admin_class = type(base.__name__, (NoLogEntryMixin, base), {"__module__": base.__module__})
        return super().register(model_or_iterable, admin_class, **options)


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

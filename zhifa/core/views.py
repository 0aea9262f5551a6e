"""Generic, thin views configured per model (after NetBox's ObjectListView / ObjectEditView).

Each view declares the permission it needs (403 without it) and reads its rows through
``restrict(user, action)`` (404 for rows outside the user's jurisdiction).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from zhifa.core.middleware import PERMISSION_ATTR
from zhifa.core.roles import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def healthz(request):
    """A bare endpoint: the benchmark baseline and the load balancer's probe."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    from zhifa.core.dashboard import dashboard_for

    return render(request, "core/home.html", dashboard_for(request.user))


class PermissionMixin(LoginRequiredMixin):
    permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission and not request.user.has_perm(self.permission):
            # The refusal is audited (DENIED) by zhifa.core.middleware, for every 403 alike.
            setattr(request, PERMISSION_ATTR, self.permission)
            raise PermissionDenied(_("您的角色无权执行此操作"))
        return super().dispatch(request, *args, **kwargs)


def _url_if(user, url_name: str, permission: str) -> str:
    """The URL of an action button, or "" when the user lacks the permission or the page is absent."""
    if not url_name or not permission or not user.has_perm(permission):
        return ""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return ""


class ObjectListView(PermissionMixin, View):
    """A list page: filterset (search and filters), table (sorting, pagination), export link."""

    queryset: Any = None
    filterset: Any = None
    filter_form_fields: tuple[str, ...] = ()
    table: Any = None
    template_name = "generic/object_list.html"
    title: StrOrPromise = ""
    add_url_name = ""
    add_permission = ""
    export_url_name = ""
    export_permission = ""
    import_url_name = ""
    import_permission = ""
    per_page = 25

    def get_queryset(self, request):
        return self.queryset.restrict(request.user, "view")

    def get(self, request):
        queryset = self.get_queryset(request)
        filterset = (
            self.filterset(request.GET, queryset=queryset, request=request) if self.filterset else None
        )
        if filterset is not None:
            queryset = filterset.qs
        table = self.table(queryset)
        RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
        context = {
            "title": self.title or queryset.model._meta.verbose_name_plural,
            "table": table,
            "filterset": filterset,
            "add_url": _url_if(request.user, self.add_url_name, self.add_permission),
            "export_url": _url_if(request.user, self.export_url_name, self.export_permission),
            "import_url": _url_if(request.user, self.import_url_name, self.import_permission),
        }
        template = "generic/_table.html" if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)


class ObjectDetailView(PermissionMixin, View):
    queryset: Any = None
    template_name = ""
    change_permission = ""

    def get_object(self, request, pk):
        return get_object_or_404(self.queryset.restrict(request.user, "view"), pk=pk)

    def get_extra_context(self, request, obj) -> dict[str, Any]:
        return {}

    def get(self, request, pk):
        obj = self.get_object(request, pk)
        can_change = bool(self.change_permission) and (
            self.queryset.restrict(request.user, "change").filter(pk=obj.pk).exists()
        )
        from zhifa.core.models import AuditEntry

        history = []
        if request.user.has_perm("core.view_auditentry"):
            history = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))[:20]
        context = {
            "object": obj,
            "can_change": can_change,
            "history": history,
            **self.get_extra_context(request, obj),
        }
        return render(request, self.template_name, context)


class ObjectEditView(PermissionMixin, View):
    """Create (pk None) or edit. ``save`` may be overridden to go through the app's service."""

    queryset: Any = None
    form: Any = None
    template_name = "generic/object_edit.html"
    success_url_name = ""

    def get_object(self, request, pk):
        if pk is None:
            return self.queryset.model()
        return get_object_or_404(self.queryset.restrict(request.user, "change"), pk=pk)

    def dispatch(self, request, *args, **kwargs):
        opts = self.queryset.model._meta
        self.permission = f"{opts.app_label}.{'change' if kwargs.get('pk') else 'add'}_{opts.model_name}"
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, request, obj, data=None):
        return self.form(data, files=request.FILES or None, instance=obj, user=request.user)

    def save(self, request, form):
        with transaction.atomic():
            return form.save()

    def render_form(self, request, form, obj):
        return render(request, self.template_name, {"form": form, "object": obj, "model_meta": obj._meta})

    def get(self, request, pk=None):
        obj = self.get_object(request, pk)
        return self.render_form(request, self.get_form(request, obj), obj)

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        form = self.get_form(request, obj, request.POST)
        if form.is_valid():
            try:
                saved = self.save(request, form)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, _("已保存：%(obj)s") % {"obj": saved})
                return redirect(saved.get_absolute_url())
        return self.render_form(request, form, obj)


def json_error(message: str, status: int = 400):
    return JsonResponse({"detail": message}, status=status)


def role_label(user) -> StrOrPromise:
    try:
        return Role(user.role).label
    except ValueError:
        return ""


def csrf_failure(request, reason=""):
    setattr(request, PERMISSION_ATTR, "csrf")
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    """handler403: the API answers in JSON, pages with the 403 page (either is audited as DENIED)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("您的角色无权执行此操作")}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    """handler404: a path under /api/ that matches no route (``/api/v1/cases/0.5/``) answers in JSON, as
    every other refusal of the API does; pages get the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("未找到：没有这个接口地址或记录")}, status=404)
    return render(request, "404.html", status=404)


def safe_next(request, default: str = "home") -> str:
    """Where to go after a sign-in step: the ``next`` asked for if it stays on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)

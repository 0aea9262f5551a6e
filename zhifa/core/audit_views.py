"""The audit administrator's browser of the full-process record (read and export only)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.filtersets import SearchFilterSet
from zhifa.core.models import AuditArchive, AuditEntry
from zhifa.core.views import ObjectListView, PermissionMixin
from zhifa.core.xlsx import xlsx_response


class AuditFilterSet(SearchFilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索（对象、说明、姓名、请求编号、IP）"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("动作"))
    username = django_filters.CharFilter(lookup_expr="iexact", label=_("用户名"))
    object_type = django_filters.CharFilter(lookup_expr="iexact", label=_("对象类型"))
    since = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__gte",
        label=_("起始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__lte",
        label=_("截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = ["q", "action", "username", "object_type", "since", "until"]

    search_fields = (
        "object_repr__icontains",
        "message__icontains",
        "user_display__icontains",
        "request_id",
        "ip",
    )


class AuditTable(tables.Table):
    id = tables.Column(linkify=("core:audit_detail", {"pk": tables.A("pk")}), verbose_name="#")
    occurred_local = tables.Column()
    user_display = tables.Column()
    action = tables.Column()
    object_type = tables.Column()
    object_repr = tables.Column()
    ip = tables.Column()

    class Meta:
        model = AuditEntry
        fields = (
            "id",
            "occurred_local",
            "user_display",
            "username",
            "action",
            "object_type",
            "object_repr",
            "ip",
        )
        order_by = ("-id",)


class AuditListView(ObjectListView):
    permission = "core.view_auditentry"
    template_name = "core/audit_list.html"
    queryset = AuditEntry.objects.all()
    filterset = AuditFilterSet
    table = AuditTable
    title = _("审计日志（全过程记录）")
    export_url_name = "core:audit_export"
    export_permission = "core.export_auditentry"
    per_page = 50

    def get_queryset(self, request):
        return AuditEntry.objects.all()


class AuditArchiveTable(tables.Table):
    first_id = tables.Column(verbose_name=_("记录"))
    archived_local = tables.Column()
    cut = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("早于（北京时间）"))
    count = tables.Column()
    file_name = tables.Column()
    file_sha256 = tables.Column()
    key_id = tables.Column()

    class Meta:
        model = AuditArchive
        fields = ("first_id", "archived_local", "cut", "count", "file_name", "file_sha256", "key_id")
        order_by = ("-last_id",)

    def render_first_id(self, record):
        return f"#{record.first_id}–#{record.last_id}"


class AuditArchiveListView(ObjectListView):
    """Where the rows older than the retention went: one checkpoint per archive file, signed."""

    permission = "core.view_auditentry"
    queryset = AuditArchive.objects.all()
    table = AuditArchiveTable
    title = _("审计归档（超过保存期限移出的记录）")

    def get_queryset(self, request):
        return AuditArchive.objects.all()


class AuditDetailView(PermissionMixin, View):
    permission = "core.view_auditentry"

    def get(self, request, pk):
        return render(request, "core/audit_detail.html", {"object": get_object_or_404(AuditEntry, pk=pk)})


@login_required
def audit_export(request):
    if not request.user.has_perm("core.export_auditentry"):
        raise PermissionDenied
    filterset = AuditFilterSet(request.GET, queryset=AuditEntry.objects.order_by("id"))
    rows = filterset.qs.values_list(
        "id",
        "occurred_at",
        "occurred_local",
        "username",
        "user_display",
        "ip",
        "request_id",
        "source",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "message",
        "prev_hash",
        "hash",
        "algorithm",
    )
    headers = [
        "序号",
        "时间(UTC)",
        "时间(北京)",
        "用户名",
        "姓名",
        "IP",
        "请求编号",
        "来源",
        "动作",
        "对象类型",
        "对象编号",
        "对象",
        "说明",
        "前一条哈希",
        "哈希",
        "算法",
    ]
    data = [[r[0], r[1].isoformat(), *r[2:]] for r in rows.iterator()]
    record(
        AuditAction.EXPORT,
        object_type="core.auditentry",
        message=f"导出审计日志 {len(data)} 条；条件：{request.GET.urlencode()}",
    )
    return xlsx_response("审计日志.xlsx", headers, data)

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from zhifa.core.views import ObjectDetailView, ObjectEditView, ObjectListView, PermissionMixin
from zhifa.enterprises import services
from zhifa.enterprises.filtersets import EnterpriseFilterSet
from zhifa.enterprises.forms import EnterpriseForm, OverrideClassForm
from zhifa.enterprises.models import Enterprise
from zhifa.enterprises.tables import EnterpriseTable


class EnterpriseListView(ObjectListView):
    permission = "enterprises.view_enterprise"
    queryset = Enterprise.objects.select_related("board", "industry")
    filterset = EnterpriseFilterSet
    table = EnterpriseTable
    add_url_name = "enterprises:enterprise_add"
    add_permission = "enterprises.add_enterprise"
    export_url_name = "io:enterprise_export"
    export_permission = "enterprises.export_enterprise"
    import_url_name = "io:enterprise_import"
    import_permission = "enterprises.import_enterprise"


class EnterpriseDetailView(ObjectDetailView):
    permission = "enterprises.view_enterprise"
    queryset = Enterprise.objects.select_related("board", "industry", "class_ruleset")
    template_name = "enterprises/enterprise_detail.html"
    change_permission = "enterprises.change_enterprise"

    def get_extra_context(self, request, obj):
        return {
            "classifications": obj.classifications.select_related("decided_by", "ruleset")[:20],
            "can_override": request.user.has_perm("enterprises.override_class"),
            "override_form": OverrideClassForm(initial={"enforcement_class": obj.enforcement_class}),
        }


class EnterpriseEditView(ObjectEditView):
    queryset = Enterprise.objects.select_related("board", "industry")
    form = EnterpriseForm

    def save(self, request, form):
        enterprise = form.save(commit=False)
        expected = form.cleaned_data.get("version") if enterprise.pk else None
        return services.save_enterprise(enterprise, user=request.user, expected_version=expected)


class EnterpriseOverrideView(PermissionMixin, View):
    permission = "enterprises.override_class"

    def post(self, request, pk):
        enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"), pk=pk)
        if request.POST.get("clear"):
            services.clear_override(enterprise, user=request.user)
            messages.success(request, _("已恢复为按规则分类"))
            return redirect(enterprise.get_absolute_url())
        form = OverrideClassForm(request.POST)
        if form.is_valid():
            try:
                services.override_class(
                    enterprise,
                    form.cleaned_data["enforcement_class"],
                    form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, _("执法类别已调整"))
            return redirect(enterprise.get_absolute_url())
        errors = "；".join(f"{form.fields[f].label}：{'，'.join(e)}" for f, e in form.errors.items())
        messages.error(request, errors)
        return redirect(enterprise.get_absolute_url())

"""Excel import, export and template pages, one set per kind of record (see ``zhifa.core.importing``)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from zhifa.core import importing
from zhifa.core.forms import ImportForm
from zhifa.core.views import PermissionMixin
from zhifa.core.xlsx import XLSX_MIME

#: Errors listed on the result page (the count is always given in full).
MAX_ERRORS_SHOWN = 1000


def _xlsx_download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


class _SpecView(PermissionMixin, View):
    kind = ""
    action = "import"  # import | export | template

    def dispatch(self, request, *args, **kwargs):
        self.spec = importing.get_spec(self.kind)
        if self.action == "export":
            # The first export permission the user lacks (PermissionMixin refuses and records it).
            perms = self.spec.export_permissions
            self.permission = next((p for p in perms if not request.user.has_perm(p)), perms[0])
        else:
            self.permission = self.spec.import_permission
        return super().dispatch(request, *args, **kwargs)

    def urls(self) -> dict[str, str]:
        name = self.spec.name
        return {
            "import_url": reverse(f"io:{name}_import"),
            "template_url": reverse(f"io:{name}_template"),
            "list_url": _url(self.spec.list_url_name),
        }


class ImportView(_SpecView):
    action = "import"
    template_name = "io/import.html"

    def context(self, form, **extra):
        return {
            "title": _("导入%(label)s") % {"label": self.spec.label},
            "spec": self.spec,
            "form": form,
            "columns": self.spec.columns,
            "rules": [r for r in importing.import_rules(self.spec) if r],
            **self.urls(),
            **extra,
        }

    def get(self, request):
        return render(request, self.template_name, self.context(ImportForm()))

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form))
        upload = form.cleaned_data["file"]
        result = importing.run_import(
            self.spec,
            upload,
            user=request.user,
            filename=upload.name,
            valid_rows=form.cleaned_data["import_valid_rows"],
        )
        if result.file_error:
            form.add_error("file", result.file_error)
            return render(request, self.template_name, self.context(form))
        context = self.context(
            form,
            result=result,
            errors=result.errors[:MAX_ERRORS_SHOWN],
            errors_truncated=len(result.errors) > MAX_ERRORS_SHOWN,
            title=_("导入%(label)s：结果") % {"label": self.spec.label},
        )
        return render(request, "io/import_result.html", context)


class ExportView(_SpecView):
    action = "export"

    def get(self, request):
        filename = importing.export_filename(self.spec)
        data, _count = importing.export_xlsx(
            self.spec, request.user, request.GET, request=request, filename=filename
        )
        return _xlsx_download(data, filename)


class TemplateView(_SpecView):
    action = "template"

    def get(self, request):
        filename = _("%(label)s导入模板.xlsx") % {"label": self.spec.label}
        return _xlsx_download(importing.template_xlsx(self.spec), filename)

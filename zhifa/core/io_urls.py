"""Excel import and export pages (namespace ``io``): import, export and blank template per kind.

URL names: ``io:enterprise_import``, ``io:enterprise_export``, ``io:enterprise_template`` and the
same for ``officer`` and ``expert``.
"""

from django.urls import path

from zhifa.core import io_views

_KINDS = (("enterprise", "enterprises"), ("officer", "officers"), ("expert", "experts"))

urlpatterns: list = []
for _name, _kind in _KINDS:
    urlpatterns += [
        path(f"{_kind}/import/", io_views.ImportView.as_view(kind=_kind), name=f"{_name}_import"),
        path(f"{_kind}/export/", io_views.ExportView.as_view(kind=_kind), name=f"{_name}_export"),
        path(f"{_kind}/template/", io_views.TemplateView.as_view(kind=_kind), name=f"{_name}_template"),
    ]

"""List tables. Every column reads the row or what the view annotated: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.discretion.choices import CatalogueStatus
from zhifa.discretion.models import Catalogue


class CatalogueTable(tables.Table):
    name = tables.Column(linkify=lambda record: reverse("discretion:catalogue_detail", args=[record.pk]))
    effective_from = tables.DateColumn(format="Y-m-d")
    effective_to = tables.DateColumn(format="Y-m-d", default="—")
    type_count = tables.Column(verbose_name=_("违法行为（项）"), orderable=False)

    class Meta:
        model = Catalogue
        fields = ("name", "effective_from", "effective_to", "status", "type_count")
        order_by = ("-effective_from",)

    def render_status(self, value, record):
        css = {CatalogueStatus.PUBLISHED: "badge badge-ok", CatalogueStatus.RETIRED: "badge badge-warn"}.get(
            record.status, "badge"
        )
        return format_html('<span class="{}">{}</span>', css, value)

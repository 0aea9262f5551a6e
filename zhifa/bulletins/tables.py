"""The bulletin list. Columns read the row and the users the view selected: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from zhifa.bulletins.choices import BulletinStatus
from zhifa.bulletins.models import Bulletin

STATUS_CSS = {
    BulletinStatus.DRAFT: "badge",
    BulletinStatus.APPROVED: "badge badge-warn",
    BulletinStatus.PUBLISHED: "badge badge-ok",
}


class BulletinTable(tables.Table):
    title = tables.Column(
        verbose_name=_("通报"), accessor="month", linkify=lambda record: record.get_absolute_url()
    )
    status = tables.Column()
    generated_at = tables.DateTimeColumn(format="Y-m-d H:i")
    approved_by = tables.Column(verbose_name=_("审定人"))
    published_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = Bulletin
        attrs = {"class": "nowrap"}
        fields = ("title", "status", "version", "generated_at", "approved_by", "published_at")
        order_by = ("-title",)

    def render_title(self, record):
        return str(record)

    def order_title(self, queryset, is_descending):
        return queryset.order_by("-month" if is_descending else "month"), True

    def render_status(self, record):
        from django.utils.html import format_html

        return format_html(
            '<span class="{}">{}</span>', STATUS_CSS.get(record.status, "badge"), record.get_status_display()
        )

    def render_approved_by(self, value):
        return value.get_full_name() or value.username

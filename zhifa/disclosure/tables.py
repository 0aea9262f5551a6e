"""The publication queue's tables. Every column reads the row or what the view selected: no query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import Case
from zhifa.disclosure.models import Publication


class AwaitingTable(tables.Table):
    decision_number = tables.Column(verbose_name=_("决定书文号"))
    party_name = tables.Column(verbose_name=_("当事人"))
    board = tables.Column(verbose_name=_("承办板块"), accessor="board__name", order_by="board__sort_order")
    decided_on = tables.DateColumn(verbose_name=_("决定日期"), format="Y-m-d")
    publication_due = tables.Column(verbose_name=_("公示期限"), default="—")
    publish = tables.Column(verbose_name="", accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Case
        fields = ("decision_number", "party_name", "board", "decided_on", "publication_due", "publish")
        order_by = ("publication_due",)
        empty_text = _("没有待公示的行政处罚决定")

    def __init__(self, *args, can_publish: bool = False, **kwargs):
        self.can_publish = can_publish
        super().__init__(*args, **kwargs)

    def render_publication_due(self, value):
        text = value.isoformat()
        if value < timezone.localdate():
            return format_html('<span class="badge badge-warn">{}（{}）</span>', text, _("已逾期"))
        return text

    def render_publish(self, record):
        if not self.can_publish:
            return ""
        return format_html(
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="secondary">{}</button></form>',
            reverse("publications:publish", args=[record.pk]),
            get_token(self.request),
            _("公示"),
        )


class PublishedTable(tables.Table):
    decision_number = tables.Column(
        verbose_name=_("决定书文号"), linkify=lambda record: record.get_absolute_url()
    )
    board = tables.Column(verbose_name=_("承办板块"), accessor="case__board__name", orderable=False)
    decided_on = tables.DateColumn(format="Y-m-d")
    published_at = tables.DateTimeColumn(format="Y-m-d H:i")
    state = tables.Column(verbose_name=_("状态"), accessor="pk", orderable=False)

    class Meta:
        model = Publication
        fields = ("decision_number", "board", "decided_on", "published_at", "state")
        order_by = ("-published_at",)
        empty_text = _("尚无公示")

    def render_state(self, record):
        css = "badge badge-warn" if record.is_withdrawn else "badge badge-ok"
        return format_html('<span class="{}">{}</span>', css, record.get_state_display())

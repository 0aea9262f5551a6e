import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import IssuedDocument


class DocumentTable(tables.Table):
    ids = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "input": {"form": "batch", "name": "ids", "aria-label": _("选择")},
            "th__input": {"form": "batch", "aria-label": _("全选"), "data-select-all": "ids"},
        },
        orderable=False,
    )
    number = tables.Column(linkify=True, verbose_name=_("文号"), order_by=("year", "sequence", "version"))
    title = tables.Column(linkify=True)
    kind = tables.Column(verbose_name=_("种类"), accessor="kind__title", order_by="kind_id")
    board = tables.Column(verbose_name=_("承办板块"), order_by=("board_id", "-issued_at"))
    issued_at = tables.DateTimeColumn(format="Y-m-d H:i")
    status = tables.Column()

    class Meta:
        model = IssuedDocument
        fields = ("ids", "number", "title", "kind", "board", "version", "status", "issued_at")
        order_by = ("-issued_at",)

    def render_number(self, value, record):
        return value or "—"

    def render_status(self, value, record):
        if record.status == DocumentStatus.SUPERSEDED:
            return format_html('<span class="badge">{}</span>', value)
        return value

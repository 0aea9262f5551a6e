import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.enterprises.models import Enterprise


class EnterpriseTable(tables.Table):
    name = tables.Column(linkify=True)
    board = tables.Column(order_by=("board_id", "name", "id"))
    enforcement_class = tables.Column(verbose_name=_("类别"))
    industry = tables.Column(verbose_name=_("行业"), accessor="industry__name", order_by="industry_id")

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "uscc",
            "board",
            "industry",
            "sector",
            "scale",
            "enforcement_class",
            "operating_status",
        )
        order_by = ("board", "name")

    def render_enforcement_class(self, value, record):
        return format_html(
            '<span class="class-{}">{}</span>{}', value, value, "*" if record.class_overridden else ""
        )

    def render_name(self, value, record):
        if record.is_fictitious:
            return format_html('{} <span class="badge badge-fictitious">{}</span>', value, _("虚构"))
        return value

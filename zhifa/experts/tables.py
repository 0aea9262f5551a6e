import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.experts.models import Expert, ExpertGroup


class ExpertGroupTable(tables.Table):
    name = tables.Column(linkify=True)
    industry_prefixes = tables.Column(verbose_name=_("覆盖行业代码（GB/T 4754）"), orderable=False)
    expert_count = tables.Column(verbose_name=_("在库专家"))

    class Meta:
        model = ExpertGroup
        attrs = {"class": "nowrap"}
        fields = ("name", "code", "industry_prefixes", "topics", "expert_count")
        order_by = ("sort_order", "code")

    def render_industry_prefixes(self, value):
        return "、".join(value)


class ExpertTable(tables.Table):
    name = tables.Column(linkify=True)
    groups = tables.ManyToManyColumn(verbose_name=_("专业组"), separator="、", orderable=False)
    phone = tables.Column(verbose_name=_("联系电话"), accessor="masked_phone", orderable=False)

    class Meta:
        model = Expert
        attrs = {"class": "nowrap"}
        fields = ("name", "employer", "title", "groups", "phone", "active")
        order_by = ("name",)

    def render_name(self, value, record):
        if record.is_fictitious:
            return format_html('{} <span class="badge badge-fictitious">{}</span>', value, _("虚构"))
        return value

    def render_active(self, value):
        return _("在库") if value else _("已出库")

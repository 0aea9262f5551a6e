import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids
from zhifa.orgs.models import Certificate, Equipment, Officer, Pairing, Region, Secondment

YES, NO = _("是"), _("否")


def yes_no_badge(value, yes=YES, no=NO):
    if value:
        return format_html('<span class="badge badge-ok">{}</span>', yes)
    return format_html('<span class="badge badge-warn">{}</span>', no)


class RegionTable(tables.Table):
    name = tables.Column(linkify=True)
    officer_count = tables.Column(verbose_name=_("在岗人员"), orderable=True)
    enterprise_count = tables.Column(verbose_name=_("企业数"), orderable=True)

    class Meta:
        model = Region
        attrs = {"class": "nowrap"}
        fields = ("name", "code", "kind", "parent", "penalty_authority", "officer_count", "enterprise_count")
        order_by = ("sort_order", "code")

    scope = None  # the region ids whose figures the user may see (None: all of them)

    def before_render(self, request):
        user = request.user
        if not user.has_perm("orgs.view_officer"):
            self.columns.hide("officer_count")
        if not user.has_perm("enterprises.view_enterprise"):
            self.columns.hide("enterprise_count")
        self.scope = None if is_district_wide(user) else board_ids(user)

    def _in_scope(self, record, value):
        return value if self.scope is None or record.pk in self.scope else "—"

    def render_officer_count(self, value, record):
        return self._in_scope(record, value)

    def render_enterprise_count(self, value, record):
        return self._in_scope(record, value)


class OfficerTable(tables.Table):
    name = tables.Column(linkify=True)
    certified = tables.Column(verbose_name=_("今日可执法"), orderable=True)
    phone = tables.Column(verbose_name=_("联系电话"), accessor="masked_phone", orderable=False)

    class Meta:
        model = Officer
        attrs = {"class": "nowrap"}
        fields = ("name", "unit", "post", "employment", "certified", "phone", "active")
        order_by = ("unit", "post", "name")

    def render_name(self, value, record):
        if record.is_fictitious:
            return format_html('{} <span class="badge badge-fictitious">{}</span>', value, _("虚构"))
        return value

    def render_certified(self, value):
        return yes_no_badge(value, _("持证"), _("无有效证"))

    def render_active(self, value):
        return _("在岗") if value else _("已停用")


class CertificateTable(tables.Table):
    officer = tables.Column(linkify=True)
    unit = tables.Column(
        verbose_name=_("所在单位"), accessor="officer__unit", order_by="officer__unit__sort_order"
    )
    valid_today = tables.Column(verbose_name=_("今日有效"), empty_values=(), orderable=False)
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)

    change_permission = "orgs.change_certificate"

    class Meta:
        model = Certificate
        attrs = {"class": "nowrap"}
        fields = (
            "number",
            "officer",
            "unit",
            "level",
            "issuer",
            "valid_from",
            "valid_to",
            "status",
            "valid_today",
        )
        order_by = ("valid_to",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def before_render(self, request):
        if not request.user.has_perm(self.change_permission):
            self.columns.hide("edit")

    def render_valid_today(self, record):
        return yes_no_badge(record.is_valid_on(self.today))

    def render_edit(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("orgs:certificate_edit", args=[record.pk]), _("编辑")
        )


class EquipmentTable(tables.Table):
    serial_number = tables.Column(linkify=True)

    class Meta:
        model = Equipment
        attrs = {"class": "nowrap"}
        fields = (
            "serial_number",
            "kind",
            "plate_number",
            "model_name",
            "unit",
            "officer",
            "status",
            "acquired_on",
        )
        order_by = ("unit", "kind", "serial_number")


class AssignmentTable(tables.Table):
    officer = tables.Column(linkify=True)
    end = tables.Column(default=_("长期"))
    active_today = tables.Column(verbose_name=_("今日有效"), empty_values=(), orderable=False)
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)
    edit_url_name = ""
    change_permission = ""

    class Meta:
        attrs = {"class": "nowrap"}
        fields = ("officer", "region", "start", "end", "active_today", "note")
        order_by = ("-start",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def before_render(self, request):
        if not request.user.has_perm(self.change_permission):
            self.columns.hide("edit")

    def render_active_today(self, record):
        return yes_no_badge(record.is_active_on(self.today))

    def render_edit(self, record):
        return format_html('<a href="{}">{}</a>', reverse(self.edit_url_name, args=[record.pk]), _("编辑"))


class SecondmentTable(AssignmentTable):
    edit_url_name = "orgs:secondment_edit"
    change_permission = "orgs.change_secondment"

    class Meta(AssignmentTable.Meta):
        model = Secondment


class PairingTable(AssignmentTable):
    edit_url_name = "orgs:pairing_edit"
    change_permission = "orgs.change_pairing"

    class Meta(AssignmentTable.Meta):
        model = Pairing

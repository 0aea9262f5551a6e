from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.forms import ScopedModelForm
from zhifa.core.permissions import is_district_wide
from zhifa.core.personal import PersonalDataFormMixin
from zhifa.core.scoping import board_ids
from zhifa.orgs.choices import BOARD_POSTS, Employment, Post, RegionKind
from zhifa.orgs.models import Certificate, Equipment, Officer, Pairing, Region, Secondment


class OfficerChoiceField(forms.ModelChoiceField):
    """Officers named with their unit: two people of the same name in different boards stay apart."""

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit}）"


class RegionForm(ScopedModelForm):
    class Meta:
        model = Region
        fields = ["name", "short_name", "agency_name", "penalty_authority", "delegated_powers", "sort_order"]
        widgets = {"delegated_powers": forms.Textarea(attrs={"rows": 4})}


class OfficerForm(PersonalDataFormMixin, ScopedModelForm):
    board_fields = ("unit",)

    class Meta:
        model = Officer
        fields = [
            "name",
            "id_number",
            "phone",
            "unit",
            "post",
            "employment",
            "legal_qualification",
            "legal_qualification_number",
            "active",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        if self.user is not None and not is_district_wide(self.user):
            # A board leader staffs the board: only the board posts ("1+3+6") are offered.
            self.fields["post"].choices = [("", "---------")] + [
                (p.value, p.label) for p in Post if p in BOARD_POSTS
            ]


class CertificateForm(ScopedModelForm):
    officer = OfficerChoiceField(
        label=_("持证人"),
        queryset=Officer.objects.filter(employment=Employment.STAFFED).exclude(post=Post.SAFETY_MANAGER),
    )

    class Meta:
        model = Certificate
        fields = ["officer", "number", "level", "issuer", "valid_from", "valid_to", "status", "status_reason"]
        help_texts = {"status_reason": _("暂扣或吊销时必填；执法证不删除，只变更状态")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers = (
            Officer.objects.restrict(self.user, "view") if self.user is not None else Officer.objects.all()
        )
        self.fields["officer"].queryset = (
            officers.filter(employment=Employment.STAFFED)
            .exclude(post=Post.SAFETY_MANAGER)
            .select_related("unit")
            .order_by("unit__sort_order", "name")
        )


class EquipmentForm(ScopedModelForm):
    board_fields = ("unit",)
    officer = OfficerChoiceField(label=_("使用人"), queryset=Officer.objects.none(), required=False)

    class Meta:
        model = Equipment
        fields = [
            "kind",
            "serial_number",
            "plate_number",
            "model_name",
            "unit",
            "officer",
            "status",
            "acquired_on",
        ]
        help_texts = {"plate_number": _("执法车辆必填，如 苏D·A1234")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = Q(active=True)
        if self.user is not None and not is_district_wide(self.user):
            offered &= Q(unit_id__in=board_ids(self.user))
        if self.instance.officer_id:
            offered |= Q(pk=self.instance.officer_id)  # keep the current holder even if since deactivated
        self.fields["officer"].queryset = (
            Officer.objects.filter(offered).select_related("unit").order_by("unit__sort_order", "name")
        )


class AssignmentForm(ScopedModelForm):
    """派驻 / 挂钩: a district-level (brigade) officer and a board, for a period."""

    officer = OfficerChoiceField(label=_("人员"), queryset=Officer.objects.none())

    class Meta:
        fields = ["officer", "region", "start", "end", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].label = self._meta.model._meta.get_field("officer").verbose_name
        offered = Q(unit__kind=RegionKind.DISTRICT, active=True)
        if self.instance.officer_id:
            offered |= Q(pk=self.instance.officer_id)
        self.fields["officer"].queryset = (
            Officer.objects.filter(offered).select_related("unit").order_by("post", "name")
        )
        self.fields["region"].queryset = Region.objects.boards()


class SecondmentForm(AssignmentForm):
    class Meta(AssignmentForm.Meta):
        model = Secondment


class PairingForm(AssignmentForm):
    class Meta(AssignmentForm.Meta):
        model = Pairing

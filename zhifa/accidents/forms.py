"""Accident forms: the record (create/edit) and a casualty update. Rules live in the model and services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.accidents.models import Accident, CasualtyUpdate
from zhifa.core.forms import ScopedModelForm
from zhifa.core.validators import normalize_uscc
from zhifa.enterprises.models import Enterprise, Industry
from zhifa.orgs.choices import RegionKind

#: What a phone's datetime-local input sends, and what a person types.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class OptionalIndustryField(forms.CharField):
    """A GB/T 4754 code typed in (a phone scrolls badly through 1,971 options); empty for none."""

    def clean(self, value):
        code = (super().clean(value) or "").strip().upper()
        if not code:
            return None
        industry = Industry.objects.filter(code=code).first()
        if industry is None:
            raise forms.ValidationError(
                _("国民经济行业代码 %(code)s 不存在（GB/T 4754-2017）"), params={"code": code}
            )
        return industry


#: Figures set when the accident is recorded; afterwards only casualty updates change them.
CASUALTY_FIELDS = ("deaths", "serious_injuries", "acute_poisonings", "missing")


class AccidentForm(ScopedModelForm):
    board_fields = ("board",)
    enterprise_uscc = forms.CharField(
        label=_("事故单位统一社会信用代码"),
        max_length=24,
        required=False,
        help_text=_("已在企业台账登记的单位填写代码；未登记的单位留空并填写名称"),
    )
    industry = OptionalIndustryField(
        label=_("国民经济行业代码"),
        max_length=5,
        required=False,
        help_text=_("GB/T 4754-2017 代码，如 2614；留空时取登记企业的行业"),
    )

    class Meta:
        model = Accident
        fields = [
            "board",
            "enterprise_uscc",
            "unit_name",
            "occurred_at",
            "place",
            "category",
            "industry",
            "deaths",
            "serious_injuries",
            "acute_poisonings",
            "missing",
            "direct_loss",
            "is_fire_or_road",
            "reported_at",
            "cause",
            "summary",
            "investigation_extended",
            "investigation_report_on",
        ]
        widgets = {
            "occurred_at": DateTimeLocalInput(),
            "reported_at": DateTimeLocalInput(),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = self.fields["board"].queryset.exclude(kind=RegionKind.DISTRICT)
        for name in ("occurred_at", "reported_at"):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.fields["direct_loss"].widget.attrs.update({"inputmode": "decimal"})
        accident = self.instance
        if accident.pk:
            self.fields["industry"].initial = accident.industry_id
            if accident.enterprise_id:
                self.fields["enterprise_uscc"].initial = accident.enterprise.uscc
            if accident.casualty_updates.exists():
                for name in CASUALTY_FIELDS:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("已有伤亡人数补报，请通过“补报伤亡人数”修改")

    def clean_enterprise_uscc(self):
        code = normalize_uscc(self.cleaned_data.get("enterprise_uscc") or "")
        if not code:
            return None
        enterprises = Enterprise.objects.restrict(self.user, "view") if self.user else Enterprise.objects
        enterprise = enterprises.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("企业台账中没有该统一社会信用代码的企业，或不在您的管辖范围内"))
        return enterprise

    def clean(self):
        data = super().clean()
        enterprise = data.get("enterprise_uscc")
        self.instance.enterprise = enterprise
        if enterprise is not None and not data.get("industry"):
            data["industry"] = enterprise.industry
            self.instance.industry = enterprise.industry
        if enterprise is not None and not data.get("unit_name"):
            data["unit_name"] = enterprise.name
            self.instance.unit_name = enterprise.name
        return data


class CasualtyUpdateForm(forms.ModelForm):
    at = forms.DateTimeField(label=_("补报时间"), widget=DateTimeLocalInput(), input_formats=DATETIME_FORMATS)

    class Meta:
        model = CasualtyUpdate
        fields = ["at", "deaths", "serious_injuries", "acute_poisonings", "missing", "note"]

    def __init__(self, *args, accident: Accident, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))
            for name in CASUALTY_FIELDS:
                self.initial.setdefault(name, getattr(accident, name))
        self.instance.accident = accident

from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.core.forms import ScopedModelForm
from zhifa.core.personal import PersonalDataFormMixin
from zhifa.enterprises.choices import EnforcementClass
from zhifa.enterprises.models import Enterprise, Industry
from zhifa.orgs.choices import RegionKind


class IndustryCodeField(forms.CharField):
    """Enter the GB/T 4754 code (typing beats scrolling 1,971 options on a phone)."""

    def clean(self, value):
        code = super().clean(value).strip().upper()
        industry = Industry.objects.filter(code=code).first()
        if industry is None:
            raise forms.ValidationError(
                _("国民经济行业代码 %(code)s 不存在（GB/T 4754-2017）"), params={"code": code}
            )
        if industry.level < 2:
            raise forms.ValidationError(_("国民经济行业请至少选到大类（2 位代码）"))
        return industry


class EnterpriseForm(PersonalDataFormMixin, ScopedModelForm):
    board_fields = ("board",)
    industry = IndustryCodeField(
        label=_("国民经济行业代码"), max_length=5, help_text=_("GB/T 4754-2017 代码，如 2614")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "legal_representative",
            "address",
            "board",
            "industry",
            "sector",
            "scale",
            "major_hazard_level",
            "standardization_grade",
            "operating_status",
            "contact_name",
            "contact_phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = self.fields["board"].queryset.exclude(kind=RegionKind.DISTRICT)
        if self.instance.pk:
            self.fields["industry"].initial = self.instance.industry_id
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") is None and "version" not in self.errors:
            # An edit names the version it started from, so a concurrent change is never overwritten
            # silently (without it a save is only checked against changes made during the request). The
            # field is hidden: the message goes above the form.
            raise forms.ValidationError(_("缺少版本号：请刷新页面后重新填写（用于发现他人同时修改）"))
        return cleaned


class OverrideClassForm(forms.Form):
    enforcement_class = forms.ChoiceField(label=_("执法类别"), choices=EnforcementClass.choices)
    reason = forms.CharField(label=_("调整理由"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))

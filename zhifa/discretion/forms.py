"""Forms of the benchmark pages: a draft's header, entries with their tiers, factors, and 试算."""

from __future__ import annotations

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from zhifa.core.formfields import RecordsChoiceField
from zhifa.core.forms import ScopedModelForm
from zhifa.discretion.models import Catalogue, Factor, Tier, ViolationType


class CatalogueForm(ScopedModelForm):
    class Meta:
        model = Catalogue
        fields = ["name", "effective_from", "note"]


class _CodeInCatalogue:
    """Codes are unique per version; the version is not a form field, so the form checks it."""

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        instance = self.instance  # type: ignore[attr-defined]
        clash = type(instance).objects.filter(catalogue_id=instance.catalogue_id, code=code)
        if instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("本版本已有编号（代码）为 %(c)s 的记录"), params={"c": code})
        return code


class ViolationTypeForm(_CodeInCatalogue, ScopedModelForm):
    class Meta:
        model = ViolationType
        fields = [
            "code",
            "name",
            "article_violated",
            "penalty_article",
            "party",
            "min_fine",
            "max_fine",
            "other_penalties",
            "example_values",
            "order",
        ]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 2}),
            "other_penalties": forms.Textarea(attrs={"rows": 2}),
        }


class TierForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["level", "conditions", "min_fine", "max_fine"]
        widgets = {"conditions": forms.Textarea(attrs={"rows": 2})}


class BaseTierFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        """Each tier is checked against the entry as edited on the same page, not as stored."""
        form = super()._construct_form(i, **kwargs)
        form.instance.violation_type = self.instance
        return form


TierFormSet = inlineformset_factory(
    ViolationType, Tier, form=TierForm, formset=BaseTierFormSet, extra=1, can_delete=True
)


class FactorForm(_CodeInCatalogue, ScopedModelForm):
    class Meta:
        model = Factor
        fields = ["kind", "code", "text", "legal_basis", "statutory", "violation_type", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation_type"].queryset = ViolationType.objects.filter(
            catalogue_id=self.instance.catalogue_id
        )
        self.fields["violation_type"].empty_label = _("（全部违法行为）")


class ProposeForm(forms.Form):
    """试算: the circumstances of a case, and optionally the amount the officer has in mind."""

    first_offence = forms.BooleanField(label=_("初次违法"), required=False)
    minor = forms.BooleanField(label=_("危害后果轻微"), required=False)
    corrected_in_time = forms.BooleanField(label=_("在责令改正期限内改正"), required=False)
    factors = RecordsChoiceField(
        label=_("裁量情节"),
        queryset=Factor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选裁量情节不适用于该违法行为")},
    )
    circumstances = forms.CharField(
        label=_("案情摘要（可选）"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = forms.DecimalField(
        label=_("拟罚款金额（元，可选）"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": _("罚款金额请填写数字（元）"),
            "min_value": _("罚款金额不能为负数"),
            "max_decimal_places": _("罚款金额最多保留两位小数"),
        },
    )
    reason = forms.CharField(
        label=_("偏离裁量基准的理由（可选）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, factors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if factors is not None:
            self.fields["factors"].queryset = factors

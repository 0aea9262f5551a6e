"""The expert form, with its availability periods and declared conflicts (回避) edited inline.

Nothing is deleted from here: a period that no longer applies is corrected, a conflict stays declared.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from zhifa.core.forms import DateInput, ScopedModelForm
from zhifa.core.personal import PersonalDataFormMixin
from zhifa.core.validators import normalize_uscc, validate_uscc
from zhifa.experts.models import Expert, ExpertAvailability, ExpertConflict


class ExpertAvailabilityForm(forms.ModelForm):
    class Meta:
        model = ExpertAvailability
        fields = ["start", "end", "note"]
        widgets = {"start": DateInput(), "end": DateInput()}


class ExpertConflictForm(forms.ModelForm):
    """The enterprise is named by its 统一社会信用代码, typed in (a select of every enterprise is unusable
    on a phone)."""

    enterprise_uscc = forms.CharField(
        label=_("回避企业统一社会信用代码"),
        max_length=18,
        help_text=_("18 位，如 91320412MA1XXXXXXX"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    class Meta:
        model = ExpertConflict
        fields = ["enterprise_uscc", "reason"]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.enterprise_id:
            self.fields["enterprise_uscc"].initial = self.instance.enterprise.uscc
            self.fields["enterprise_uscc"].help_text = self.instance.enterprise.name

    def clean_enterprise_uscc(self):
        from zhifa.enterprises.models import Enterprise

        code = normalize_uscc(self.cleaned_data["enterprise_uscc"]).upper()
        validate_uscc(code)
        enterprises = (
            Enterprise.objects.restrict(self.user, "view") if self.user is not None else Enterprise.objects
        )
        enterprise = enterprises.filter(uscc=code).first()
        if enterprise is None:
            raise ValidationError(
                _("统一社会信用代码为 %(code)s 的企业不在企业库中，请先登记该企业或核对代码"),
                code="unknown_enterprise",
                params={"code": code},
            )
        self.instance.enterprise = enterprise
        return code


class ConflictFormSet(BaseInlineFormSet):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user}

    def clean(self):
        super().clean()
        seen: dict[int, int] = {}
        for index, form in enumerate(self.forms):
            enterprise_id = getattr(form.instance, "enterprise_id", None)
            unused_extra_row = not form.instance.pk and not form.has_changed()
            if unused_extra_row or not enterprise_id or form.errors:
                continue
            if enterprise_id in seen:
                form.add_error(
                    "enterprise_uscc", _("同一企业已在第 %(n)s 行申报回避") % {"n": seen[enterprise_id] + 1}
                )
            else:
                seen[enterprise_id] = index


AvailabilityFormSet = inlineformset_factory(
    Expert, ExpertAvailability, form=ExpertAvailabilityForm, extra=1, can_delete=False
)
ExpertConflictFormSet = inlineformset_factory(
    Expert, ExpertConflict, form=ExpertConflictForm, formset=ConflictFormSet, extra=1, can_delete=False
)


class ExpertForm(PersonalDataFormMixin, ScopedModelForm):
    """The expert with two inline formsets: it is valid, and saves, only together with them."""

    class Meta:
        model = Expert
        fields = [
            "name",
            "phone",
            "employer",
            "employer_uscc",
            "title",
            "qualifications",
            "groups",
            "active",
            "note",
        ]
        widgets = {
            "groups": forms.CheckboxSelectMultiple,
            "qualifications": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.availability = AvailabilityFormSet(data, instance=self.instance, prefix="availability")
        self.conflicts = ExpertConflictFormSet(
            data, instance=self.instance, prefix="conflicts", user=self.user
        )
        self.formsets = [
            (_("可参加检查的时段"), _("不填写时段表示随时可用"), self.availability),
            (_("回避企业"), _("与专家本人或其工作单位有利害关系的企业，抽取专家时自动排除"), self.conflicts),
        ]

    def clean_employer_uscc(self):
        return normalize_uscc(self.cleaned_data["employer_uscc"]).upper()

    def is_valid(self):
        valid = super().is_valid()
        return all([valid] + [formset.is_valid() for _label, _help, formset in self.formsets])

    def save(self, commit=True):
        expert = super().save(commit=commit)
        if commit:
            for _label, _help, formset in self.formsets:
                formset.instance = expert
                formset.save()
        return expert

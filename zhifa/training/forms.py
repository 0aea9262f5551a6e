"""Training forms: a session, the attendance register of a session, the hours filter."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.forms import ScopedModelForm
from zhifa.core.permissions import is_district_wide
from zhifa.orgs.forms import OfficerChoiceField
from zhifa.orgs.models import Officer, Region
from zhifa.training.hours import trainees
from zhifa.training.models import TrainingSession


class TrainingSessionForm(ScopedModelForm):
    board_fields = ("board",)
    lecturer = OfficerChoiceField(label=_("授课人"), queryset=Officer.objects.none(), required=False)

    class Meta:
        model = TrainingSession
        fields = ["board", "kind", "title", "date", "hours", "lecturer", "place", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = self.fields["board"].queryset.boards()
        self.fields["lecturer"].help_text = _("轮流授课必须填写")
        offered = Q(pk__in=trainees(Officer.objects.restrict(self.user, "view")).values("pk"))
        if self.instance.lecturer_id:
            offered |= Q(pk=self.instance.lecturer_id)
        self.fields["lecturer"].queryset = (
            Officer.objects.filter(offered).select_related("unit").order_by("unit__sort_order", "name")
        )
        if self.user is not None and not is_district_wide(self.user):
            # A board leader organises training for the own board: the district's are the district's.
            self.fields["board"].required = True
            self.fields["board"].empty_label = None
            self.fields["board"].help_text = ""


class AttendanceRowForm(forms.Form):
    officer = forms.IntegerField(widget=forms.HiddenInput)
    attended = forms.BooleanField(label=_("出勤"), required=False)
    hours = forms.DecimalField(
        label=_("计入学时"), required=False, min_value=0, max_digits=5, decimal_places=1
    )
    exam_score = forms.DecimalField(
        label=_("考试成绩"), required=False, min_value=0, max_value=100, max_digits=4, decimal_places=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("hours", "exam_score"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.5"})


AttendanceFormSet = forms.formset_factory(AttendanceRowForm, extra=0)


class HoursFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=9999,
        required=False,
        error_messages={
            "invalid": _("年度应为四位数字年份，如 2026"),
            "min_value": _("年度应不早于 2000 年"),
            "max_value": _("年度应为四位数字年份，如 2026"),
        },
    )
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Region.objects.none(), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("全部")
        self.fields["unit"].error_messages["invalid_choice"] = _("所选单位不存在或不在您的管辖范围内")

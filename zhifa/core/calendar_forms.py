"""Forms of the calendar pages: an override day, a period rule, a year's arrangement to import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.core.forms import ScopedModelForm
from zhifa.core.models import CalendarDay, PeriodRule

#: Largest arrangement file accepted (a year's arrangement is a few dozen short lines).
MAX_IMPORT_BYTES = 64 * 1024


class CalendarDayForm(ScopedModelForm):
    class Meta:
        model = CalendarDay
        fields = ("date", "is_workday", "name", "source")


class PeriodRuleForm(ScopedModelForm):
    """A rule's code is what the workflows ask for, so it is fixed once the rule exists; a changed
    figure for new periods is a new version (same code, later 施行日期) added from the list."""

    class Meta:
        model = PeriodRule
        fields = ("code", "name", "source", "length", "unit", "local", "effective_from", "active", "note")
        help_texts = {
            "code": _("流程按代码取用期限，如 payment；新增同一代码、施行日期更晚的一条即为新版本"),
            "effective_from": _("起算日在此日期及以后的期限适用本版本"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=_("依据"),
        max_length=300,
        help_text=_("如 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）"),
    )
    file = forms.FileField(
        label=_("安排文件（CSV，UTF-8）"),
        help_text=_("每行：日期,类型,名称；类型为 holiday（放假）或 workday（调休上班）"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件过大：节假日安排文件不超过 64 KB"))
        return upload.read()

"""Forms of the planning pages. They only collect input; every rule is checked by the services."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.enterprises.models import Enterprise
from zhifa.experts.models import Expert
from zhifa.orgs.models import Officer, Region
from zhifa.planning.choices import SwapReason, SwapRole, TargetedReason

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(value: str) -> tuple[int, int] | None:
    match = MONTH_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


class MonthField(forms.CharField):
    default_error_messages = {"invalid": _("请按 YYYY-MM 填写月份，如 2026-12")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        parsed = parse_month(value)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请写明理由"))
        return reason


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("意见"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class DrawForm(forms.Form):
    month = MonthField(label=_("抽取月份"))
    board = forms.ModelChoiceField(
        label=_("板块"), queryset=Region.objects.none(), required=False, empty_label=_("全区各板块")
    )
    cross = forms.BooleanField(label=_("交叉执法（执法人员只从其他板块抽取）"), required=False)
    seed_source = forms.CharField(
        label=_("随机种子来源"),
        required=False,
        max_length=500,
        help_text=_("留空用系统随机数；填写公开数值（如彩票开奖号码原文）时种子 = SHA-256(该文本)"),
    )
    reason = forms.CharField(
        label=_("抽取理由"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards if boards is not None else Region.objects.boards()


class RedrawForm(forms.Form):
    reason = forms.CharField(
        label=_("重新抽取理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    seed_source = forms.CharField(label=_("随机种子来源"), required=False, max_length=500)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("重新抽取须写明理由"))
        return reason


class SwapForm(forms.Form):
    member = forms.ChoiceField(label=_("换下的人员"))
    reason_kind = forms.ChoiceField(label=_("原因类别"), choices=SwapReason.choices)
    reason = forms.CharField(label=_("原因说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, task=None, names=None, **kwargs):
        super().__init__(*args, **kwargs)
        names = names or {}
        choices = []
        if task is not None:
            for officer_id in task.officer_ids:
                label = names.get(("officer", officer_id), officer_id)
                choices.append((f"{SwapRole.OFFICER}:{officer_id}", f"{_('执法人员')} {label}"))
            if task.expert_id:
                label = names.get(("expert", task.expert_id), task.expert_id)
                choices.append((f"{SwapRole.EXPERT}:{task.expert_id}", f"{_('专家')} {label}"))
        self.fields["member"].choices = choices

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("换人须写明原因"))
        return reason

    def clean_member(self):
        role, _sep, member_id = self.cleaned_data["member"].partition(":")
        return role, int(member_id)


class TargetedTaskForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    planned_date = forms.DateField(label=_("计划检查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason_kind = forms.ChoiceField(label=_("定向事由"), choices=TargetedReason.choices)
    reason = forms.CharField(label=_("事由说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    officer_1 = forms.ModelChoiceField(label=_("执法人员一"), queryset=Officer.objects.none())
    officer_2 = forms.ModelChoiceField(label=_("执法人员二"), queryset=Officer.objects.none())
    expert = forms.ModelChoiceField(label=_("专家"), queryset=Expert.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view").order_by("name")
        officers = Officer.objects.restrict(user, "view").filter(active=True).order_by("name")
        self.fields["officer_1"].queryset = officers
        self.fields["officer_2"].queryset = officers
        self.fields["expert"].queryset = (
            Expert.objects.restrict(user, "view").filter(active=True).order_by("name")
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("定向检查须写明事由"))
        return reason

    def clean(self):
        data = super().clean()
        if data.get("officer_1") and data.get("officer_1") == data.get("officer_2"):
            self.add_error("officer_2", _("须指定两名不同的执法人员"))
        return data

"""The month a bulletin is generated for (YYYY-MM, not in the future)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.bulletins.figures import FiguresError, parse_month


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("月份"),
        max_length=7,
        help_text=_("YYYY-MM，如 2026-11；本月的通报统计至今日"),
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def clean_month(self):
        try:
            return parse_month(self.cleaned_data["month"], timezone.localdate())
        except FiguresError as exc:
            raise forms.ValidationError(str(exc)) from exc

"""Review forms: a round's settings, the scoring sheet (built from the round's rubric, one field per item,
named by the item's code — the API posts the same names), a correction, and a draft rubric."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from zhifa.accounts.models import User
from zhifa.core.forms import ScopedModelForm
from zhifa.reviews.models import ReviewRound, Rubric, RubricItem
from zhifa.reviews.services import Entry, check_entries, reviewer_roles


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        where = obj.region.name if obj.region_id else _("区局")
        return f"{obj.get_full_name() or obj.username}（{obj.get_role_display()}，{where}）"


class RoundForm(ScopedModelForm):
    reviewer_pool = ReviewerChoiceField(
        label=_("评查人员"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "留空：各板块分管领导、执法人员和执法大队队员；法制审核员须点名加入。评查人不评本板块及本人参与办理的案件"
        ),
    )

    class Meta:
        model = ReviewRound
        fields = [
            "name",
            "kind",
            "period_start",
            "period_end",
            "per_board",
            "rubric",
            "reviewer_pool",
            "first_prizes",
            "second_prizes",
            "third_prizes",
            "awards_text",
        ]
        widgets = {"awards_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = Rubric.objects.published().order_by("name", "-version")
        self.fields["reviewer_pool"].queryset = (
            User.objects.filter(is_active=True, role__in=reviewer_roles())
            .select_related("region")
            .order_by("region__sort_order", "role", "username")
        )
        for name in ("first_prizes", "second_prizes", "third_prizes", "awards_text"):
            self.fields[name].help_text = _("仅案卷评比使用")


def _points_field(item: RubricItem) -> forms.DecimalField:
    limit = item.max_points
    return forms.DecimalField(
        label=_("%(t)s（满分 %(m)s 分）") % {"t": item.title, "m": item.max_text},
        required=False,
        min_value=Decimal("0"),
        max_value=limit,
        max_digits=5,
        decimal_places=1,
        help_text=item.description,
        error_messages={
            "max_value": _("不能超过本项满分 %(m)s 分") % {"m": item.max_text},
            "min_value": _("得分不能为负数"),
            "invalid": _("请填写数字，如 8 或 7.5"),
            "max_decimal_places": _("最多保留 1 位小数"),
            "max_digits": _("数值过大"),
        },
    )


class ScoreForm(forms.Form):
    """One field per rubric item: a checkbox for a veto item, points for the others, and a note each."""

    comment = forms.CharField(label=_("评查意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, items: list[RubricItem], **kwargs):
        super().__init__(data, **kwargs)
        self.items = items
        for item in items:
            if item.is_veto:
                self.fields[item.code] = forms.BooleanField(
                    label=_("否决：%(t)s") % {"t": item.title}, required=False, help_text=item.description
                )
            else:
                self.fields[item.code] = _points_field(item)
            self.fields[f"{item.code}_note"] = forms.CharField(
                label=_("%(t)s：说明") % {"t": item.title}, required=False, max_length=500
            )

    def rows(self):
        """(item, value field, note field) for the template, vetoes first as the rubric orders them."""
        return [(item, self[item.code], self[f"{item.code}_note"]) for item in self.items]

    def entries(self) -> dict[str, Entry]:
        data = self.cleaned_data
        out = {}
        for item in self.items:
            note = data.get(f"{item.code}_note") or ""
            if item.is_veto:
                out[item.code] = Entry(veto=bool(data.get(item.code)), note=note)
            else:
                out[item.code] = Entry(points=data.get(item.code), note=note)
        return out

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for name, messages in check_entries(self.items, self.entries()).items():
                self.add_error(name if name in self.fields else None, messages)
        return cleaned


class CorrectionForm(ScoreForm):
    reason = forms.CharField(
        label=_("更正理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("更正评分须写明理由")},
    )


class RubricForm(forms.ModelForm):
    class Meta:
        model = Rubric
        fields = ["form_points", "content_points", "pass_mark", "example_values", "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}


RubricItemFormSet = inlineformset_factory(
    Rubric,
    RubricItem,
    fields=["order", "kind", "code", "title", "max_points", "description"],
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
    extra=2,
    can_delete=True,
)

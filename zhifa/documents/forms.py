"""Forms of the document pages: a correction's reason, a service record, a batch download."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.forms import DateInput
from zhifa.documents.choices import ServiceMethod
from zhifa.orgs.models import Officer


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("更正理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将写入更正版本和审计记录；原版本保留并标记为已被替代"),
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ServiceForm(forms.Form):
    """送达: phone-friendly (radio buttons, native date pickers, tick boxes for the servers)."""

    method = forms.ChoiceField(label=_("送达方式"), choices=ServiceMethod.choices, widget=forms.RadioSelect)
    served_at = forms.DateTimeField(
        label=_("送达时间"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("送达地点"), max_length=200, required=False)
    recipient_name = forms.CharField(label=_("受送达人"), max_length=64)
    recipient_title = forms.CharField(label=_("受送达人职务/身份"), max_length=32, required=False)
    servers = forms.ModelMultipleChoiceField(
        label=_("送达人"), queryset=Officer.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    witnesses = forms.CharField(
        label=_("见证人"), max_length=200, required=False, help_text=_("留置送达时必填：见证人姓名、身份")
    )
    consent_reference = forms.CharField(
        label=_("电子送达确认书"),
        max_length=200,
        required=False,
        help_text=_("电子送达时必填：当事人书面同意电子送达的确认书编号或说明"),
    )
    electronic_address = forms.CharField(label=_("电子送达地址"), max_length=200, required=False)
    notice_published_on = forms.DateField(
        label=_("公告发布日期"), required=False, widget=DateInput(), help_text=_("公告送达时必填")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, servers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if servers is not None:
            self.fields["servers"].queryset = servers
        if not self.is_bound:
            self.initial.setdefault("served_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))


class BatchForm(forms.Form):
    """All documents of one inspection, or of one day (optionally one board)."""

    day = forms.DateField(label=_("签发日期"), required=False, widget=DateInput())
    board: forms.ModelChoiceField = forms.ModelChoiceField(label=_("承办板块"), queryset=None, required=False)
    inspection = forms.IntegerField(label=_("现场检查编号"), required=False, min_value=1)
    include_docx = forms.BooleanField(label=_("同时包含可编辑的 DOCX"), required=False)

    def __init__(self, *args, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards

    def clean(self):
        data = super().clean()
        if not data.get("day") and not data.get("inspection"):
            raise forms.ValidationError(_("请选择签发日期或现场检查"))
        return data

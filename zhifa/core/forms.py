"""Form plumbing shared by every app: the acting user, jurisdiction-limited choices, phone-friendly widgets."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that knows who fills it; board fields offer only the user's own boards."""

    #: Form fields that choose a board (Region); limited to the user's jurisdiction.
    board_fields: tuple[str, ...] = ()

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DateInput()
            if isinstance(field, forms.ModelChoiceField):
                field.error_messages["invalid_choice"] = _("所选项不存在或不在您的管辖范围内")
        if user is not None and not is_district_wide(user):
            allowed = board_ids(user)
            for name in self.board_fields:
                if name in self.fields:
                    self.fields[name].queryset = self.fields[name].queryset.filter(pk__in=allowed)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    import_valid_rows = forms.BooleanField(
        label=_("只导入无误的行（默认：任一行有误则全部不导入）"), required=False
    )

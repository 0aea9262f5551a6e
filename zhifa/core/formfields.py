"""Form fields and filters that refuse, as a field error, what the database would refuse with a server error."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError

#: The range of the primary keys (64-bit integers on SQLite and PostgreSQL).
PK_MIN, PK_MAX = -(2**63), 2**63 - 1


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` whose ids beyond a 64-bit integer are "not a valid choice".

    Django looks the ids up with ``pk__in``, which hands such a number to the database driver: SQLite
    raises OverflowError and PostgreSQL an out-of-range error, a 500 for ``"officers": [2**63]`` in an
    API body (found by ``make fuzz``).
    """

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(pk)
            except (TypeError, ValueError, OverflowError):
                continue  # not a number: Django's own checks name it
            if not PK_MIN <= number <= PK_MAX:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class RecordIdFilter(django_filters.NumberFilter):
    """A filter on a record's id: a whole number within the database's range, else a 400 naming the
    parameter (``NumberFilter`` takes any decimal, and ``officer=-1.8e308`` reached the database: a 500,
    found by ``make fuzz``)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", PK_MIN)
        kwargs.setdefault("max_value", PK_MAX)
        super().__init__(*args, **kwargs)


def record_id(text) -> int | None:
    """A record id typed into a query string or form: ASCII digits within the database's range, else None.

    ``str.isdigit`` admits "²" and "٣" (which ``int`` refuses or reads as another digit) and any length
    (which the database refuses): both were 500s on pages that looked a record up by a GET parameter.
    """
    text = str(text or "").strip()
    if not text.isascii() or not text.isdecimal():
        return None
    number = int(text)
    return number if 0 < number <= PK_MAX else None

"""Form fields that refuse, as a field error, what the database would refuse with a server error."""

from __future__ import annotations

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

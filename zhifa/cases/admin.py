from django.contrib import admin

from zhifa.cases.models import ProcedureRules
from zhifa.core.admin_site import NoDeleteAdmin


@admin.register(ProcedureRules)
class ProcedureRulesAdmin(NoDeleteAdmin):
    """The procedure's figures, versioned by effective date: a change of the rules is a new row."""

    list_display = (
        "effective_from",
        "source",
        "simple_max_person",
        "simple_max_unit",
        "hearing_min_person",
        "hearing_min_unit",
        "surcharge_rate",
    )

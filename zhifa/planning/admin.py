from django.contrib import admin

from zhifa.core.admin_site import NoDeleteAdmin
from zhifa.planning.models import FrequencyRule, FrequencyRuleSet, InspectionCap


class FrequencyRuleInline(admin.TabularInline):
    model = FrequencyRule
    extra = 0
    ordering = ("enforcement_class",)

    def has_delete_permission(self, request, obj=None):
        return False


class InspectionCapInline(admin.TabularInline):
    model = InspectionCap
    extra = 0
    ordering = ("sector", "standardization_grade")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FrequencyRuleSet)
class FrequencyRuleSetAdmin(NoDeleteAdmin):
    """The planning figures: a change is a new version with a later effective date (plans keep a copy
    of the figures they used, so editing an old version does not change them)."""

    list_display = ("version", "name", "effective_from", "is_example", "random_share", "source")
    inlines = [FrequencyRuleInline, InspectionCapInline]

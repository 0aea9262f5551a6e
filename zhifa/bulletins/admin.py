from django.contrib import admin

from zhifa.bulletins.models import RankingWeight, RankingWeights
from zhifa.core.admin_site import NoDeleteAdmin


class RankingWeightInline(admin.TabularInline):
    model = RankingWeight
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RankingWeights)
class RankingWeightsAdmin(NoDeleteAdmin):
    """The ranking's weighting, versioned by effective date: a change is a new version with a later date,
    so bulletins already made keep the weighting they were ranked with (their snapshot holds it)."""

    list_display = ("name", "effective_from", "example_values", "source")
    inlines = [RankingWeightInline]

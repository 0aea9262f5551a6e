from django.contrib import admin

from zhifa.accidents.models import LevelThreshold
from zhifa.core.admin_site import NoDeleteAdmin


@admin.register(LevelThreshold)
class LevelThresholdAdmin(NoDeleteAdmin):
    """The level thresholds of 条例 第三条: edited here when the regulation changes (accidents saved
    afterwards are levelled by the new figures; saved ones keep their stored level until edited)."""

    list_display = ("level", "measure", "minimum", "source", "note")
    list_filter = ("measure",)

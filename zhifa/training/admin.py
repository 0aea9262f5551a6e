from django.contrib import admin

from zhifa.core.admin_site import NoDeleteAdmin
from zhifa.training.models import TrainingRequirement


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(NoDeleteAdmin):
    """The yearly training requirement: a year without its own row takes the latest earlier one."""

    list_display = ("year", "hours_required", "exam_pass_mark", "source")

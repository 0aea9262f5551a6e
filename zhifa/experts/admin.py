from django.contrib import admin

from zhifa.core.admin_site import NoDeleteAdmin
from zhifa.experts.models import ExpertGroup


@admin.register(ExpertGroup)
class ExpertGroupAdmin(NoDeleteAdmin):
    list_display = ("code", "name", "industry_prefixes", "topics", "sort_order")

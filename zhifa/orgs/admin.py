from django.contrib import admin

from zhifa.core.admin_site import NoDeleteAdmin
from zhifa.orgs.models import Region


@admin.register(Region)
class RegionAdmin(NoDeleteAdmin):
    list_display = ("code", "name", "short_name", "kind", "parent", "penalty_authority", "sort_order")
    list_filter = ("kind", "penalty_authority")
    search_fields = ("code", "name")

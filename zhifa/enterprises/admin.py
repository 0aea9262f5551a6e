from django.contrib import admin

from zhifa.core.admin_site import NoDeleteAdmin
from zhifa.enterprises.models import ClassRule, ClassRuleSet, Industry


@admin.register(Industry)
class IndustryAdmin(NoDeleteAdmin):
    list_display = ("code", "name", "level", "section")
    list_filter = ("level", "section")
    search_fields = ("code", "name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the standard's table is loaded by migration, not edited


class ClassRuleInline(admin.TabularInline):
    model = ClassRule
    extra = 0
    ordering = ("priority",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClassRuleSet)
class ClassRuleSetAdmin(NoDeleteAdmin):
    list_display = ("version", "name", "effective_from", "default_class", "source")
    inlines = [ClassRuleInline]

from django.contrib import admin

from zhifa.core.admin_site import NoDeleteAdmin
from zhifa.disclosure.models import BodyDisclosure


@admin.register(BodyDisclosure)
class BodyDisclosureAdmin(NoDeleteAdmin):
    """The powers each enforcement body publishes on the portal (事前公开), kept by the system
    administrator as the bureau's published lists of powers change."""

    list_display = ("region", "updated_at")
    fields = ("region", "powers", "basis")

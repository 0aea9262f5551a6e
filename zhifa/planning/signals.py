"""A task is done when its inspection is signed off (the inspection workflow need not know tasks)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from zhifa.inspections.models import Inspection


@receiver(post_save, sender=Inspection)
def _inspection_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or created or (update_fields is not None and "status" not in update_fields):
        return
    from zhifa.planning.services import complete_task_for

    complete_task_for(instance)

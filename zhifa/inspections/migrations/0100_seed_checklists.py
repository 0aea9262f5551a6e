"""Seed the first published checklists: 通用 (general) and one per expert group, version 1 of each.

The data lives in ``zhifa.inspections.seed_checklists`` (frozen: see its docstring for the legal bases
and why it must not be edited). Numbered 0100 so that schema migrations of this app can be added
before it without renumbering; it depends on the latest one present when it was written.

Reversible: the reverse removes these version-1 checklists and their items, but refuses while any
inspection uses one of them (inspections keep the checklist version they used).
"""

from django.db import migrations
from django.utils import timezone

from zhifa.inspections.seed_checklists import CHECKLISTS


def seed(apps, schema_editor):
    ChecklistTemplate = apps.get_model("inspections", "ChecklistTemplate")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    ExpertGroup = apps.get_model("experts", "ExpertGroup")
    groups = {g.code: g for g in ExpertGroup.objects.all()}
    now = timezone.now()
    for spec in CHECKLISTS:
        if ChecklistTemplate.objects.filter(code=spec["code"]).exists():
            continue  # an administrator's own version already holds the code
        template = ChecklistTemplate.objects.create(
            code=spec["code"],
            version=1,
            name=spec["name"],
            expert_group=groups.get(spec["group"]) if spec["group"] else None,
            status="published",
            published_at=now,
            note=spec["note"],
        )
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(
                    template=template,
                    order=order,
                    section=item["section"],
                    text=item["text"],
                    legal_basis=item["legal_basis"],
                    major_basis=item["major_basis"],
                    default_level="general",
                )
                for order, item in enumerate(spec["items"], start=1)
            ]
        )


def unseed(apps, schema_editor):
    ChecklistTemplate = apps.get_model("inspections", "ChecklistTemplate")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    Inspection = apps.get_model("inspections", "Inspection")
    templates = ChecklistTemplate.objects.filter(code__in=[c["code"] for c in CHECKLISTS], version=1)
    used = sorted({i.checklist.name for i in Inspection.objects.filter(checklist__in=templates)})
    if used:
        raise RuntimeError(f"检查表已被现场检查使用，不能回退：{'、'.join(used)}。")
    ChecklistItem.objects.filter(template__in=templates).delete()
    templates.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_evidence_thumbnail"),
        ("experts", "0002_seed_expert_groups"),
    ]
    operations = [migrations.RunPython(seed, unseed)]

"""The forms of field inspections, with the abbreviations used in their numbers (local convention)."""

from django.db import migrations

KINDS = [
    ("inspection_record", "现场检查记录", "检", "inspection_record.html", True, 10),
    ("rectification_order", "责令限期整改指令书", "责改", "rectification_order.html", True, 20),
    ("extension_approval", "整改复查延期申请审批表", "延期", "extension_approval.html", True, 30),
    ("reinspection_opinion", "整改复查意见书", "复查", "reinspection_opinion.html", True, 40),
    ("service_receipt", "文书送达回执", "送达", "service_receipt.html", False, 90),
]


def seed(apps, schema_editor):
    FormKind = apps.get_model("documents", "FormKind")
    for code, title, abbreviation, template, numbered, order in KINDS:
        FormKind.objects.update_or_create(
            code=code,
            defaults={"title": title, "abbreviation": abbreviation, "template": template, "numbered": numbered, "sort_order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("documents", "FormKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

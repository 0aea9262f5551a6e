"""Load GB/T 4754-2017 (20 sections, 97 divisions, 473 groups, 1,381 classes) from the package's CSV."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "gbt4754-2017-industries.csv"


def load(apps, schema_editor):
    Industry = apps.get_model("enterprises", "Industry")
    with CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # Parents: a division's parent is its section letter; a group's is its division; a class's its group.
    parents = {}
    for row in rows:
        level = int(row["level"])
        code = row["code"]
        parents[code] = {1: None, 2: row["section"], 3: code[:2], 4: code[:3]}[level]
    Industry.objects.bulk_create(
        [
            Industry(
                code=row["code"], section=row["section"], level=int(row["level"]), name=row["name"],
                note=row["note"] or "", parent_id=parents[row["code"]],
            )
            for row in rows
        ],
        batch_size=500,
    )


def unload(apps, schema_editor):
    apps.get_model("enterprises", "Industry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

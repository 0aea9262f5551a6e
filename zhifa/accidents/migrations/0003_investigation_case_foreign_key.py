"""The investigation's penalty case becomes a foreign key now that the case app's tables exist.

The plain number ``investigation_case_id`` is renamed and altered into the foreign key
``investigation_case`` (same column name, ``investigation_case_id``), so any value already recorded is
kept; reversible.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accidents", "0002_seed_level_thresholds"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="accident", old_name="investigation_case_id", new_name="investigation_case"
        ),
        migrations.AlterField(
            model_name="accident",
            name="investigation_case",
            field=models.ForeignKey(
                blank=True,
                help_text="依事故调查结论立案查处的行政处罚案件",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="investigated_accidents",
                to="cases.case",
                verbose_name="调查处理案件",
            ),
        ),
    ]

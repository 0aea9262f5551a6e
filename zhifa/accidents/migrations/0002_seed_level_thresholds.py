"""Seed the accident level thresholds of 生产安全事故报告和调查处理条例（国务院令第493号）第三条.

    特别重大事故: 30 人以上死亡，或者 100 人以上重伤（包括急性工业中毒），或者 1 亿元以上直接经济损失
    重大事故:     10 人以上 30 人以下死亡，或者 50 人以上 100 人以下重伤，或者 5000 万元以上 1 亿元以下
    较大事故:     3 人以上 10 人以下死亡，或者 10 人以上 50 人以下重伤，或者 1000 万元以上 5000 万元以下
    一般事故:     3 人以下死亡，或者 10 人以下重伤，或者 1000 万元以下直接经济损失

第三条 also says "以上" includes the figure and "以下" excludes it, so each row is the least figure of
its level. Reversible: the reverse removes the rows this migration added, as they were seeded.
"""

from decimal import Decimal

from django.db import migrations

SOURCE = "生产安全事故报告和调查处理条例 第三条"

THRESHOLDS = {
    ("grave", "deaths"): Decimal("30"),
    ("grave", "serious_injuries"): Decimal("100"),
    ("grave", "direct_loss"): Decimal("100000000"),
    ("major", "deaths"): Decimal("10"),
    ("major", "serious_injuries"): Decimal("50"),
    ("major", "direct_loss"): Decimal("50000000"),
    ("larger", "deaths"): Decimal("3"),
    ("larger", "serious_injuries"): Decimal("10"),
    ("larger", "direct_loss"): Decimal("10000000"),
}


def seed(apps, schema_editor):
    LevelThreshold = apps.get_model("accidents", "LevelThreshold")
    for (level, measure), minimum in THRESHOLDS.items():
        LevelThreshold.objects.get_or_create(
            level=level, measure=measure, defaults={"minimum": minimum, "source": SOURCE}
        )


def unseed(apps, schema_editor):
    LevelThreshold = apps.get_model("accidents", "LevelThreshold")
    for (level, measure), minimum in THRESHOLDS.items():
        LevelThreshold.objects.filter(level=level, measure=measure, minimum=minimum, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("accidents", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

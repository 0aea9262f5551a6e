"""The procedure's configurable figures: the statutory values of 行政处罚法 (2021) from its entry into
force, and the same values again from 2026-02-01 when 应急管理部令第18号 replaces the 2015 办法 — a row an
administrator adjusts where the new regulation or the province sets other figures (hearing thresholds
are provincial and marked uncertain)."""

from datetime import date

from django.db import migrations

ROWS = [
    (date(2021, 7, 15), "《行政处罚法》（2021）及《安全生产违法行为行政处罚办法》（2015）"),
    (date(2026, 2, 1), "《行政处罚法》（2021）及应急管理部令第18号（2026年2月1日施行；听证、重大案件标准为本地示例值）"),
]


def seed(apps, schema_editor):
    ProcedureRules = apps.get_model("cases", "ProcedureRules")
    for effective_from, source in ROWS:
        ProcedureRules.objects.get_or_create(effective_from=effective_from, defaults={"source": source})


def unseed(apps, schema_editor):
    apps.get_model("cases", "ProcedureRules").objects.filter(effective_from__in=[r[0] for r in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

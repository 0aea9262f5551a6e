"""The demo weighting of the boards' monthly ranking (示例权重): ten indicators summing to 100.

These are example values, marked as such; the district replaces them with its own assessment rules by
adding a version with a later effective date (the admin's 排名权重). Reversible: the reverse removes
the seeded version only.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

NAME = "执法工作月度排名权重（示例）"
ITEMS = (
    ("plan_completion", "20", "higher", "检查企业数占年度计划本月应检查数的比例，反映计划执行，越高越好"),
    ("inspections", "15", "higher", "已签署的现场检查次数，反映执法工作量，越多越好"),
    ("hazards_overdue", "15", "lower", "期末逾期未整改的隐患数，反映督促整改不力，越少越好"),
    ("hazards", "10", "higher", "检查发现的隐患数，反映检查查得深、查得实，越多越好"),
    ("cases_decided", "10", "higher", "作出行政处罚决定的案件数，反映执法力度，越多越好"),
    ("first_pass_rate", "10", "higher", "首轮法制审核即获同意的比例，反映办案质量，越高越好"),
    ("case_score", "5", "higher", "案卷评查平均分，反映案卷制作质量，越高越好"),
    ("training_hours", "5", "higher", "执法人员参加培训的学时，反映能力建设，越多越好"),
    ("accidents", "5", "lower", "生产安全事故起数，越少越好"),
    ("deaths", "5", "lower", "生产安全事故死亡人数，越少越好"),
)


def seed(apps, schema_editor):
    RankingWeights = apps.get_model("bulletins", "RankingWeights")
    RankingWeight = apps.get_model("bulletins", "RankingWeight")
    weights = RankingWeights.objects.create(
        name=NAME,
        effective_from=date(2020, 1, 1),
        source="示例值：正式使用前应按本区执法工作考核办法调整",
        example_values=True,
        note="各指标在各板块间按最小—最大值归一化后加权求和，满分 100（见 docs/bulletin.md）。",
    )
    RankingWeight.objects.bulk_create(
        RankingWeight(weights=weights, indicator=code, weight=Decimal(w), direction=d, description=text)
        for code, w, d, text in ITEMS
    )


def unseed(apps, schema_editor):
    RankingWeights = apps.get_model("bulletins", "RankingWeights")
    RankingWeight = apps.get_model("bulletins", "RankingWeight")
    RankingWeight.objects.filter(weights__name=NAME, weights__effective_from=date(2020, 1, 1)).delete()
    RankingWeights.objects.filter(name=NAME, effective_from=date(2020, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

"""Seed an EXAMPLE version of the planning figures (检查频次与上限示例, version 示例-2026).

No national table fixes these (REFERENCE §5); the values below are demo values, not a legal text. An
administrator edits them, or adds a version with a later effective date, under “检查频次与上限”.

Frequencies (inspections per year, at least one: every enterprise is in the annual plan):
    A 4, B 2, C 1, D 1
Caps per enterprise per year (应急〔2025〕11号, as applied by a Jiangsu town; complaints, referrals and
alarms are not capped; county and town inspections count together):
    high-risk sectors (危险化学品, 烟花爆竹, 金属非金属矿山)  一级 2, 二级 4, 三级 8, 未定级 12
    other sectors (工贸, 商贸, 其他)                            一级 1, 二级 2, 三级 4, 未定级 6
Capacity and draw figures: 2 enterprises per team-day, 50% of officers' working time on planned
inspections, paired officers count 50% toward their board, random share ≥ 70% (local rule of one
district), monthly caps 16 (officer) and 8 (expert), daily caps 2 and 2, 30 days' minimum gap, experts
rotate too.

Reversible: the reverse removes this version, and refuses while a plan still refers to it.
"""

import datetime

from django.db import migrations
from django.db.models import ProtectedError

VERSION = "示例-2026"

RULESET = {
    "version": VERSION,
    "name": "检查频次与上限示例",
    "effective_from": datetime.date(2026, 1, 1),
    "is_example": True,
    "source": (
        "示例值（演示用，非正式文件）：年度上限参照应急〔2025〕11号（江苏某镇执行口径）；"
        "双随机比例不低于 70% 为某区做法；频次与产能参数为示例"
    ),
    "note": (
        "本版本为演示用示例值，不是任何机关发布的正式标准。启用前请按本地正式文件修改，"
        "并记录文件名称与文号（安全生产法第62条：年度监督检查计划以分类分级为基础）。"
    ),
    "inspections_per_team_day": "2",
    "inspection_time_share": "0.5",
    "paired_share": "0.5",
    "random_share": "0.7",
    "officer_monthly_cap": 16,
    "expert_monthly_cap": 8,
    "officer_daily_cap": 2,
    "expert_daily_cap": 2,
    "min_gap_days": 30,
    "rotate_expert": True,
    "draw_posts": [],
}

FREQUENCIES = {"A": 4, "B": 2, "C": 1, "D": 1}
HIGH_RISK = ("hazardous_chemicals", "fireworks", "mining")
OTHER = ("industry_trade", "commerce", "other")
CAPS = {"1": (2, 1), "2": (4, 2), "3": (8, 4), "unrated": (12, 6)}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("planning", "FrequencyRuleSet")
    FrequencyRule = apps.get_model("planning", "FrequencyRule")
    InspectionCap = apps.get_model("planning", "InspectionCap")
    ruleset, created = RuleSet.objects.get_or_create(version=VERSION, defaults=RULESET)
    if not created:
        return  # an administrator already has this version: leave it as edited
    FrequencyRule.objects.bulk_create(
        [
            FrequencyRule(ruleset=ruleset, enforcement_class=c, per_year=n, note="示例值")
            for c, n in FREQUENCIES.items()
        ]
    )
    rows = []
    for grade, (high, other) in CAPS.items():
        rows += [
            InspectionCap(ruleset=ruleset, sector=s, standardization_grade=grade, max_per_year=high, note="高危行业（示例）")
            for s in HIGH_RISK
        ]
        rows += [
            InspectionCap(ruleset=ruleset, sector=s, standardization_grade=grade, max_per_year=other, note="非高危行业（示例）")
            for s in OTHER
        ]
    InspectionCap.objects.bulk_create(rows)


def unseed(apps, schema_editor):
    RuleSet = apps.get_model("planning", "FrequencyRuleSet")
    AnnualPlan = apps.get_model("planning", "AnnualPlan")
    ruleset = RuleSet.objects.filter(version=VERSION).first()
    if ruleset is None:
        return
    if AnnualPlan.objects.filter(ruleset=ruleset).exists():
        raise ProtectedError("年度计划仍引用示例版本，不能移除", set())
    ruleset.caps_rules.all().delete()
    ruleset.frequency_rules.all().delete()
    ruleset.delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

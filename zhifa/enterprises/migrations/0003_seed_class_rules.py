"""Seed an EXAMPLE classification rule (分类分级示例规则, version 示例-2026).

No national A/B/C/D table exists (REFERENCE §5): each region sets its own from industry, major hazard
sources, 标准化 grade, scale, credit and accident history. The values below are demo values, not a
legal text; an administrator edits them, or adds a new version with a later effective date, under
“分类规则”. The rules are tried in priority order and the first that matches gives the class; an
empty condition matches anything, and every non-empty condition of a rule must match.

    prio  class  condition
    10    A      危险化学品 with a major hazard source (any level 一–四级)
    20    A      any sector with a 一级 or 二级 major hazard source
    30    B      other 危险化学品 enterprises
    40    B      烟花爆竹
    50    B      金属非金属矿山
    60    B      工贸 with a 三级 or 四级 major hazard source
    70    B      工贸 冶金/有色 (GB/T 4754 31, 32) with 标准化 三级 or 未定级
    80    C      工贸 large or medium enterprises
    90    C      工贸 建材/机械 (30, 33–40, 43), small or larger, with 标准化 三级 or 未定级
    —     D      everything else (the rule set's default class)

Priorities are spaced by ten so that a rule can be inserted between two without renumbering.

Reversible: the reverse removes this version and its rules, and refuses while enterprises or their
classification history still refer to it (reclassify them under another version first).
"""

import datetime

from django.db import migrations
from django.db.models import ProtectedError

VERSION = "示例-2026"

RULESET = {
    "version": VERSION,
    "name": "分类分级示例规则",
    "effective_from": datetime.date(2026, 1, 1),
    "default_class": "D",
    "source": (
        "示例值（演示用，非正式文件）：参照各地分类分级执法做法拟定，"
        "可由管理员在“分类规则”中修改或另立新版本"
    ),
    "note": (
        "本规则为演示用示例值，不是任何机关发布的正式标准。全国未统一 A/B/C/D 分类标准，"
        "各地依据行业领域、重大危险源、安全生产标准化等级、企业规模、信用和事故情况自行确定"
        "（安全生产法第62条要求年度监督检查计划以分类分级为基础）。"
        "规则按优先级从小到大匹配，命中第一条即定类；未命中任何规则取默认类别 D。"
        "启用前请按本地正式文件修改，并记录文件名称与文号。"
    ),
}

MACHINERY_BUILDING = ["30", "33", "34", "35", "36", "37", "38", "39", "40", "43"]

RULES = [
    (10, "A", {"sectors": ["hazardous_chemicals"], "major_hazard_levels": ["1", "2", "3", "4"]},
     "危险化学品企业构成重大危险源"),
    (20, "A", {"major_hazard_levels": ["1", "2"]}, "构成一级、二级重大危险源（任何行业领域）"),
    (30, "B", {"sectors": ["hazardous_chemicals"]}, "其他危险化学品生产、经营、储存企业"),
    (40, "B", {"sectors": ["fireworks"]}, "烟花爆竹生产经营企业"),
    (50, "B", {"sectors": ["mining"]}, "金属非金属矿山"),
    (60, "B", {"sectors": ["industry_trade"], "major_hazard_levels": ["3", "4"]},
     "工贸企业构成三级、四级重大危险源"),
    (70, "B", {"sectors": ["industry_trade"], "industry_prefixes": ["31", "32"],
               "standardization_grades": ["3", "unrated"]}, "冶金、有色企业，标准化三级或未定级"),
    (80, "C", {"sectors": ["industry_trade"], "scales": ["large", "medium"]}, "大中型工贸企业"),
    (90, "C", {"sectors": ["industry_trade"], "industry_prefixes": MACHINERY_BUILDING,
               "scales": ["large", "medium", "small"], "standardization_grades": ["3", "unrated"]},
     "建材、机械行业小型及以上企业，标准化三级或未定级"),
]


def seed(apps, schema_editor):
    ClassRuleSet = apps.get_model("enterprises", "ClassRuleSet")
    ClassRule = apps.get_model("enterprises", "ClassRule")
    ruleset, created = ClassRuleSet.objects.get_or_create(version=VERSION, defaults=RULESET)
    if not created:
        return  # an administrator already has this version: leave it as edited
    ClassRule.objects.bulk_create(
        [
            ClassRule(
                ruleset=ruleset,
                priority=priority,
                enforcement_class=klass,
                sectors=conditions.get("sectors", []),
                major_hazard_levels=conditions.get("major_hazard_levels", []),
                standardization_grades=conditions.get("standardization_grades", []),
                scales=conditions.get("scales", []),
                industry_prefixes=conditions.get("industry_prefixes", []),
                description=description,
            )
            for priority, klass, conditions, description in RULES
        ]
    )


def unseed(apps, schema_editor):
    ClassRuleSet = apps.get_model("enterprises", "ClassRuleSet")
    try:
        ClassRuleSet.objects.filter(version=VERSION).delete()
    except ProtectedError as exc:
        raise RuntimeError(
            f"分类规则“{VERSION}”仍被企业或分类记录引用，不能回退；请先按其他规则版本重新分类。"
        ) from exc


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_load_industries")]
    operations = [migrations.RunPython(seed, unseed)]

"""Seed the seven professional groups (专业组) of the expert pool.

The groups follow the mapping of 工贸 industries to GB/T 4754-2017 divisions in 应急厅〔2019〕17号
(REFERENCE §5a) and the seed article's "155 experts in 7 professional groups"; why these seven suit a
manufacturing district is written up in docs/expert-groups.md.

建材 is division 30 less 305 (玻璃制品) and 3073–3079 (特种、日用、陈设艺术、园艺及其他陶瓷), which
17号 counts as 轻工; those prefixes therefore sit in 轻工烟草. Groups are reference data an administrator may
edit (name, prefixes, topics); this migration only supplies the starting set.

Reversible: the reverse removes the seven groups by code, but refuses while experts still belong to
them (removing a group would silently drop their memberships).
"""

from django.db import migrations

SOURCE = "分组依据：应急厅〔2019〕17号 工贸行业与 GB/T 4754-2017 大类的对应关系（见 docs/expert-groups.md）。"

GROUPS = [
    {
        "code": "chem",
        "name": "化工医药",
        "industry_prefixes": ["25", "26", "27", "28"],
        "topics": "危险化学品、重点监管危险化工工艺、重大危险源",
        "description": "石油煤炭加工、化学原料和化学制品、医药、化学纤维制造（GB/T 4754 大类 25–28）。",
    },
    {
        "code": "metal",
        "name": "冶金有色",
        "industry_prefixes": ["31", "32"],
        "topics": "高温熔融金属、煤气、冶金起重",
        "description": "黑色金属（31）与有色金属（32）冶炼和压延加工；对应 17号 冶金、有色两类，"
        "以及部令第10号第4、5条的重大事故隐患判定。",
    },
    {
        "code": "building",
        "name": "建材",
        "industry_prefixes": ["301", "302", "303", "304", "306", "3071", "3072", "308", "309"],
        "topics": "水泥窑、玻璃熔窑、粉磨与输送",
        "description": "非金属矿物制品业（30），按 17号 扣除玻璃制品（305）和 3073–3079 陶瓷制品（归轻工）。",
    },
    {
        "code": "machinery",
        "name": "机械电子",
        "industry_prefixes": ["33", "34", "35", "36", "37", "38", "39", "40", "43"],
        "topics": "冲压剪切、涂装、热处理、铸造、锂电池",
        "description": "金属制品、通用与专用设备、汽车、运输设备、电气机械、电子、仪器仪表及修理"
        "（33–40、43），即 17号 的机械行业，本区企业数量最多。",
    },
    {
        "code": "light",
        "name": "轻工烟草",
        "industry_prefixes": [
            "13", "14", "15", "16", "19", "20", "21", "22", "23", "24", "29", "41", "42",
            "305", "3073", "3074", "3075", "3076", "3079",
        ],
        "topics": "食品加工、木材家具、造纸印刷、橡胶塑料",
        "description": "农副食品、食品、饮料、烟草、皮革、木材、家具、造纸、印刷、文教用品、橡胶塑料、"
        "其他制造与废弃资源利用，以及 17号 划入轻工的玻璃制品和陶瓷制品。",
    },
    {
        "code": "textile",
        "name": "纺织服装",
        "industry_prefixes": ["17", "18"],
        "topics": "纺织粉尘、印染、定型机",
        "description": "纺织业（17）与纺织服装、服饰业（18）。",
    },
    {
        "code": "special",
        "name": "专项与公用",
        "industry_prefixes": ["44", "45", "46", "51", "52", "59"],
        "topics": "粉尘涉爆、液氨制冷、有限空间、特种设备、消防、燃气、商贸仓储",
        "description": "跨行业的专项领域（部令第10号第11–14条：粉尘涉爆、液氨制冷、有限空间及监测报警设施），"
        "特种设备（GB 45067-2024）、消防（GB 35181-2025）、燃气；以及电力热力燃气水（44–46）、"
        "批发零售（51–52）、仓储（59）等商贸与公用企业。",
    },
]


def seed(apps, schema_editor):
    ExpertGroup = apps.get_model("experts", "ExpertGroup")
    for order, group in enumerate(GROUPS, start=1):
        values = dict(group, sort_order=order * 10, description=f"{group['description']}\n{SOURCE}")
        ExpertGroup.objects.update_or_create(code=group["code"], defaults=values)


def unseed(apps, schema_editor):
    ExpertGroup = apps.get_model("experts", "ExpertGroup")
    groups = ExpertGroup.objects.filter(code__in=[g["code"] for g in GROUPS])
    in_use = [g.name for g in groups if g.experts.exists()]
    if in_use:
        raise RuntimeError(f"专业组仍有专家，不能回退：{'、'.join(in_use)}。请先调整专家的专业组。")
    groups.delete()


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

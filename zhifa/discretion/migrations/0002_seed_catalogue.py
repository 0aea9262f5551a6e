"""Seed an EXAMPLE benchmark: 武进区安全生产行政处罚裁量基准（示例）, in force from 2026-02-01.

The statutory ranges and article texts (short form) are those of 《中华人民共和国安全生产法》(2021年修正)
arts. 94–109 (REFERENCE §6). The tiers are EXAMPLE values computed by the tier rule commonly used after
国办发〔2022〕27号 (uncertain; REFERENCE §6), with the statutory range [min, max] and span = max − min:
    从轻 min … min + 30% span;  一般 30% … 60%;  从重 60% … max   (amounts rounded to 100 元)
so with only a maximum 从轻 ≤ 30% and 从重 > 60% of it, and with both 从轻 lies below the midpoint and
从重 above it. 减轻 (only where the law sets a minimum): half the minimum up to the minimum.
不予处罚 (行政处罚法 art. 33) is listed for the violations a first, minor offence corrected in time can be.
Entries follow 应急〔2024〕90号: 违法行为 / 法律规定 / 处罚依据 / 裁量阶次 / 适用条件 / 具体标准.

Reversible: the reverse removes this version (refused while a record still refers to it).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

NAME = "武进区安全生产行政处罚裁量基准（示例）"
EFFECTIVE = datetime.date(2026, 2, 1)
LAW = "《安全生产法》"

NOTE = (
    "示例版本（演示用，非正式文件）。法定幅度取自《中华人民共和国安全生产法》（2021年修正）第九十四条至第一百零九条；"
    "裁量阶次按国办发〔2022〕27号后常用的划分规则计算（该规则出处未核实）：只有上限的，从轻不超过上限的30%，"
    "一般为30%至60%，从重高于60%；有上下限的，从轻在幅度中点以下，从重在中点以上；减轻处罚在法定最低罚款的一半至最低罚款之间。"
    "条目格式参照应急〔2024〕90号《应急管理行政处罚裁量权基准》。启用前请按本地正式发布的裁量基准修改阶次并注明文号。"
)

OTHER_97 = (
    "责令限期改正；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款，"
    "对其直接负责的主管人员和其他直接责任人员处二万元以上五万元以下的罚款"
)
OTHER_99 = (
    "责令限期改正；逾期未改正的，处五万元以上二十万元以下的罚款，对其直接负责的主管人员和其他直接责任人员"
    "处一万元以上二万元以下的罚款；情节严重的，责令停产停业整顿；构成犯罪的，依法追究刑事责任"
)
OTHER_101 = (
    "责令限期改正；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款，"
    "对其直接负责的主管人员和其他直接责任人员处二万元以上五万元以下的罚款；构成犯罪的，依法追究刑事责任"
)

U, P = "unit", "person"

# code, 违法行为, 违法条款, 处罚依据, party, min, max, other penalties, 不予处罚 listed, 减轻 listed
TYPES = [
    ("94-1", "生产经营单位的主要负责人未履行本法规定的安全生产管理职责", "第二十一条", "第九十四条第一款", P, 20000, 50000,
     "责令限期改正；逾期未改正的，处五万元以上十万元以下的罚款，责令生产经营单位停产停业整顿；导致发生生产安全事故的，给予撤职处分", False, True),
    ("94-2", "生产经营单位的主要负责人未履行安全生产管理职责，经责令限期改正逾期未改正", "第二十一条", "第九十四条第一款", P, 50000, 100000,
     "责令生产经营单位停产停业整顿", False, True),
    ("96", "生产经营单位的其他负责人和安全生产管理人员未履行本法规定的安全生产管理职责", "第二十五条", "第九十六条", P, 10000, 30000,
     "责令限期改正；导致发生生产安全事故的，暂停或者吊销其与安全生产有关的资格，并处上一年年收入百分之二十以上百分之五十以下的罚款", False, True),
    ("97-1", "未按照规定设置安全生产管理机构或者配备安全生产管理人员、注册安全工程师", "第二十四条", "第九十七条第（一）项", U, 0, 100000, OTHER_97, True, False),
    ("97-2", "危险物品的生产、经营、储存、装卸单位以及矿山、金属冶炼、建筑施工、运输单位的主要负责人和安全生产管理人员未按照规定经考核合格",
     "第二十七条第二款", "第九十七条第（二）项", U, 0, 100000, OTHER_97, True, False),
    ("97-3", "未按照规定对从业人员、被派遣劳动者、实习学生进行安全生产教育和培训，或者未按照规定如实告知有关的安全生产事项",
     "第二十八条", "第九十七条第（三）项", U, 0, 100000, OTHER_97, True, False),
    ("97-4", "未如实记录安全生产教育和培训情况", "第二十八条第四款", "第九十七条第（四）项", U, 0, 100000, OTHER_97, True, False),
    ("97-5", "未将事故隐患排查治理情况如实记录或者未向从业人员通报", "第四十一条第二款", "第九十七条第（五）项", U, 0, 100000, OTHER_97, True, False),
    ("97-6", "未按照规定制定生产安全事故应急救援预案或者未定期组织演练", "第八十一条", "第九十七条第（六）项", U, 0, 100000, OTHER_97, True, False),
    ("97-7", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业", "第三十条第一款", "第九十七条第（七）项", U, 0, 100000, OTHER_97, True, False),
    ("97-8", "有第九十七条所列行为之一，经责令限期改正逾期未改正", "第二十四条、第二十七条、第二十八条、第三十条、第四十一条、第八十一条",
     "第九十七条", U, 100000, 200000, "责令停产停业整顿", False, True),
    ("97-9", "有第九十七条所列行为之一逾期未改正的，直接负责的主管人员和其他直接责任人员", "第二十四条、第二十七条、第二十八条、第三十条、第四十一条、第八十一条",
     "第九十七条", P, 20000, 50000, "", False, True),
    ("99-1", "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志", "第三十五条", "第九十九条第（一）项", U, 0, 50000, OTHER_99, True, False),
    ("99-2", "安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准", "第三十六条第一款", "第九十九条第（二）项", U, 0, 50000, OTHER_99, True, False),
    ("99-3", "未对安全设备进行经常性维护、保养和定期检测", "第三十六条第二款", "第九十九条第（三）项", U, 0, 50000, OTHER_99, True, False),
    ("99-4", "关闭、破坏直接关系生产安全的监控、报警、防护、救生设备、设施，或者篡改、隐瞒、销毁其相关数据、信息",
     "第三十六条第三款", "第九十九条第（四）项", U, 0, 50000, OTHER_99, False, False),
    ("99-5", "未为从业人员提供符合国家标准或者行业标准的劳动防护用品", "第四十五条", "第九十九条第（五）项", U, 0, 50000, OTHER_99, True, False),
    ("99-7", "使用应当淘汰的危及生产安全的工艺、设备", "第三十八条", "第九十九条第（七）项", U, 0, 50000, OTHER_99, False, False),
    ("99-8", "餐饮等行业的生产经营单位使用燃气未安装可燃气体报警装置", "第三十六条第四款", "第九十九条第（八）项", U, 0, 50000, OTHER_99, True, False),
    ("101-1", "生产、经营、运输、储存、使用危险物品或者处置废弃危险物品，未建立专门安全管理制度、未采取可靠的安全措施",
     "第三十九条第二款", "第一百零一条第（一）项", U, 0, 100000, OTHER_101, False, False),
    ("101-2", "对重大危险源未登记建档，未进行定期检测、评估、监控，未制定应急预案，或者未告知应急措施",
     "第四十条第一款", "第一百零一条第（二）项", U, 0, 100000, OTHER_101, False, False),
    ("101-3", "进行爆破、吊装、动火、临时用电以及国务院应急管理部门会同国务院有关部门规定的其他危险作业，未安排专门人员进行现场安全管理",
     "第四十三条", "第一百零一条第（三）项", U, 0, 100000, OTHER_101, False, False),
    ("101-4", "未建立安全风险分级管控制度或者未按照安全风险分级采取相应管控措施", "第四十一条第一款", "第一百零一条第（四）项", U, 0, 100000, OTHER_101, True, False),
    ("101-5", "未建立事故隐患排查治理制度，或者重大事故隐患排查治理情况未按照规定报告", "第四十一条第二款", "第一百零一条第（五）项", U, 0, 100000, OTHER_101, True, False),
    ("101-6", "有第一百零一条所列行为之一逾期未改正的，直接负责的主管人员和其他直接责任人员", "第三十九条、第四十条、第四十一条、第四十三条",
     "第一百零一条", P, 20000, 50000, "", False, True),
    ("102-1", "未采取措施消除事故隐患", "第四十一条第二款", "第一百零二条", U, 0, 50000,
     "责令立即消除或者限期消除；拒不执行的，责令停产停业整顿，对其直接负责的主管人员和其他直接责任人员处五万元以上十万元以下的罚款", True, False),
    ("102-2", "生产经营单位拒不执行消除事故隐患的责令，直接负责的主管人员和其他直接责任人员", "第四十一条第二款", "第一百零二条", P, 50000, 100000,
     "责令生产经营单位停产停业整顿；构成犯罪的，依法追究刑事责任", False, True),
    ("104", "两个以上生产经营单位在同一作业区域内进行可能危及对方安全生产的生产经营活动，未签订安全生产管理协议或者未指定专职安全生产管理人员进行安全检查与协调",
     "第四十八条", "第一百零四条", U, 0, 50000, "责令限期改正；对其直接负责的主管人员和其他直接责任人员处一万元以下的罚款；逾期未改正的，责令停产停业", True, False),
    ("105-2", "生产经营场所和员工宿舍未设有符合紧急疏散需要、标志明显、保持畅通的出口、疏散通道，或者占用、锁闭、封堵生产经营场所或者员工宿舍出口、疏散通道",
     "第四十二条第二款", "第一百零五条第（二）项", U, 0, 50000,
     "责令限期改正；对其直接负责的主管人员和其他直接责任人员处一万元以下的罚款；逾期未改正的，责令停产停业整顿", False, False),
    ("108-1", "拒绝、阻碍负有安全生产监督管理职责的部门依法实施监督检查，经责令改正拒不改正", "第六十六条", "第一百零八条", U, 20000, 200000,
     "对其直接负责的主管人员和其他直接责任人员处一万元以上二万元以下的罚款；构成犯罪的，依法追究刑事责任", False, True),
    ("108-2", "拒绝、阻碍监督检查拒不改正的，直接负责的主管人员和其他直接责任人员", "第六十六条", "第一百零八条", P, 10000, 20000, "", False, True),
    ("109-1", "高危行业、领域的生产经营单位未按照国家规定投保安全生产责任保险", "第五十一条第二款", "第一百零九条", U, 50000, 100000,
     "责令限期改正；逾期未改正的，处十万元以上二十万元以下的罚款", True, True),
    ("109-2", "未按照国家规定投保安全生产责任保险，经责令限期改正逾期未改正", "第五十一条第二款", "第一百零九条", U, 100000, 200000, "", False, True),
]

#: Local examples of what a tier looks like for a violation counted in items (REFERENCE §6 cites
#: Shanxi 2021 for art. 99(1) by the number of missing signs); added to the generic conditions.
EXAMPLES = {
    "99-1": {"lenient": "如：1 处未设置", "ordinary": "如：2 至 4 处未设置", "severe": "如：5 处以上未设置"},
    "97-3": {
        "lenient": "如：未培训或者未告知的从业人员 1 至 2 人",
        "ordinary": "如：3 至 9 人",
        "severe": "如：10 人以上，或者涉及特种作业、危险作业岗位",
    },
}

NO_PENALTY = "初次违法且危害后果轻微，并在责令改正期限内改正；或者违法行为轻微并及时改正，没有造成危害后果（行政处罚法第三十三条第一款）"
MITIGATED = (
    "具有行政处罚法第三十二条规定的法定从轻、减轻情节（主动消除或者减轻违法行为危害后果；受他人胁迫或者诱骗；"
    "主动供述行政机关尚未掌握的违法行为；配合查处有立功表现），且无从重情节：在法定最低罚款以下处罚"
)
LENIENT = "从轻情节多于从重情节，或者具有法定从轻、减轻情节但同时有从重情节"
ORDINARY = "无从轻、从重情节，或者从轻与从重情节相当"
SEVERE = "从重情节多于从轻情节，如拒不改正、一年内多次违法、造成危害后果、妨碍执法"
SHAPE = {
    "max_only": {
        "lenient": "（罚款不超过法定上限的 30%）",
        "ordinary": "（罚款为法定上限的 30% 至 60%）",
        "severe": "（罚款高于法定上限的 60%）",
    },
    "range": {
        "lenient": "（法定幅度中点以下的较低部分）",
        "ordinary": "（法定幅度的中段）",
        "severe": "（法定幅度中点以上的较高部分）",
    },
}

FACTORS = [
    # code, kind, text, legal basis, statutory
    ("refuse_correct", "aggravating", "经责令改正拒不改正或者整改不到位（拒不改正）", "从重处罚情形（示例，参照应急管理部令第12号）", False),
    ("repeat", "aggravating", "一年内因同一种违法行为受到两次以上行政处罚（多次违法）", "从重处罚情形（示例，参照应急管理部令第12号）", False),
    ("consequences", "aggravating", "违法行为造成危害后果或者引发险情（造成后果）", "从重处罚情形（示例，参照应急管理部令第12号）", False),
    ("obstruct", "aggravating", "妨碍、阻挠执法人员调查处理，或者隐匿、伪造、销毁证据（妨碍执法）", "从重处罚情形（示例，参照应急管理部令第12号）", False),
    ("eliminate_harm", "mitigating", "主动消除或者减轻违法行为危害后果", "《中华人民共和国行政处罚法》第三十二条第（一）项", True),
    ("coerced", "mitigating", "受他人胁迫或者诱骗实施违法行为", "《中华人民共和国行政处罚法》第三十二条第（二）项", True),
    ("confess", "mitigating", "主动供述行政机关尚未掌握的违法行为", "《中华人民共和国行政处罚法》第三十二条第（三）项", True),
    ("meritorious", "mitigating", "配合行政机关查处违法行为有立功表现", "《中华人民共和国行政处罚法》第三十二条第（四）项", True),
    ("first_minor_corrected", "mitigating", "初次违法且危害后果轻微并及时改正", "《中华人民共和国行政处罚法》第三十三条第一款", False),
    ("cooperate", "mitigating", "积极配合调查，如实陈述违法事实并主动提供证据", "酌定从轻情节（示例）", False),
]

RANK = {"no_penalty": 0, "mitigated": 1, "lenient": 2, "ordinary": 3, "severe": 4}


def hundred(value):
    return (Decimal(value) / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 100


def tiers_for(code, low, high, no_penalty, mitigated):
    low, high = Decimal(low), Decimal(high)
    span = high - low
    cut_1, cut_2 = hundred(low + span * Decimal("0.3")), hundred(low + span * Decimal("0.6"))
    shape = SHAPE["range" if low else "max_only"]
    examples = EXAMPLES.get(code, {})

    def conditions(level, text):
        extra = shape.get(level, "")
        example = examples.get(level)
        return f"{text}{extra}" + (f"。{example}" if example else "")

    rows = []
    if no_penalty:
        rows.append(("no_penalty", NO_PENALTY, Decimal(0), Decimal(0)))
    if mitigated and low > 0:
        rows.append(("mitigated", MITIGATED, hundred(low / 2), low))
    rows.append(("lenient", conditions("lenient", LENIENT), low, cut_1))
    rows.append(("ordinary", conditions("ordinary", ORDINARY), cut_1, cut_2))
    rows.append(("severe", conditions("severe", SEVERE), cut_2, high))
    return rows


def seed(apps, schema_editor):
    Catalogue = apps.get_model("discretion", "Catalogue")
    ViolationType = apps.get_model("discretion", "ViolationType")
    Tier = apps.get_model("discretion", "Tier")
    Factor = apps.get_model("discretion", "Factor")
    if Catalogue.objects.filter(name=NAME, effective_from=EFFECTIVE).exists():
        return  # an administrator already has it: leave it as it is
    catalogue = Catalogue.objects.create(
        name=NAME,
        effective_from=EFFECTIVE,
        status="published",
        note=NOTE,
        published_at=datetime.datetime(2026, 1, 20, tzinfo=datetime.UTC),
    )
    tiers = []
    for order, (code, name, violated, penalty, party, low, high, other, no_penalty, mitigated) in enumerate(TYPES, 1):
        vt = ViolationType.objects.create(
            catalogue=catalogue,
            code=code,
            name=name,
            article_violated=LAW + violated,
            penalty_article=LAW + penalty,
            party=party,
            min_fine=Decimal(low),
            max_fine=Decimal(high),
            other_penalties=other,
            example_values=True,
            order=order,
        )
        for level, text, t_low, t_high in tiers_for(code, low, high, no_penalty, mitigated):
            tiers.append(
                Tier(violation_type=vt, level=level, conditions=text, min_fine=t_low, max_fine=t_high, order=RANK[level])
            )
    Tier.objects.bulk_create(tiers)
    Factor.objects.bulk_create(
        [
            Factor(catalogue=catalogue, kind=kind, code=code, text=text, legal_basis=basis, statutory=statutory, order=i)
            for i, (code, kind, text, basis, statutory) in enumerate(FACTORS, 1)
        ]
    )


def unseed(apps, schema_editor):
    Catalogue = apps.get_model("discretion", "Catalogue")
    catalogue = Catalogue.objects.filter(name=NAME, effective_from=EFFECTIVE).first()
    if catalogue is None:
        return
    catalogue.factors.all().delete()
    for vt in catalogue.violation_types.all():
        vt.tiers.all().delete()
        vt.delete()
    catalogue.delete()


class Migration(migrations.Migration):
    dependencies = [("discretion", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

"""Seed an EXAMPLE scoring standard: 行政处罚案卷评查评分标准（示例）, version 1, published.

Jiangsu's case-file standard is DB32/T 4181—2021 《行政执法案卷制作及评查规范》 (in force 2022-01-31); its
point values were NOT found. The shape seeded here is the common one elsewhere: veto items that fail a
file outright, then form items worth 20 points and content items worth 80 (uncertain for Jiangsu). Every
figure is an example value for demonstration (``example_values``); replace them by the standard's own,
or the district's review rules, through a new version before real use.

Reversible: the reverse removes this version (refused while a round still uses it).
"""

from decimal import Decimal

from django.db import migrations

NAME = "行政处罚案卷评查评分标准（示例）"
SOURCE = (
    "示例版本（演示用，非正式文件）。江苏省地方标准 DB32/T 4181—2021《行政执法案卷制作及评查规范》"
    "（2022年1月31日起实施）所列分值未能查到；本版按其他地方常见做法设否决项，并以案卷形式 20 分、"
    "案卷内容 80 分计分（江苏是否相同未经核实）。各项分值均为示例值，正式使用前请按该标准或本地评查办法"
    "另立新版本修改并注明依据。"
)

# (kind, code, title, points, description)
ITEMS = [
    ("veto", "v_authority", "执法主体", "0", "执法主体不合法，或超越法定职权作出处罚的，案卷不合格。"),
    ("veto", "v_qualification", "执法人员资格", "0", "执法人员在调查取证、作出处罚时未持有有效执法证的，案卷不合格。"),
    ("veto", "v_two_officers", "执法人员不足两人", "0", "调查、检查时执法人员少于两人的，案卷不合格（《行政处罚法》第四十二条）。"),
    ("veto", "v_evidence", "证据", "0", "主要证据不足，或证据系以非法手段取得的，案卷不合格。"),
    ("veto", "v_facts", "事实", "0", "认定事实不清、违法事实不能成立的，案卷不合格。"),
    ("veto", "v_law", "法律适用", "0", "适用法律、法规、规章错误，或处罚明显不当的，案卷不合格。"),
    ("veto", "v_procedure", "程序", "0", "违反法定程序（如未告知陈述申辩、听证权利，未经法制审核作出决定）的，案卷不合格。"),
    ("form", "f_cover", "卷皮与目录", "4", "卷皮、卷内目录填写完整、准确，与卷内文书一致。"),
    ("form", "f_order", "文书排列", "4", "卷内文书按办案顺序排列，一案一卷，无缺页、重页。"),
    ("form", "f_writing", "文书制作", "4", "文书格式规范，用语准确，字迹清楚，无涂改或涂改处有确认。"),
    ("form", "f_signatures", "签名、盖章与日期", "4", "执法人员、当事人签名及印章、日期齐全。"),
    ("form", "f_binding", "页码与装订", "4", "页码编写连续，装订整齐，备考表填写完整。"),
    ("content", "c_registration", "立案", "10", "案件来源清楚，立案审批及时、手续完备。"),
    ("content", "c_investigation", "调查取证", "20", "证据收集全面、合法，笔录要素齐全，证据能相互印证。"),
    ("content", "c_facts_law", "事实认定与法律适用", "15", "违法事实表述清楚，引用法律条款准确、具体到条款项。"),
    ("content", "c_discretion", "自由裁量", "10", "按裁量基准确定处罚，偏离基准的理由充分。"),
    ("content", "c_rights", "告知与陈述申辩、听证", "10", "依法告知权利，陈述申辩和听证程序完整，复核意见明确。"),
    ("content", "c_decision", "决定与送达", "10", "处罚决定经审批和法制审核，决定书内容完整，依法送达。"),
    ("content", "c_execution", "执行与结案", "5", "罚款缴纳或强制执行依法办理，结案审批及时，材料齐全。"),
]


def seed(apps, schema_editor):
    Rubric = apps.get_model("reviews", "Rubric")
    RubricItem = apps.get_model("reviews", "RubricItem")
    rubric = Rubric.objects.create(
        name=NAME,
        version=1,
        status="published",
        form_points=Decimal("20"),
        content_points=Decimal("80"),
        pass_mark=Decimal("60"),
        example_values=True,
        source=SOURCE,
    )
    RubricItem.objects.bulk_create(
        RubricItem(
            rubric=rubric,
            kind=kind,
            code=code,
            title=title,
            max_points=Decimal(points),
            description=description,
            order=order,
        )
        for order, (kind, code, title, points, description) in enumerate(ITEMS, start=1)
    )


def unseed(apps, schema_editor):
    Rubric = apps.get_model("reviews", "Rubric")
    RubricItem = apps.get_model("reviews", "RubricItem")
    rubrics = Rubric.objects.filter(name=NAME, version=1)
    RubricItem.objects.filter(rubric__in=rubrics).delete()
    rubrics.delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

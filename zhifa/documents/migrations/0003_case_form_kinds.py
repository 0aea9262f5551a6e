"""The forms of penalty cases, with the abbreviations used in their numbers (local convention).

Both decision forms (单位 / 个人) share the kind ``penalty_decision`` so that they share one sequence:
（武）应急罚〔2026〕N号 is unique across units and persons.
"""

from django.db import migrations

KINDS = [
    ("case_registration", "立案审批表", "立", "case_form.html", True, 100),
    ("inquiry_notice", "询问通知书", "询通", "case_form.html", True, 110),
    ("inquiry_record", "询问笔录", "询", "case_form.html", False, 120),
    ("scene_record", "勘验笔录", "勘", "case_form.html", False, 130),
    ("sampling_record", "抽样取证凭证", "抽", "case_form.html", True, 140),
    ("preservation_notice", "先行登记保存证据通知书", "先保", "case_form.html", True, 150),
    ("preservation_decision", "先行登记保存证据处理决定书", "先处", "case_form.html", True, 160),
    ("investigation_report", "调查报告", "调", "case_form.html", False, 170),
    ("handling_approval", "案件处理呈批表", "呈", "case_form.html", False, 180),
    ("legal_review_opinion", "行政处罚法制审核意见书", "法审", "case_form.html", True, 190),
    ("collective_discussion", "行政处罚集体讨论记录", "讨", "case_form.html", False, 200),
    ("penalty_notice", "行政处罚告知书", "告", "case_form.html", True, 210),
    ("hearing_notice", "听证告知书", "听告", "case_form.html", True, 220),
    ("statement_record", "当事人陈述申辩笔录", "陈", "case_form.html", False, 230),
    ("hearing_record", "听证笔录", "听", "case_form.html", False, 240),
    ("penalty_decision", "行政处罚决定书", "罚", "case_form.html", True, 250),
    ("on_spot_decision", "行政（当场）处罚决定书", "当罚", "case_form.html", True, 260),
    ("no_penalty_decision", "不予行政处罚决定书", "不罚", "case_form.html", True, 270),
    ("payment_demand", "罚款催缴通知书", "催", "case_form.html", True, 280),
    ("instalment_approval", "延期（分期）缴纳罚款批准书", "缓", "case_form.html", True, 290),
    ("enforcement_application", "强制执行申请书", "强执", "case_form.html", True, 300),
    ("case_extension", "案件延期审批表", "延", "case_form.html", False, 310),
    ("case_transfer", "案件移送书", "移", "case_form.html", True, 320),
    ("case_closing", "结案审批表", "结", "case_form.html", False, 330),
]


def seed(apps, schema_editor):
    FormKind = apps.get_model("documents", "FormKind")
    for code, title, abbreviation, template, numbered, order in KINDS:
        FormKind.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "abbreviation": abbreviation,
                "template": template,
                "numbered": numbered,
                "sort_order": order,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("documents", "FormKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_seed_form_kinds")]
    operations = [migrations.RunPython(seed, unseed)]

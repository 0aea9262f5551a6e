"""Seed the statutory periods the workflows read through ``zhifa.core.calendar.rule_due``.

Sources: REFERENCE §3. Periods the law does not fix, or fixes in the 2015 办法 that 应急管理部令第18号
replaces from 2026-02-01, are marked ``local`` (本地规定/可配置) so the system administrator checks them.
"""

from datetime import date

from django.db import migrations

PENALTY_LAW = date(2021, 7, 15)  # 行政处罚法 (2021 revision) in force
BANFA_2015 = date(2015, 5, 1)  # 安全生产违法行为行政处罚办法 (2015 revision, 令77号) in force

RULES = [
    # code, name, source, length, unit, local, note, effective_from
    (
        "registration_after_investigation",
        "调查后补办立案",
        "《安全生产违法行为行政处罚办法》（2015年修订，原国家安全监管总局令第77号）第二十三条",
        5,
        "working",
        True,
        "情况紧急、需要当场或者立即采取措施先行调查取证的，应在调查取证后补办立案手续。"
        "“5日”按行政处罚法第八十五条计工作日；本地规定，可配置。应急管理部令第18号自2026年2月1日施行，请核对后新增版本。",
        BANFA_2015,
    ),
    (
        "decision",
        "作出行政处罚决定",
        "《中华人民共和国行政处罚法》第六十条",
        90,
        "natural",
        False,
        "自行政处罚案件立案之日起九十日内作出行政处罚决定；法律、法规、规章另有规定的从其规定；延长须经批准。",
        PENALTY_LAW,
    ),
    (
        "decision_service",
        "送达行政处罚决定书",
        "《中华人民共和国行政处罚法》第六十一条",
        7,
        "working",
        False,
        "当事人不在场的，应当在七日内依照民事诉讼法的有关规定将行政处罚决定书送达当事人（第八十五条：工作日）。",
        PENALTY_LAW,
    ),
    (
        "hearing_request",
        "申请听证",
        "《中华人民共和国行政处罚法》第六十四条第（一）项",
        5,
        "working",
        False,
        "当事人要求听证的，应当在行政机关告知后五日内提出（第八十五条：工作日）。",
        PENALTY_LAW,
    ),
    (
        "hearing_notice",
        "听证通知",
        "《中华人民共和国行政处罚法》第六十四条第（二）项",
        7,
        "working",
        False,
        "行政机关应当在举行听证的七日前通知当事人及有关人员听证的时间、地点。期限自通知之日起算至听证日，"
        "听证不得早于到期日。第八十五条：本法“七日”指工作日，不含法定节假日。",
        PENALTY_LAW,
    ),
    (
        "payment",
        "缴纳罚款",
        "《中华人民共和国行政处罚法》第六十七条",
        15,
        "natural",
        False,
        "当事人应当自收到行政处罚决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款。"
        "逾期每日按罚款数额的百分之三加处罚款（第七十二条），加处罚款的数额不得超出罚款的数额。",
        PENALTY_LAW,
    ),
    (
        "demand_wait",
        "催告后申请强制执行",
        "《中华人民共和国行政强制法》第五十四条",
        10,
        "natural",
        False,
        "行政机关申请人民法院强制执行前，应当催告当事人履行义务；催告书送达十日后当事人仍未履行义务的，可以申请强制执行。",
        date(2012, 1, 1),
    ),
    (
        "publication",
        "行政处罚信息公开",
        "《中华人民共和国安全生产法》第七十八条",
        7,
        "working",
        False,
        "对生产经营单位作出处罚决定后七个工作日内在监督管理部门公示系统予以公开曝光。",
        date(2021, 9, 1),
    ),
    (
        "preservation_decision",
        "先行登记保存处理决定",
        "《中华人民共和国行政处罚法》第五十六条",
        7,
        "working",
        False,
        "先行登记保存的，应当在七日内及时作出处理决定（第八十五条：工作日）。",
        PENALTY_LAW,
    ),
    (
        "legal_review",
        "法制审核",
        "本地规定（演示值）；《中华人民共和国行政处罚法》第五十八条",
        10,
        "working",
        True,
        "法制审核机构自收到送审材料之日起10个工作日内提出审核意见。本地规定，演示值，可配置。",
        PENALTY_LAW,
    ),
    (
        "statement_defence",
        "陈述申辩",
        "《安全生产违法行为行政处罚办法》（2015年修订）",
        3,
        "working",
        True,
        "当事人收到行政处罚告知书后3日内提出陈述、申辩。期限与条款请按现行规章核对，可配置；"
        "应急管理部令第18号自2026年2月1日施行。",
        BANFA_2015,
    ),
    (
        "review_route",
        "申请行政复议",
        "《中华人民共和国行政复议法》（1999年）第九条",
        60,
        "natural",
        False,
        "自知道该具体行政行为之日起六十日内提出行政复议申请。2024年1月1日起适用修订后的第二十条。",
        date(1999, 10, 1),
    ),
    (
        "review_route",
        "申请行政复议",
        "《中华人民共和国行政复议法》（2023年修订）第二十条",
        60,
        "natural",
        False,
        "自知道或者应当知道该行政行为之日起六十日内提出行政复议申请；法律规定的申请期限超过六十日的除外。",
        date(2024, 1, 1),
    ),
    (
        "litigation_route",
        "提起行政诉讼",
        "《中华人民共和国行政诉讼法》第四十六条",
        6,
        "months",
        False,
        "自知道或者应当知道作出行政行为之日起六个月内提出诉讼（旧文书中的“三个月”已不适用）。",
        date(2015, 5, 1),
    ),
    (
        "accident_report_casualty_update",
        "事故伤亡人数补报",
        "《生产安全事故报告和调查处理条例》第十三条",
        30,
        "natural",
        False,
        "自事故发生之日起30日内，事故造成的伤亡人数发生变化的，应当及时补报"
        "（道路交通事故、火灾事故自发生之日起7日内）。",
        date(2007, 6, 1),
    ),
    (
        "draw_publication",
        "抽查结果公示",
        "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）",
        20,
        "working",
        True,
        "行政执法决定信息在执法决定作出之日起20个工作日内向社会公布；用于“双随机”抽查结果公示为本地要求，可配置。",
        date(2018, 12, 5),
    ),
    (
        "simple_filing",
        "简易程序处罚决定备案",
        "《中华人民共和国行政处罚法》第五十二条；期限为本地规定",
        5,
        "working",
        True,
        "执法人员当场作出的行政处罚决定，应当报所属行政机关备案；法律未规定期限，本地按5个工作日，可配置。",
        PENALTY_LAW,
    ),
]


def seed(apps, schema_editor):
    PeriodRule = apps.get_model("core", "PeriodRule")
    for code, name, source, length, unit, local, note, effective_from in RULES:
        PeriodRule.objects.update_or_create(
            code=code,
            effective_from=effective_from,
            defaults={
                "name": name,
                "source": source,
                "length": length,
                "unit": unit,
                "local": local,
                "note": note,
                "active": True,
            },
        )


def unseed(apps, schema_editor):
    PeriodRule = apps.get_model("core", "PeriodRule")
    for code, *_, effective_from in RULES:
        PeriodRule.objects.filter(code=code, effective_from=effective_from).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar_and_period_rules")]

    operations = [migrations.RunPython(seed, unseed)]

"""The penalty-case forms as courts read them: built from the case, its records and its approvals.

Most tests stub the PDF engine (``quick_render``) and read the stored content; the decision is rendered
for real once and its PDF text read back, as the document tests do.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from zhifa.cases import services
from zhifa.cases.casefile import case_documents
from zhifa.cases.choices import CaseStatus, ReviewItem
from zhifa.cases.documents import BUILDERS, build_content, money, money_capital, rmb_capital
from zhifa.cases.gate import GateClosed
from zhifa.cases.tests.helpers import new_case, partner, proposal_data, walk
from zhifa.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db

AGENCY = "常州市武进区应急管理局"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def quick_render(monkeypatch, data_dir):
    """Skip WeasyPrint except for the kinds a test names in ``real`` (the content is what is checked)."""
    from zhifa.documents import rendering

    real_render = rendering.render
    real: set[str] = set()

    def render(kind, content):
        if kind.code in real:
            return real_render(kind, content)
        return rendering.Rendered(pdf=b"%PDF-1.7 stub", docx=b"stub")

    monkeypatch.setattr(rendering, "render", render)
    return real


def text_of(content: dict) -> str:
    """Every printed string of a content dict, in order, without spaces."""
    parts = [content.get("title", ""), content.get("agency_name", ""), content.get("number", "")]
    for field in content.get("fields", []):
        parts += [field["label"], field["value"]]
    for section in content.get("sections", []):
        parts.append(section.get("heading", ""))
        parts += section.get("paragraphs", [])
        table = section.get("table") or {}
        parts += table.get("columns", [])
        for row in table.get("rows", []):
            parts += row
    parts += content.get("notice", [])
    for signature in content.get("signatures", []):
        parts += [signature["label"], signature["name"], signature["certificate"], signature["date"]]
    parts += [content.get("date", ""), content.get("footer", "")]
    return "".join("".join(str(p).split()) for p in parts)


def documents(case) -> dict[str, IssuedDocument]:
    return {d.kind_id: d for d in case_documents(case)}


def certificate(officer) -> str:
    return officer.certificates.get().number


# --- Money ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "零元整"),
        ("200", "贰佰元整"),
        ("3000", "叁仟元整"),
        ("40000", "肆万元整"),
        ("100000", "壹拾万元整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("1010", "壹仟零壹拾元整"),
        ("105000", "壹拾万伍仟元整"),
        ("10000001", "壹仟万零壹元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("20.50", "贰拾元伍角整"),
        ("1000.05", "壹仟元零伍分"),
        ("0.05", "伍分"),
        ("0.005", "壹分"),
    ],
)
def test_amounts_in_chinese_capitals(amount, expected):
    assert rmb_capital(Decimal(amount)) == expected


def test_amounts_in_figures_carry_thousands_separators():
    assert money(Decimal("1234567.89")) == "1,234,567.89元"
    assert money_capital(Decimal("40000")) == "人民币肆万元整（¥40,000.00）"
    with pytest.raises(ValueError):
        rmb_capital(Decimal("-1"))


# --- Registration ------------------------------------------------------------------------------------------


def test_every_case_form_kind_has_a_builder_and_corrections_find_it(world):
    from importlib import import_module

    from zhifa.documents.services import builder_for

    kinds = {row[0] for row in import_module("zhifa.documents.migrations.0003_case_form_kinds").KINDS}
    assert kinds == set(BUILDERS)
    for kind in kinds:
        assert builder_for(kind) is BUILDERS[kind]
    with pytest.raises(ValueError):
        build_content("no_such_form", None)


def test_the_whole_file_reads_as_the_case_went(world, quick_render):
    quick_render.add("penalty_decision")
    ada = partner(world)
    case = walk(world, new_case(world), until="close")
    docs = documents(case)
    alice_cert, ada_cert = certificate(world.alice.officer), certificate(ada)

    # 立案审批表: cause, source, party, facts, and the three-level approval chain with names and opinions.
    registration = text_of(docs["case_registration"].content)
    for expected in (
        "未按规定对从业人员进行安全生产教育和培训",
        "监督检查发现",
        "常州湖塘精密机械有限公司",
        "王建国",
        "3名新入职员工",
        "承办人意见",
        "建议立案",
        f"艾丽（执法证号：{alice_cert}）",
        f"艾达（执法证号：{ada_cert}）",
        "审核意见",
        "审核意见同意立案审核人：",
        f"艾伯特（执法证号：{certificate(world.albert.officer)}）",
        "审批意见",
        "同意立案调查",
        f"丹（执法证号：{certificate(world.dan.officer)}）",
    ):
        assert expected in registration, expected
    assert registration.index("承办人意见") < registration.index("审核意见") < registration.index("审批意见")
    labels = [s["label"] for s in docs["case_registration"].content["signatures"]]
    assert labels == ["承办人", "承办人", "审核人", "审批人"]

    # 询问笔录: officers with certificates, the certificates shown and the right to withdrawal, Q/A.
    inquiry = text_of(docs["inquiry_record"].content)
    assert alice_cert in inquiry and ada_cert in inquiry
    assert "出示执法证件" in inquiry and "申请执法人员回避" in inquiry
    assert "问：新入职员工是否经过安全生产教育和培训？" in inquiry and "答：还没有来得及培训。" in inquiry
    assert "被询问人（王建国）" in inquiry

    # 调查报告 and 案件处理呈批表: the proposal with its articles and tier; the head's approval.
    report = text_of(docs["investigation_report"].content)
    vt = case.violation_type
    assert vt.article_violated in report and vt.penalty_article in report
    assert case.proposal["level_label"] in report and "肆万元整" in report
    handling = text_of(docs["handling_approval"].content)
    assert "同意，报法制审核" in handling and f"丹（执法证号：{certificate(world.dan.officer)}）" in handling

    # 法制审核意见书: all ten checklist items with their result, the outcome and the reviewer.
    review_doc = docs["legal_review_opinion"]
    review = text_of(review_doc.content)
    for item in ReviewItem:
        assert str(item.label) in review
    assert review.count("符合") >= len(ReviewItem)
    assert "审核结论：同意。" in review and "莉莉" in review and "A20183204120017" in review
    assert "第一轮" in review
    assert "偏离裁量基准" not in review
    table = next(s["table"] for s in review_doc.content["sections"] if s["heading"] == "审核要点")
    assert len(table["rows"]) == 10

    # 行政处罚告知书: facts, articles, penalty, the statement period from the rule; no hearing right at 4万.
    notice = text_of(docs["penalty_notice"].content)
    assert vt.article_violated in notice and vt.penalty_article in notice
    assert "人民币肆万元整（¥40,000.00）" in notice
    assert "三个工作日内向本机关（常州市武进区应急管理局）提出" in notice
    assert "听证" not in notice and "hearing_notice" not in docs

    # 行政处罚决定书: title by party kind, articles, amount, payment, surcharge, remedies, officers.
    decision = docs["penalty_decision"]
    assert decision.title == "行政处罚决定书（单位）" and decision.number == case.decision_number
    body = text_of(decision.content)
    from zhifa.core import storage
    from zhifa.core.testing import today
    from zhifa.documents.tests.conftest import flat, pdf_text

    pdf = flat(pdf_text(storage.read_bytes(decision.pdf_sha256)))
    for text in (body, pdf):
        assert AGENCY in text
        assert "行政处罚决定书（单位）" in text
        assert vt.article_violated in text and vt.penalty_article in text
        assert "肆万元整" in text and "40,000.00" in text
        assert "六十日" in text and "六个月" in text and "三个月" not in text
        assert "武进区人民政府" in text and "有管辖权的人民法院" in text
        assert "十五日" in text and "百分之三" in text and "第七十二条" in text
        assert alice_cert in text and ada_cert in text
        assert "询问笔录" in text
        assert "书面放弃了陈述、申辩的权利" in text
    assert f"{today().year}年{today().month}月{today().day}日" in body

    # 结案审批表: result and execution, then the handlers' opinion and the head's approval.
    closing = text_of(docs["case_closing"].content)
    for expected in (
        case.decision_number,
        "40,000.00元",
        "JS2026-001",
        "承办人意见",
        f"艾丽（执法证号：{alice_cert}）",
        "审批意见",
        "执行完毕，同意结案",
        "丹",
    ):
        assert expected in closing, expected


def test_a_fine_at_the_hearing_threshold_brings_the_hearing_right_and_a_departure_shows_its_reason(
    world, quick_render
):
    case = walk(world, new_case(world), until="record_inquiry")
    reason = "当事人拒不配合调查且违法行为持续时间较长，依法从重处罚"
    case = services.perform(
        case, "set_proposal", world.alice, proposal_data(world, fine=Decimal("80000"), reason=reason)
    )
    case = walk(world, case, until="notify", skip=("record_inquiry", "set_proposal"))
    assert case.status == CaseStatus.NOTIFIED
    docs = documents(case)

    notice = text_of(docs["penalty_notice"].content)
    assert "人民币捌万元整（¥80,000.00）" in notice
    assert "有要求举行听证的权利" in notice and "五个工作日" in notice
    hearing = text_of(docs["hearing_notice"].content)
    assert "五个工作日内" in hearing and "捌万元整" in hearing and docs["penalty_notice"].number in hearing

    review = text_of(docs["legal_review_opinion"].content)
    assert "偏离裁量基准" in review and "不在“一般处罚”阶次" in review and reason in review
    assert reason in text_of(docs["investigation_report"].content)


def test_a_decision_form_is_not_issued_without_an_approved_review_even_by_a_direct_call(world, quick_render):
    from zhifa.documents.services import issue

    case = walk(world, new_case(world), until="approve_handling")
    assert case.status == CaseStatus.LEGAL_REVIEW
    for kind in ("penalty_decision", "no_penalty_decision"):
        with pytest.raises(GateClosed):
            issue(kind, case, case.board, build_content(kind, case), user=world.dan)
    assert not IssuedDocument.objects.filter(kind__in=["penalty_decision", "no_penalty_decision"]).exists()

    case = walk(world, case, until="legal_review")
    document = issue(
        "penalty_decision", case, case.board, build_content("penalty_decision", case), user=world.dan
    )
    assert document.number.startswith("（武）应急罚〔")


def test_a_correction_rebuilds_the_decision_from_the_case(world, quick_render):
    from zhifa.documents.services import correct

    case = walk(world, new_case(world), until="decide")
    decision = documents(case)["penalty_decision"]
    case.party_address = "常州市武进区湖塘镇长虹路99号"
    case.save(update_fields=["party_address"])
    corrected = correct(decision, reason="当事人住所笔误", user=world.alice)
    assert corrected.number == decision.number and corrected.version == 2
    assert "长虹路99号" in text_of(corrected.content)
    assert corrected.title == "行政处罚决定书（单位）"


# --- Execution forms --------------------------------------------------------------------------------------


def test_execution_forms_state_the_schedule_the_surcharge_and_the_court(world, quick_render):
    from datetime import timedelta

    case = walk(world, new_case(world), until="serve")
    today = timezone.localdate()
    schedule = [
        (today + timedelta(days=30), Decimal("15000")),
        (today + timedelta(days=60), Decimal("25000")),
    ]
    case = services.perform(
        case, "approve_instalments", world.dan, {"schedule": schedule, "opinion": "当事人经营困难，同意分期"}
    )
    approval = text_of(documents(case)["instalment_approval"].content)
    assert "分期缴纳" in approval and "壹万伍仟元整" in approval and "贰万伍仟元整" in approval
    assert "15,000.00元" in approval and "当事人经营困难，同意分期" in approval and "第六十六条" in approval

    # Overdue by five days: 3 % × 5 days of 40,000 = 6,000 元 of surcharge.
    case.payment_due_on = today - timedelta(days=5)
    case.save(update_fields=["payment_due_on"])
    demand = text_of(build_content("payment_demand", case))
    assert "6,000.00元" in demand and "陆仟元整" in demand
    assert "十日内" in demand and "申请人民法院强制执行" in demand and case.decision_number in demand

    application = text_of(build_content("enforcement_application", case))
    assert "有管辖权的人民法院：" in application and AGENCY in application
    assert "肆万元整" in application and "第五十四条" in application


def test_extension_and_transfer_forms_print_the_approved_days_and_the_receiving_agency(world, quick_render):
    case = walk(world, new_case(world), until="approve_registration")
    case = services.perform(
        case, "extend", world.dan, {"days": 30, "opinion": "案情复杂，需进一步鉴定，申请延长办案期限"}
    )
    extension = text_of(documents(case)["case_extension"].content)
    assert "30日" in extension and "案情复杂，需进一步鉴定" in extension and "第六十条" in extension
    assert "同意延长办案期限30日" in extension

    case = services.perform(
        case,
        "transfer",
        world.dan,
        {"transferred_to": "常州市公安局武进分局", "opinion": "当事人涉嫌重大责任事故罪，依法移送公安机关"},
    )
    transfer = text_of(documents(case)["case_transfer"].content)
    assert (
        "常州市公安局武进分局：" in transfer and "涉嫌重大责任事故罪" in transfer and "第二十七条" in transfer
    )


# --- Investigation records and preservation -----------------------------------------------------------


def test_records_and_preservation_forms_name_the_people_items_and_the_seven_day_decision(world, quick_render):
    from zhifa.cases.tests.helpers import record_data
    from zhifa.core import calendar

    case = walk(world, new_case(world), until="approve_registration")
    today = timezone.localdate()
    case = services.perform(
        case,
        "record_inquiry_notice",
        world.alice,
        record_data(
            world,
            place="湖塘镇安监办201室",
            person="李明",
            person_title="安全员",
            content="请携带员工培训档案。",
        ),
    )
    case = services.perform(
        case,
        "record_scene",
        world.alice,
        record_data(world, place="生产车间", content="车间内3名员工正在操作冲床。"),
    )
    case = services.perform(
        case,
        "record_sampling",
        world.alice,
        record_data(world, place="仓库", content="培训记录本1册（复印件）"),
    )
    case = services.perform(
        case,
        "preserve_evidence",
        world.dan,
        {"items": "员工花名册 1册\n劳动合同 3份", "place": "湖塘镇安监办证据室", "started_on": today},
    )
    preservation = case.preservations.get()
    case = services.perform(
        case, "decide_preservation", world.alice, {"preservation": preservation, "outcome": "return"}
    )
    docs = documents(case)
    alice_cert = certificate(world.alice.officer)

    notice = text_of(docs["inquiry_notice"].content)
    assert "李明：" in notice and "湖塘镇安监办201室" in notice and "请携带员工培训档案。" in notice
    assert alice_cert in notice and "被通知人（签收）" in notice
    scene = text_of(docs["scene_record"].content)
    assert "车间内3名员工正在操作冲床。" in scene and "回避" in scene and alice_cert in scene
    sampling = text_of(docs["sampling_record"].content)
    assert "培训记录本1册（复印件）" in sampling and "第五十六条" in sampling

    kept = text_of(docs["preservation_notice"].content)
    due = calendar.rule_due("preservation_decision", today).date
    assert "员工花名册1册" in kept and "劳动合同3份" in kept and "湖塘镇安监办证据室" in kept
    assert "经本机关负责人丹批准" in kept and "七个工作日内" in kept
    assert f"{due.year}年{due.month}月{due.day}日前" in kept
    decided = text_of(docs["preservation_decision"].content)
    assert "解除登记保存，退还" in decided and docs["preservation_notice"].number in decided


# --- Hearing ----------------------------------------------------------------------------------------------


def test_a_heard_case_prints_the_hearing_the_statement_and_both_in_the_decision(world, quick_render):
    from datetime import timedelta

    from zhifa.cases.tests.helpers import record_data

    case = walk(world, new_case(world), until="record_inquiry")
    case = services.perform(
        case,
        "set_proposal",
        world.alice,
        proposal_data(world, fine=Decimal("60000"), reason="违法行为持续时间较长，依法处以一般阶次上限"),
    )
    case = walk(world, case, until="notify", skip=("record_inquiry", "set_proposal"))
    today = timezone.localdate()
    case = services.perform(case, "request_hearing", world.alice, {"requested_on": today})
    when = timezone.now() + timedelta(days=10)
    chair = world.bruce.officer
    case = services.perform(
        case,
        "schedule_hearing",
        world.dan,
        {"scheduled_for": when, "place": "区应急管理局听证室", "chair": chair},
    )
    case = services.perform(
        case,
        "record_statement",
        world.alice,
        {
            **record_data(world, content="我公司已于事后组织培训，请求从轻处罚。"),
            "adopted": False,
            "opinion": "事后培训不影响违法事实认定",
        },
    )
    case = services.perform(
        case,
        "record_hearing",
        world.alice,
        {
            "held_on": timezone.localtime(when).date(),
            "record": "问：当事人对违法事实有无异议？答：无异议。",
            "conclusion": "违法事实清楚，维持拟处罚意见",
        },
    )
    docs = documents(case)
    hearing = text_of(docs["hearing_record"].content)
    assert f"布鲁斯（执法证号：{certificate(chair)}）" in hearing and "区应急管理局听证室" in hearing
    assert "答：无异议。" in hearing and "维持拟处罚意见" in hearing and "回避" in hearing
    statement = text_of(docs["statement_record"].content)
    assert "请求从轻处罚" in statement and "理由不成立，不予采纳。" in statement
    assert "事后培训不影响违法事实认定" in statement and docs["penalty_notice"].number in statement

    case = services.perform(case, "decide", world.dan, {"opinion": "同意"})
    decision = text_of(documents(case)["penalty_decision"].content)
    assert "依法举行了听证" in decision and "理由不能成立，不予采纳" in decision
    assert "陆万元整" in decision and "60,000.00" in decision


# --- Other decisions ----------------------------------------------------------------------------------------


def test_a_first_minor_corrected_violation_is_not_penalised_under_article_33(world, quick_render):
    from zhifa.cases.choices import DecisionKind

    case = walk(world, new_case(world), until="record_inquiry")
    data = proposal_data(
        world, kind=DecisionKind.NO_PENALTY, first_offence=True, minor=True, corrected_in_time=True
    )
    case = services.perform(case, "set_proposal", world.alice, data)
    assert case.proposal["level"] == "no_penalty"
    case = walk(world, case, until="legal_review", skip=("record_inquiry", "set_proposal"))
    case = services.perform(case, "decide_no_penalty", world.dan, {"opinion": "同意不予处罚"})
    document = documents(case)["no_penalty_decision"]
    text = text_of(document.content)
    assert document.number == case.decision_number
    assert "《中华人民共和国行政处罚法》第三十三条第一款" in text and "不予行政处罚" in text
    assert "六十日" in text and "六个月" in text and "三个月" not in text
    assert certificate(world.alice.officer) in text and "罚款" not in text


def test_an_on_spot_decision_names_officers_place_penalty_and_the_receipt(world, quick_render):
    from zhifa.cases.choices import Procedure

    case = new_case(world, procedure=Procedure.SIMPLE)
    case = services.perform(
        case,
        "set_proposal",
        world.alice,
        proposal_data(world, fine=Decimal("2000"), reason="简易程序，违法情节轻微，当场处以二千元罚款"),
    )
    case = services.perform(case, "submit_simple_review", world.alice, {"opinion": ""})
    from zhifa.cases.tests.helpers import review_data

    case = services.perform(case, "legal_review", world.lily, review_data())
    case = services.perform(
        case,
        "decide_on_spot",
        world.alice,
        {
            "served_to": "王建国",
            "place": "该公司冲压车间",
            "paid_on_spot": False,
            "receipt_number": "",
        },
    )
    document = documents(case)["on_spot_decision"]
    text = text_of(document.content)
    assert document.title == "行政（当场）处罚决定书（单位）"
    assert "该公司冲压车间" in text and "贰仟元整" in text and "2,000.00" in text
    assert "第五十一条" in text
    assert certificate(world.alice.officer) in text and certificate(partner(world)) in text
    assert "六十日" in text and "六个月" in text and "三个月" not in text

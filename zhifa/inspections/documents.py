"""The forms of field inspections: what each one says, built from the records, and issuing them.

Each ``build_*`` function turns one record into the content dict of ``zhifa.documents.rendering`` (without
number and agency, which ``zhifa.documents.services.issue`` fills in); each ``issue_*`` function issues it.
A correction re-runs the same builder (``zhifa.documents.services.BUILDERS``), so a corrected version
reads the records as they stand after the error was fixed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from zhifa.documents.services import issue
from zhifa.inspections.choices import ExtensionStatus, HazardLevel, ItemResult
from zhifa.orgs.models import Certificate

#: The statutory basis of an order to rectify (安全生产法 2021 art. 65 para. 1 item 3); configurable
#: because local forms cite it in different words.
RECTIFICATION_BASIS = getattr(
    settings,
    "ZHIFA_RECTIFICATION_BASIS",
    "《中华人民共和国安全生产法》第六十五条第一款第（三）项",
)
#: Remedies (行政复议法 2023 art. 20: sixty days; 行政诉讼法 art. 46: six months — never three).
REMEDIES = "如不服本指令，可以依法在六十日内申请行政复议，或者在六个月内依法提起行政诉讼，但本指令不停止执行，法律另有规定的除外。"


# --- Formatting ------------------------------------------------------------------------------------------


def cn_date(value: date | datetime | None) -> str:
    """2026年11月29日 (a datetime is read in local time); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{cn_date(local)}{local.hour}时{local.minute:02d}分"


def cn_period(start: datetime | None, end: datetime | None) -> str:
    """2026年11月29日9时30分至11时05分 (the end's date repeated only when it differs)."""
    if start is None:
        return ""
    if end is None:
        return cn_datetime(start)
    a, b = timezone.localtime(start), timezone.localtime(end)
    tail = f"{b.hour}时{b.minute:02d}分" if a.date() == b.date() else cn_datetime(end)
    return f"{cn_datetime(start)}至{tail}"


def certificates_on(officers, on: date) -> dict[int, str]:
    """officer id → the number of a certificate valid on ``on`` (the longest-running one)."""
    numbers: dict[int, str] = {}
    for cert in (
        Certificate.objects.valid_on(on).filter(officer__in=officers).order_by("officer_id", "-valid_to")
    ):
        numbers.setdefault(cert.officer_id, cert.number)
    return numbers


def officer_signatures(
    officers, on: date, *, label="执法人员", when: str = "", fallback_on: date | None = None
) -> list[dict]:
    """Signature lines with the certificate valid on ``on`` (or, failing that, on ``fallback_on``: an
    order issued after a certificate lapsed still names the one held on the inspection day)."""
    officers = list(officers)
    numbers = certificates_on(officers, on)
    if fallback_on is not None and len(numbers) < len(officers):
        numbers = {**certificates_on(officers, fallback_on), **numbers}
    return [
        {"label": label, "name": o.name, "certificate": numbers.get(o.pk, ""), "date": when} for o in officers
    ]


def officer_line(signatures: list[dict]) -> str:
    return "、".join(
        f"{s['name']}（执法证号：{s['certificate']}）" if s["certificate"] else s["name"] for s in signatures
    )


def party_line(label: str) -> dict:
    """A signature line for the party, signed by hand on paper."""
    return {"label": label, "name": "", "certificate": "", "date": ""}


def user_name(user) -> str:
    if user is None:
        return ""
    officer = getattr(user, "officer", None)
    return officer.name if officer is not None else user.get_full_name()


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _ordinals(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers)


# --- 现场检查记录 ---------------------------------------------------------------------------------------


def build_inspection_record(inspection) -> dict:
    enterprise = inspection.enterprise
    on = inspection.inspection_date or timezone.localdate()
    team = [t.officer for t in inspection.team.select_related("officer").order_by("order", "pk")]
    officers = officer_signatures(team, on, when=cn_date(on))
    person = inspection.onsite_person_name
    if inspection.onsite_person_title:
        person += f"（{inspection.onsite_person_title}）"
    if inspection.onsite_person_phone:
        person += f"  电话：{inspection.onsite_person_phone}"
    fields = [
        {"label": "被检查单位", "value": enterprise.name},
        {"label": "统一社会信用代码", "value": enterprise.uscc},
        {"label": "地址", "value": enterprise.address},
        {"label": "法定代表人", "value": enterprise.legal_representative},
        {"label": "现场负责人", "value": person},
        {"label": "检查场所", "value": inspection.place},
        {"label": "检查时间", "value": cn_period(inspection.started_at, inspection.ended_at)},
        {"label": "检查类型", "value": inspection.get_origin_display()},
        {"label": "执法人员", "value": officer_line(officers)},
    ]
    if inspection.expert_id:
        expert = inspection.expert
        fields.append({"label": "专家", "value": f"{expert.name}（{expert.employer}）"})
    if inspection.recorder_id:
        fields.append({"label": "执法记录仪", "value": inspection.recorder.serial_number})

    findings = _paragraphs(inspection.findings)
    rows = []
    results = inspection.results.filter(result=ItemResult.NON_COMPLIANT).select_related("item")
    for n, result in enumerate(results.order_by("item__order"), start=1):
        rows.append([str(n), result.item.text, result.note, result.item.legal_basis])
    sections: list[dict[str, Any]] = [
        {
            "heading": "检查情况",
            "paragraphs": findings
            or [f"执法人员依据《{inspection.checklist.name}》对该单位进行了现场检查，情况如下。"],
        }
    ]
    if rows:
        sections.append(
            {
                "heading": "不符合项",
                "paragraphs": [],
                "table": {
                    "columns": ["序号", "检查内容", "情况说明", "依据"],
                    "rows": rows,
                    "widths": [8, 34, 30, 28],
                },
            }
        )
    hazards = list(inspection.hazards.order_by("pk"))
    if hazards:
        sections.append(
            {
                "heading": "发现的事故隐患",
                "paragraphs": [],
                "table": {
                    "columns": ["序号", "隐患描述", "等级", "整改期限"],
                    "widths": [8, 52, 16, 24],
                    "rows": [
                        [str(n), h.description, h.get_level_display(), cn_date(h.deadline) or "—"]
                        for n, h in enumerate(hazards, start=1)
                    ],
                },
            }
        )
    if not rows and not hazards:
        sections.append({"heading": "", "paragraphs": ["本次检查未发现不符合项和事故隐患。"]})

    signatures = officers[:]
    if inspection.expert_id:
        signatures.append({"label": "专家", "name": inspection.expert.name, "certificate": "", "date": ""})
    signatures.append(party_line("被检查单位现场负责人"))
    return {
        "fields": fields,
        "sections": sections,
        "notice": [],
        "signatures": signatures,
        "date": cn_date(on),
        "footer": "以上记录经被检查单位现场负责人核对无误。被检查单位现场负责人拒绝签字的，由执法人员在本记录中注明。",
    }


def issue_inspection_record(inspection, *, user):
    return issue(
        "inspection_record", inspection, inspection.board, build_inspection_record(inspection), user=user
    )


# --- 责令限期整改指令书 -----------------------------------------------------------------------------------


def build_rectification_order(order) -> dict:
    inspection = order.inspection
    enterprise = order.enterprise
    issued_on = timezone.localtime(order.issued_at).date()
    items = list(order.items.select_related("hazard", "hazard__item").order_by("hazard_id"))
    rows = []
    by_deadline: dict[date, list[int]] = {}
    for n, entry in enumerate(items, start=1):
        hazard = entry.hazard
        basis = hazard.legal_basis or (hazard.item.legal_basis if hazard.item_id else "")
        rows.append([str(n), hazard.description, hazard.get_level_display(), basis, cn_date(entry.deadline)])
        by_deadline.setdefault(entry.deadline, []).append(n)
    deadlines = [
        f"对上述第{_ordinals(numbers)}项问题于{cn_date(deadline)}前整改完毕"
        for deadline, numbers in sorted(by_deadline.items())
    ]
    paragraphs = [
        f"{enterprise.name}：",
        f"经{cn_date(inspection.inspection_date)}现场检查，发现你单位存在下列问题：",
    ]
    order_text = (
        f"依据{RECTIFICATION_BASIS}的规定，现责令你单位"
        + "；".join(deadlines)
        + "，达到有关法律法规规章和标准规定的要求。整改期间，你单位应当采取措施，确保安全生产。"
    )
    if any(entry.hazard.level == HazardLevel.MAJOR for entry in items):
        order_text += "重大事故隐患排除前或者排除过程中无法保证安全的，应当从危险区域内撤出作业人员，暂时停产停业或者停止使用相关设施、设备。"
    team = [t.officer for t in inspection.team.select_related("officer").order_by("order", "pk")]
    officers = officer_signatures(
        team, issued_on, when=cn_date(issued_on), fallback_on=inspection.inspection_date
    )
    return {
        "fields": [
            {"label": "被检查单位", "value": enterprise.name},
            {"label": "地址", "value": enterprise.address},
            {"label": "法定代表人", "value": enterprise.legal_representative},
            {"label": "检查时间", "value": cn_period(inspection.started_at, inspection.ended_at)},
            {"label": "执法人员", "value": officer_line(officers)},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": paragraphs,
                "table": {
                    "columns": ["序号", "存在的问题", "等级", "依据", "整改期限"],
                    "rows": rows,
                    "widths": [7, 31, 14, 26, 22],
                },
            },
            {"heading": "", "paragraphs": [order_text]},
        ],
        "notice": [REMEDIES],
        "signatures": officers + [party_line("被检查单位负责人（签收）")],
        "date": cn_date(issued_on),
        "footer": "本文书一式两份，一份交被检查单位，一份存档。",
    }


def issue_rectification_order(order, *, user):
    return issue("rectification_order", order, order.board, build_rectification_order(order), user=user)


# --- 整改复查延期申请审批表 -------------------------------------------------------------------------------


def build_extension_approval(extension) -> dict:
    order = extension.order
    original = {i.hazard_id: i.deadline for i in order.items.all()}
    hazards = list(extension.hazards.order_by("pk"))
    decided = extension.status != ExtensionStatus.PENDING
    decided_on = timezone.localtime(extension.decided_at).date() if extension.decided_at else None
    approver = extension.decided_by
    approver_cert = ""
    if approver is not None and getattr(approver, "officer_id", None) and decided_on:
        approver_cert = certificates_on([approver.officer_id], decided_on).get(approver.officer_id, "")
    order_number = order.document.number if order.document_id else ""
    return {
        "fields": [
            {"label": "被检查单位", "value": order.enterprise.name},
            {"label": "原指令文号", "value": order_number},
            {"label": "原指令日期", "value": cn_date(order.issued_at)},
            {"label": "申请延期至", "value": cn_date(extension.requested_deadline)},
            {"label": "申请理由", "value": extension.reason},
            {"label": "申请人", "value": extension.applicant},
            {"label": "申请日期", "value": cn_date(extension.created_at)},
            {
                "label": "审批结果",
                "value": extension.get_status_display() if decided else "",
            },
            {"label": "审批意见", "value": extension.opinion},
            {"label": "审批人", "value": user_name(approver)},
            {"label": "审批日期", "value": cn_date(decided_on)},
        ],
        "sections": [
            {
                "heading": "申请延期的隐患",
                "paragraphs": [],
                "table": {
                    "columns": ["序号", "隐患描述", "原整改期限", "申请延期至"],
                    "widths": [8, 48, 22, 22],
                    "rows": [
                        [
                            str(n),
                            h.description,
                            cn_date(original.get(h.pk)),
                            cn_date(extension.requested_deadline),
                        ]
                        for n, h in enumerate(hazards, start=1)
                    ],
                },
            }
        ],
        "notice": [],
        "signatures": [
            {
                "label": "审批人",
                "name": user_name(approver),
                "certificate": approver_cert,
                "date": cn_date(decided_on),
            }
        ],
        "date": cn_date(decided_on),
    }


def issue_extension_approval(extension, *, user):
    return issue(
        "extension_approval", extension, extension.board, build_extension_approval(extension), user=user
    )


# --- 整改复查意见书 ---------------------------------------------------------------------------------------


def build_reinspection_opinion(review) -> dict:
    order = review.order
    enterprise = order.enterprise
    on = timezone.localtime(review.inspected_at).date() if review.inspected_at else timezone.localdate()
    order_number = order.document.number if order.document_id else ""
    items = list(order.items.select_related("hazard").order_by("hazard_id"))
    officers = officer_signatures(review.officers.order_by("pk"), on, when=cn_date(on))
    outcomes = list(review.outcomes.select_related("hazard").order_by("pk"))
    return {
        "fields": [
            {"label": "被复查单位", "value": enterprise.name},
            {"label": "地址", "value": enterprise.address},
            {"label": "原指令文号", "value": order_number},
            {"label": "原指令日期", "value": cn_date(order.issued_at)},
            {"label": "复查时间", "value": cn_datetime(review.inspected_at)},
            {"label": "复查人员", "value": officer_line(officers)},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{enterprise.name}：",
                    f"本机关于{cn_date(order.issued_at)}作出了{order_number}《责令限期整改指令书》，"
                    f"责令你单位对下列问题限期整改：",
                ],
                "table": {
                    "columns": ["序号", "存在的问题", "整改期限"],
                    "widths": [8, 70, 22],
                    "rows": [
                        [str(n), i.hazard.description, cn_date(i.deadline)]
                        for n, i in enumerate(items, start=1)
                    ],
                },
            },
            {
                "heading": "复查情况",
                "paragraphs": [f"经{cn_date(on)}复查，情况如下："],
                "table": {
                    "columns": ["序号", "隐患描述", "复查结论", "复查情况", "新的整改期限"],
                    "widths": [8, 30, 20, 24, 18],
                    "rows": [
                        [
                            str(n),
                            o.hazard.description,
                            o.get_outcome_display(),
                            o.note,
                            cn_date(o.new_deadline) or "—",
                        ]
                        for n, o in enumerate(outcomes, start=1)
                    ],
                },
            },
            {"heading": "复查意见", "paragraphs": _paragraphs(review.opinion)},
        ],
        "notice": [],
        "signatures": officers + [party_line("被复查单位负责人（签收）")],
        "date": cn_date(on),
        "footer": "本文书一式两份，一份交被复查单位，一份存档。",
    }


def issue_reinspection_opinion(review, *, user):
    return issue("reinspection_opinion", review, review.board, build_reinspection_opinion(review), user=user)


# --- Finding an inspection's documents -----------------------------------------------------------------


def documents_of_inspection(inspection, queryset=None):
    """Every document issued about one inspection: its record, orders, extensions, re-inspection
    opinions, and the receipts of their service (all versions)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from zhifa.documents.models import IssuedDocument, ServiceRecord
    from zhifa.inspections.models import ExtensionRequest, Inspection, RectificationOrder, ReInspection

    queryset = IssuedDocument.objects.all() if queryset is None else queryset
    ct = ContentType.objects.get_for_models(Inspection, RectificationOrder, ExtensionRequest, ReInspection)
    orders = RectificationOrder.objects.filter(inspection=inspection).values("pk")
    subjects = (
        Q(subject_type=ct[Inspection], subject_id=inspection.pk)
        | Q(subject_type=ct[RectificationOrder], subject_id__in=orders)
        | Q(
            subject_type=ct[ExtensionRequest],
            subject_id__in=ExtensionRequest.objects.filter(order__in=orders).values("pk"),
        )
        | Q(
            subject_type=ct[ReInspection],
            subject_id__in=ReInspection.objects.filter(order__in=orders).values("pk"),
        )
    )
    served = IssuedDocument.objects.filter(subjects).values("pk")
    receipts = ServiceRecord.objects.filter(document__in=served).values("pk")
    service_ct = ContentType.objects.get_for_model(ServiceRecord)
    return queryset.filter(subjects | Q(subject_type=service_ct, subject_id__in=receipts))

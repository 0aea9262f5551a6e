"""The forms of penalty cases: what each one says, built from the case, its records and its events.

Each ``build_<kind>`` function turns one subject into the content dict of ``zhifa.documents.rendering``
(``zhifa.documents.services.issue`` adds the number and the agency). ``services.perform`` writes the
step's ``CaseEvent`` before it issues the step's forms, so an approval form prints the approval just
given; a correction re-runs the same builder (``zhifa.documents.services.BUILDERS``) and so prints the
records as they stand after the error was fixed.

Subjects: the ``Case`` for most forms; the ``CaseRecord`` for 询问通知书, 询问笔录, 勘验笔录, 抽样取证凭证
and 当事人陈述申辩笔录; the ``Preservation`` for the two 先行登记保存 forms; the ``LegalReview`` for the
法制审核意见书; the ``Hearing`` for the 听证笔录.

These are the forms courts read: every officer is named with the certificate valid on the form's date,
amounts are printed in figures with thousands separators and in Chinese capitals, and the remedies name
sixty days and six months (行政复议法 2023 art. 20, 行政诉讼法 art. 46 — never the old three months).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from zhifa.cases.choices import (
    DecisionKind,
    Opinion,
    PartyKind,
    PaymentKind,
    PenaltyKind,
    PreservationOutcome,
    RecordKind,
    ReviewItem,
    ReviewOutcome,
)
from zhifa.inspections.documents import (
    certificates_on,
    cn_date,
    cn_datetime,
    officer_line,
    officer_signatures,
    party_line,
    user_name,
)

PENALTY_LAW = "《中华人民共和国行政处罚法》"
#: 行政处罚法 art. 33 para. 1: a first, minor violation corrected in time is not penalised.
ART_33 = "《中华人民共和国行政处罚法》第三十三条第一款"

# --- Money and numbers -------------------------------------------------------------------------------

CENT = Decimal("0.01")
_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CAPITAL_UNITS = ("", "拾", "佰", "仟")
_CAPITAL_GROUPS = ("", "万", "亿", "万亿")
_SMALL_DIGITS = "零一二三四五六七八九"


def _capital_group(n: int) -> str:
    """0 < n < 10000 in capitals, zeros inside written once as 零 (1010 → 壹仟零壹拾)."""
    out = ""
    pending_zero = False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _CAPITAL_DIGITS[digit] + _CAPITAL_UNITS[position]
    return out


def rmb_capital(amount: Decimal | int | str) -> str:
    """An amount in yuan in Chinese capitals as financial forms write it (会计基础工作规范 art. 52):
    40000 → 肆万元整, 100000 → 壹拾万元整, 1234567.89 → 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分, 0 → 零元整.

    Amounts are rounded half up to the fen; 整 follows an amount that ends at 元 or 角, never one with 分.
    """
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("rmb_capital: negative amount")
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if yuan >= 10**16:
        raise ValueError("rmb_capital: amount too large")
    groups = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    text = ""
    skipped = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            skipped = bool(text)
            continue
        if text and (skipped or group < 1000):
            text += "零"
        text += _capital_group(group) + _CAPITAL_GROUPS[index]
        skipped = False
    if yuan:
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += _CAPITAL_DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        return text + _CAPITAL_DIGITS[fen] + "分"
    return text + "整"


def money(amount: Decimal | int | str | None) -> str:
    """40,000.00元 (figures with thousands separators); "" for None."""
    if amount is None:
        return ""
    return f"{Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}元"


def money_capital(amount: Decimal | int | str | None) -> str:
    """人民币肆万元整（¥40,000.00）: the way decisions and notices state an amount."""
    if amount is None:
        return ""
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"人民币{rmb_capital(value)}（¥{value:,.2f}）"


def cn_count(n: int) -> str:
    """A small count in Chinese numerals (3 → 三, 15 → 十五, 60 → 六十); figures from 100 on."""
    if n < 0 or n >= 100:
        return str(n)
    if n < 10:
        return _SMALL_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _SMALL_DIGITS[tens]) + "十" + (_SMALL_DIGITS[ones] if ones else "")


def period_text(code: str, on: date, default: str) -> str:
    """The length of statutory period ``code`` as a form states it (三个工作日, 十五日, 六个月), read from
    the ``PeriodRule`` in force on ``on``; ``default`` where the rule is missing."""
    from zhifa.core import calendar
    from zhifa.core.choices import PeriodUnit

    try:
        rule = calendar.rule_version(code, on)
    except calendar.UnknownPeriodRule:
        return default
    count = cn_count(rule.length)
    if rule.unit == PeriodUnit.WORKING:
        return f"{count}个工作日"
    if rule.unit == PeriodUnit.MONTHS:
        return f"{count}个月"
    return f"{count}日"


def percent_text(rate: Decimal) -> str:
    """0.03 → 百分之三."""
    value = (Decimal(rate) * 100).normalize()
    if value == value.to_integral_value():
        return f"百分之{cn_count(int(value))}"
    return f"百分之{value}"


# --- Reading the case ---------------------------------------------------------------------------------


def _local_date(value) -> date | None:
    if value is None:
        return None
    return timezone.localtime(value).date()


def _today() -> date:
    return timezone.localdate()


def _agency(case) -> str:
    return case.agency.agency_name or case.agency.name


def _you(case) -> str:
    return "你单位" if case.party_kind == PartyKind.UNIT else "你"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _qa_paragraphs(text: str) -> list[str]:
    """A questioning record one question or answer per paragraph (问：… 答：… typed on one line too)."""
    out: list[str] = []
    for line in _paragraphs(text):
        out.extend(part.strip() for part in re.split(r"(?=[问答][:：])", line) if part.strip())
    return out


def _handlers(case) -> list:
    """The handling officers who sign the forms (the first two, 行政处罚法 art. 42)."""
    return [co.officer for co in case.case_officers.select_related("officer").order_by("order", "pk")][:2]


def _handler_signatures(case, on: date, *, label="承办人", when: str | None = None) -> list[dict]:
    return officer_signatures(
        _handlers(case),
        on,
        label=label,
        when=cn_date(on) if when is None else when,
        fallback_on=case.registered_on,
    )


def _event(case, *transitions: str):
    """The latest event of one of ``transitions`` (the approval the form prints), or None."""
    return (
        case.events.filter(transition__in=transitions)
        .select_related("actor", "actor__officer")
        .order_by("-at", "-pk")
        .first()
    )


def _event_date(event) -> date | None:
    return _local_date(event.at) if event is not None else None


def _user_signature(label: str, user, on: date | None) -> dict:
    """A signature line for an approver or reviewer, with the certificate held on ``on`` if any."""
    officer = getattr(user, "officer", None) if user is not None else None
    certificate = ""
    if officer is not None and on is not None:
        certificate = certificates_on([officer], on).get(officer.pk, "")
    return {"label": label, "name": user_name(user), "certificate": certificate, "date": cn_date(on)}


def _opinion(event) -> str:
    """The opinion an approver wrote, led by the answer (同意/不同意) unless the text already says it."""
    if event is None:
        return ""
    answer = ""
    if event.outcome in Opinion.values:
        answer = str(Opinion(event.outcome).label)
    elif event.outcome in ReviewOutcome.values:
        answer = str(ReviewOutcome(event.outcome).label)
    text = (event.opinion or "").strip()
    if not text:
        return answer
    if answer and not text.startswith(answer):
        return f"{answer}。{text}"
    return text


def _document(case, kind: str):
    """The current document of ``kind`` issued about the case itself (its number is quoted)."""
    from django.contrib.contenttypes.models import ContentType

    from zhifa.documents.models import IssuedDocument

    return (
        IssuedDocument.objects.current()
        .filter(kind_id=kind, subject_type=ContentType.objects.get_for_model(case), subject_id=case.pk)
        .order_by("-issued_at", "-pk")
        .first()
    )


def _quoted(document, title: str) -> str:
    """（武）应急告〔2026〕3号《行政处罚告知书》: a document as another form quotes it."""
    if document is None:
        return f"《{title}》"
    return f"{document.number}《{document.title}》"


def _rules(on: date | None):
    from zhifa.cases.models import ProcedureRules

    return ProcedureRules.in_force(on or _today())


def party_fields(case) -> list[dict]:
    """当事人: name, code, address, representative and phone (a person's identity card number)."""
    unit = case.party_kind == PartyKind.UNIT
    fields = [
        {"label": "当事人" if unit else "当事人（姓名）", "value": case.party_name},
        {"label": "统一社会信用代码" if unit else "身份证号码", "value": case.party_code},
        {"label": "住所（地址）", "value": case.party_address},
    ]
    if unit:
        fields.append({"label": "法定代表人（负责人）", "value": case.party_representative})
    fields.append({"label": "联系电话", "value": case.party_phone})
    return fields


def _source(case) -> str:
    text = str(case.get_source_kind_display())
    if case.source_note:
        text += f"：{case.source_note}"
    return text


def _registration(case) -> str:
    if not case.registration_number and not case.registered_on:
        return ""
    return "，".join(x for x in (case.registration_number, cn_date(case.registered_on)) if x)


# --- The proposal (from the case, or from the snapshot a legal review read) ---------------------------


class ProposalView:
    """A proposal as the forms print it: violation, articles, tier, penalty and any departure."""

    def __init__(
        self, *, violation_type, decision_kind, penalty_kinds, proposed_fine, proposal, deviation_reason
    ):
        self.violation_type = violation_type
        self.decision_kind = decision_kind or ""
        self.penalty_kinds = list(penalty_kinds or [])
        self.proposed_fine = None if proposed_fine in (None, "", "None") else Decimal(str(proposed_fine))
        self.proposal = dict(proposal or {})
        self.deviation_reason = (deviation_reason or "").strip()

    @classmethod
    def of_case(cls, case) -> ProposalView:
        return cls(
            violation_type=case.violation_type,
            decision_kind=case.decision_kind,
            penalty_kinds=case.penalty_kinds,
            proposed_fine=case.proposed_fine,
            proposal=case.proposal,
            deviation_reason=case.deviation_reason,
        )

    @classmethod
    def of_snapshot(cls, snapshot: dict) -> ProposalView:
        from zhifa.discretion.models import ViolationType

        vt_id = snapshot.get("violation_type")
        return cls(
            violation_type=ViolationType.objects.filter(pk=vt_id).first() if vt_id else None,
            decision_kind=snapshot.get("decision_kind"),
            penalty_kinds=snapshot.get("penalty_kinds"),
            proposed_fine=snapshot.get("proposed_fine"),
            proposal=snapshot.get("proposal"),
            deviation_reason=snapshot.get("deviation_reason"),
        )

    @property
    def article_violated(self) -> str:
        return self.violation_type.article_violated if self.violation_type is not None else ""

    @property
    def penalty_article(self) -> str:
        if self.violation_type is not None:
            return self.violation_type.penalty_article
        return self.proposal.get("penalty_article", "")

    @property
    def level(self) -> str:
        return self.proposal.get("level", "")

    def _range(self) -> tuple[Decimal, Decimal] | None:
        try:
            return Decimal(str(self.proposal["min_fine"])), Decimal(str(self.proposal["max_fine"]))
        except (KeyError, ArithmeticError, ValueError):
            return None

    def penalty_text(self) -> str:
        """警告；罚款人民币肆万元整（¥40,000.00）, or 不予行政处罚."""
        return penalty_text(self.decision_kind, self.penalty_kinds, self.proposed_fine)

    def tier_text(self) -> str:
        if not self.proposal:
            return ""
        label = self.proposal.get("level_label", "")
        conditions = self.proposal.get("conditions", "")
        text = label + (f"（{conditions}）" if conditions else "")
        bounds = self._range()
        if bounds is not None and self.level != "no_penalty":
            text += f"，基准幅度 {money(bounds[0])}至{money(bounds[1])}"
            suggested = self.proposal.get("suggested_fine")
            if suggested not in (None, ""):
                text += f"，建议罚款 {money(suggested)}"
        return text

    def factors_text(self) -> str:
        return "、".join(f.get("text", "") for f in self.proposal.get("factors") or [] if f.get("text"))

    def departures(self) -> list[str]:
        """How the proposal departs from the benchmark's tier ([] when it follows it)."""
        out: list[str] = []
        if not self.proposal:
            return out
        if self.decision_kind == DecisionKind.NO_PENALTY and self.level and self.level != "no_penalty":
            out.append("裁量基准建议给予处罚，处理意见为不予行政处罚")
        if self.decision_kind == DecisionKind.PENALTY and self.level == "no_penalty":
            out.append("裁量基准建议不予处罚，处理意见为给予行政处罚")
        bounds = self._range()
        if (
            self.decision_kind == DecisionKind.PENALTY
            and self.proposed_fine is not None
            and bounds is not None
            and self.level != "no_penalty"
            and not bounds[0] <= self.proposed_fine <= bounds[1]
        ):
            out.append(
                f"拟罚款 {money(self.proposed_fine)}不在“{self.proposal.get('level_label', '')}”阶次"
                f"（{money(bounds[0])}至{money(bounds[1])}）内"
            )
        return out

    def deviation_lines(self) -> list[str]:
        """The departure and its written reason, for the reviewer and the approver to read."""
        departures = self.departures()
        if not departures and not self.deviation_reason:
            return []
        lines = [f"偏离裁量基准：{'；'.join(departures)}。"] if departures else []
        if self.deviation_reason:
            lines.append(f"偏离裁量基准的理由：{self.deviation_reason}")
        return lines

    def lines(self) -> list[str]:
        """The proposal paragraph by paragraph (调查报告, 呈批表, 法制审核意见书, 集体讨论记录)."""
        lines = []
        vt = self.violation_type
        if vt is not None:
            lines.append(f"违法行为：{vt.name}（裁量基准编号 {vt.code}）")
        if self.article_violated:
            lines.append(f"违反条款：{self.article_violated}")
        if self.penalty_article:
            lines.append(f"处罚依据：{self.penalty_article}")
        tier = self.tier_text()
        if tier:
            lines.append(f"裁量阶次：{tier}")
        factors = self.factors_text()
        if factors:
            lines.append(f"裁量情节：{factors}")
        if self.decision_kind:
            lines.append(f"处理意见：{self.penalty_text()}")
        return lines + self.deviation_lines()


def penalty_text(decision_kind: str, penalty_kinds, fine) -> str:
    if decision_kind == DecisionKind.NO_PENALTY:
        return "不予行政处罚"
    kinds = list(penalty_kinds or [])
    parts = [str(PenaltyKind(k).label) for k in kinds if k != PenaltyKind.FINE and k in PenaltyKind.values]
    if PenaltyKind.FINE in kinds and fine is not None:
        parts.append(f"罚款{money_capital(fine)}")
    return "；".join(parts) or "—"


def _decided_penalty(case) -> str:
    fine = case.fine_amount if case.fine_amount is not None else case.proposed_fine
    return penalty_text(case.decision_kind, case.penalty_kinds, fine)


# --- Evidence -------------------------------------------------------------------------------------------

EVIDENCE_RECORDS = (RecordKind.INQUIRY, RecordKind.SCENE, RecordKind.SAMPLING)


def _evidence_kind(kind: str) -> str:
    from zhifa.inspections.choices import EvidenceKind

    return str(EvidenceKind(kind).label) if kind in EvidenceKind.values else kind


def evidence_rows(case) -> list[list[str]]:
    """The evidence of the case: its records (询问笔录, 勘验笔录, 抽样取证凭证) and evidence files."""
    rows: list[list[str]] = []
    records = case.records.filter(kind__in=EVIDENCE_RECORDS).select_related("document").order_by("on", "pk")
    for record in records:
        title = RecordKind(record.kind).label
        who = record.person + (f"（{record.person_title}）" if record.person_title else "")
        note = "，".join(x for x in (who, record.document.number if record.document_id else "") if x)
        rows.append([str(len(rows) + 1), str(title), note, cn_date(record.on)])
    for item in case.evidence.order_by("collected_on", "pk"):
        note = "，".join(x for x in (_evidence_kind(item.kind), item.description) if x)
        rows.append([str(len(rows) + 1), item.title, note, cn_date(item.collected_on)])
    return rows


def _evidence_table(case) -> dict | None:
    rows = evidence_rows(case)
    if not rows:
        return None
    return {"columns": ["序号", "证据", "说明", "日期"], "rows": rows, "widths": [8, 32, 42, 18]}


def _evidence_names(case) -> str:
    names = [row[1] for row in evidence_rows(case)]
    return "、".join(dict.fromkeys(names))


# --- Remedies and payment --------------------------------------------------------------------------------


def remedies(case, on: date, *, subject: str = "本决定", document: str = "本决定书") -> str:
    """行政复议 within sixty days to the review body, 行政诉讼 within six months to the court (art. 59)."""
    rules = _rules(on)
    review = period_text("review_route", on, "六十日")
    litigation = period_text("litigation_route", on, "六个月")
    return (
        f"如不服{subject}，可以在收到{document}之日起{review}内向{rules.review_body}申请行政复议，"
        f"也可以在{litigation}内依法向{rules.litigation_court}提起行政诉讼。"
        f"行政复议或者行政诉讼期间，{subject}不停止执行，法律另有规定的除外。"
    )


def payment_lines(case, on: date) -> list[str]:
    """Where and by when to pay (art. 67) and the surcharge for paying late (art. 72)."""
    rules = _rules(on)
    days = period_text("payment", on, "十五日")
    return [
        f"{_you(case)}应当自收到本决定书之日起{days}内，将罚款缴至{rules.payment_bank}。",
        f"到期不缴纳罚款的，本机关将依据{PENALTY_LAW}第七十二条第一款第（一）项的规定，"
        f"每日按罚款数额的{percent_text(rules.surcharge_rate)}加处罚款，加处罚款的数额不超出罚款的数额，"
        f"并可依法申请人民法院强制执行。",
    ]


# --- 立案审批表 -----------------------------------------------------------------------------------------------


def build_case_registration(case) -> dict:
    submitted = _event(case, "submit_registration")
    reviewed = _event(case, "review_registration")
    approved = _event(case, "approve_registration")
    submitted_on = _event_date(submitted) or case.registered_on or _today()
    reviewed_on, approved_on = _event_date(reviewed), _event_date(approved)
    handlers = _handler_signatures(case, submitted_on)
    reviewer = _user_signature("审核人", reviewed.actor if reviewed else None, reviewed_on)
    approver = _user_signature("审批人", approved.actor if approved else None, approved_on)
    fields = [
        {"label": "案由", "value": case.cause},
        {"label": "案件来源", "value": _source(case)},
        *party_fields(case),
        {"label": "承办人", "value": officer_line(handlers)},
    ]
    return {
        "fields": fields,
        "sections": [
            {"heading": "简要案情", "paragraphs": _paragraphs(case.facts) or ["—"]},
            {
                "heading": "承办人意见",
                "paragraphs": [
                    _opinion(submitted) or "建议立案调查。",
                    f"承办人：{officer_line(handlers)}　{cn_date(submitted_on)}",
                ],
            },
            {
                "heading": "审核意见",
                "paragraphs": [_opinion(reviewed), f"审核人：{_signed(reviewer)}　{cn_date(reviewed_on)}"],
            },
            {
                "heading": "审批意见",
                "paragraphs": [_opinion(approved), f"审批人：{_signed(approver)}　{cn_date(approved_on)}"],
            },
        ],
        "notice": [],
        "signatures": [*handlers, reviewer, approver],
        "date": cn_date(approved_on or submitted_on),
    }


def _signed(signature: dict) -> str:
    return officer_line([signature]) if signature["name"] else ""


# --- Investigation records --------------------------------------------------------------------------------


def _record_officers(record, on: date) -> list[dict]:
    officers = list(record.officers.order_by("pk"))
    ordered = {co.officer_id: co.order for co in record.case.case_officers.all()}
    officers.sort(key=lambda o: (ordered.get(o.pk, 99), o.pk))
    return officer_signatures(officers, on, when=cn_date(on), fallback_on=record.case.registered_on)


def _person(record) -> str:
    return record.person + (f"（{record.person_title}）" if record.person_title else "")


def _identity_statement(case, officers: list[dict], what: str) -> str:
    """The opening every record carries: two officers, certificates shown, the right to ask for withdrawal."""
    return (
        f"我们是{_agency(case)}的执法人员{officer_line(officers)}，现依法向你{what}。"
        f"这是我们的执法证件，请你过目确认（已出示执法证件）。"
        f"依照{PENALTY_LAW}第四十三条、第五十五条的规定，你有权申请执法人员回避；"
        f"你有如实回答询问、协助调查的义务，不得拒绝或者阻挠。你是否申请回避？"
    )


def build_inquiry_notice(record) -> dict:
    case = record.case
    officers = _record_officers(record, record.on)
    contact = "、".join(
        f"{o.name}（{o.phone}）" if o.phone else o.name for o in record.officers.order_by("pk")
    )
    return {
        "fields": [
            {"label": "被通知人", "value": _person(record)},
            {"label": "案由", "value": case.cause},
            {"label": "询问地点", "value": record.place},
            {"label": "执法人员", "value": officer_line(officers)},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{record.person}：",
                    f"为调查{case.party_name}涉嫌{case.cause}一案，依据《中华人民共和国安全生产法》第六十五条"
                    f"第一款第（一）项、{PENALTY_LAW}第五十五条的规定，请你按以下要求到{record.place or '本机关'}"
                    f"接受询问调查：",
                    *_paragraphs(record.content),
                    f"联系人：{contact}。",
                ],
            }
        ],
        "notice": ["被通知人无正当理由拒不接受询问的，本机关将依法处理。"],
        "signatures": officers + [party_line("被通知人（签收）")],
        "date": cn_date(record.on),
        "footer": "本文书一式两份，一份交被通知人，一份存档。",
    }


def build_inquiry_record(record) -> dict:
    case = record.case
    officers = _record_officers(record, record.on)
    return {
        "fields": [
            {"label": "询问时间", "value": cn_date(record.on)},
            {"label": "询问地点", "value": record.place},
            {"label": "被询问人", "value": _person(record)},
            {"label": "工作单位", "value": case.party_name},
            {"label": "案由", "value": case.cause},
            {"label": "询问人", "value": officer_line(officers)},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    "问："
                    + _identity_statement(
                        case, officers, f"了解{case.party_name}涉嫌{case.cause}一案的有关情况"
                    ),
                    *_qa_paragraphs(record.content),
                ],
            }
        ],
        "notice": [],
        "signatures": [party_line(f"被询问人（{record.person}）")]
        + [{**s, "label": "询问人"} for s in officers],
        "date": cn_date(record.on),
        "footer": "以上笔录被询问人已看过（已向被询问人宣读），与所述一致。被询问人拒绝签字的，由执法人员在笔录中注明。",
    }


def build_scene_record(record) -> dict:
    case = record.case
    officers = _record_officers(record, record.on)
    return {
        "fields": [
            {"label": "勘验时间", "value": cn_date(record.on)},
            {"label": "勘验地点", "value": record.place},
            {"label": "当事人（见证人）", "value": _person(record)},
            {"label": "被勘验单位", "value": case.party_name},
            {"label": "案由", "value": case.cause},
            {"label": "勘验人", "value": officer_line(officers)},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"执法人员{officer_line(officers)}向当事人（见证人）出示了执法证件，告知了申请回避的权利，"
                    f"当事人（见证人）不申请回避。依照{PENALTY_LAW}第四十二条、第五十五条的规定进行现场勘验。"
                ],
            },
            {"heading": "勘验情况", "paragraphs": _paragraphs(record.content)},
        ],
        "notice": [],
        "signatures": [{**s, "label": "勘验人"} for s in officers]
        + [party_line(f"当事人（见证人）（{record.person}）")],
        "date": cn_date(record.on),
        "footer": "以上笔录经当事人（见证人）核对无误。拒绝签字的，由执法人员在笔录中注明。",
    }


def build_sampling_record(record) -> dict:
    case = record.case
    officers = _record_officers(record, record.on)
    return {
        "fields": [
            *party_fields(case),
            {"label": "抽样时间", "value": cn_date(record.on)},
            {"label": "抽样地点", "value": record.place},
            {"label": "在场人", "value": _person(record)},
            {"label": "执法人员", "value": officer_line(officers)},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{case.party_name}：",
                    f"为调查{case.cause}一案，依据{PENALTY_LAW}第五十五条、第五十六条的规定，执法人员出示执法证件后，"
                    f"对你单位（你）的下列物品抽样取证：",
                ],
            },
            {"heading": "抽样物品", "paragraphs": _paragraphs(record.content)},
        ],
        "notice": [],
        "signatures": officers + [party_line("当事人（在场人）")],
        "date": cn_date(record.on),
        "footer": "本凭证一式两份，一份交当事人，一份存档。",
    }


def build_statement_record(record) -> dict:
    case = record.case
    officers = _record_officers(record, record.on)
    event = case.events.filter(transition="record_statement", data__record=record.pk).order_by("-pk").first()
    sections: list[dict[str, Any]] = [
        {
            "heading": "",
            "paragraphs": [
                f"执法人员{officer_line(officers)}出示执法证件，告知陈述申辩人有申请执法人员回避的权利，"
                f"陈述申辩人不申请回避。陈述申辩人就本机关{_quoted(_document(case, 'penalty_notice'), '行政处罚告知书')}"
                f"告知的事实、理由、依据及拟作出的行政处罚，陈述、申辩如下："
            ],
        },
        {"heading": "陈述申辩内容", "paragraphs": _qa_paragraphs(record.content)},
    ]
    if event is not None:
        adopted = (event.data or {}).get("adopted")
        verdict = "理由成立，予以采纳。" if adopted else "理由不成立，不予采纳。"
        sections.append({"heading": "复核意见", "paragraphs": [verdict, *_paragraphs(event.opinion)]})
    return {
        "fields": [
            {"label": "案由", "value": case.cause},
            {"label": "陈述申辩人", "value": _person(record)},
            {"label": "当事人", "value": case.party_name},
            {"label": "时间", "value": cn_date(record.on)},
            {"label": "地点", "value": record.place},
            {"label": "承办人", "value": officer_line(officers)},
        ],
        "sections": sections,
        "notice": [],
        "signatures": [party_line(f"陈述申辩人（{record.person}）")]
        + [{**s, "label": "承办人"} for s in officers],
        "date": cn_date(record.on),
        "footer": "以上笔录陈述申辩人已看过（已向其宣读），与所述一致。",
    }


# --- 先行登记保存 ---------------------------------------------------------------------------------------


def _items_table(preservation) -> dict:
    rows = [[str(n), line] for n, line in enumerate(_paragraphs(preservation.items), start=1)]
    return {"columns": ["序号", "物品名称、规格、数量"], "rows": rows, "widths": [10, 90]}


def build_preservation_notice(preservation) -> dict:
    from zhifa.core import calendar

    case = preservation.case
    on = preservation.started_on
    days = period_text("preservation_decision", on, "七个工作日")
    try:
        by = calendar.rule_due("preservation_decision", on).date
    except calendar.UnknownPeriodRule:
        by = None
    approver = preservation.approved_by
    handlers = _handler_signatures(case, on)
    within = f"{days}内" + (f"（{cn_date(by)}前）" if by else "")
    return {
        "fields": [
            *party_fields(case),
            {"label": "案由", "value": case.cause},
            {"label": "登记保存日期", "value": cn_date(on)},
            {"label": "保存地点", "value": preservation.place},
            {"label": "批准人", "value": user_name(approver)},
            {"label": "执法人员", "value": officer_line(handlers)},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{case.party_name}：",
                    f"因调查{_you(case)}涉嫌{case.cause}一案，在证据可能灭失或者以后难以取得的情况下，"
                    f"经本机关负责人{user_name(approver)}批准，依据{PENALTY_LAW}第五十六条的规定，"
                    f"对{_you(case)}的下列物品予以先行登记保存，保存地点：{preservation.place}。",
                ],
                "table": _items_table(preservation),
            },
            {
                "heading": "",
                "paragraphs": [
                    f"在登记保存期间，{_you(case)}或者有关人员不得损毁、销毁或者转移证据。"
                    f"本机关将在{within}对登记保存的物品作出处理决定。"
                ],
            },
        ],
        "notice": [],
        "signatures": handlers + [party_line("当事人（签收）")],
        "date": cn_date(on),
        "footer": "本文书一式两份，一份交当事人，一份存档。",
    }


def build_preservation_decision(preservation) -> dict:
    case = preservation.case
    on = preservation.decided_on or _today()
    outcome = (
        str(PreservationOutcome(preservation.outcome).label)
        if preservation.outcome in PreservationOutcome.values
        else ""
    )
    handlers = _handler_signatures(case, on)
    return {
        "fields": [
            *party_fields(case),
            {"label": "案由", "value": case.cause},
            {"label": "登记保存日期", "value": cn_date(preservation.started_on)},
            {"label": "保存地点", "value": preservation.place},
            {"label": "处理决定", "value": outcome},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{case.party_name}：",
                    f"本机关于{cn_date(preservation.started_on)}以"
                    f"{_quoted(preservation.notice, '先行登记保存证据通知书')}对{_you(case)}的下列物品予以先行登记保存：",
                ],
                "table": _items_table(preservation),
            },
            {
                "heading": "",
                "paragraphs": [
                    f"依据{PENALTY_LAW}第五十六条的规定，本机关对上述物品作出如下处理决定：{outcome}。"
                ],
            },
        ],
        "notice": [],
        "signatures": handlers + [party_line("当事人（签收）")],
        "date": cn_date(on),
        "footer": "本文书一式两份，一份交当事人，一份存档。",
    }


# --- 调查报告, 案件处理呈批表, 集体讨论记录 ---------------------------------------------------------------------


def _case_header(case) -> list[dict]:
    return [
        {"label": "案由", "value": case.cause},
        {"label": "立案编号及日期", "value": _registration(case)},
        *party_fields(case),
    ]


def build_investigation_report(case) -> dict:
    submitted = _event(case, "submit_handling")
    on = _event_date(submitted) or _today()
    handlers = _handler_signatures(case, on)
    view = ProposalView.of_case(case)
    sections: list[dict[str, Any]] = [
        {"heading": "调查经过及违法事实", "paragraphs": _paragraphs(case.investigation_report) or ["—"]},
    ]
    if case.facts:
        sections.append({"heading": "案件事实", "paragraphs": _paragraphs(case.facts)})
    evidence = _evidence_table(case)
    sections.append(
        {
            "heading": "证据",
            "paragraphs": [] if evidence else ["—"],
            **({"table": evidence} if evidence else {}),
        }
    )
    sections.append({"heading": "处理建议", "paragraphs": view.lines() or ["—"]})
    return {
        "fields": [*_case_header(case), {"label": "承办人", "value": officer_line(handlers)}],
        "sections": sections,
        "notice": [],
        "signatures": handlers,
        "date": cn_date(on),
    }


def build_handling_approval(case) -> dict:
    submitted = _event(case, "submit_handling")
    approved = _event(case, "approve_handling")
    submitted_on = _event_date(submitted) or _today()
    approved_on = _event_date(approved)
    handlers = _handler_signatures(case, submitted_on)
    head = _user_signature("机关负责人", approved.actor if approved else None, approved_on)
    view = ProposalView.of_case(case)
    return {
        "fields": [*_case_header(case), {"label": "承办人", "value": officer_line(handlers)}],
        "sections": [
            {"heading": "案件调查情况", "paragraphs": _paragraphs(case.facts) or ["—"]},
            {
                "heading": "承办人处理意见",
                "paragraphs": [
                    *view.lines(),
                    f"承办人：{officer_line(handlers)}　{cn_date(submitted_on)}",
                ],
            },
            {
                "heading": "机关负责人审批意见",
                "paragraphs": [_opinion(approved), f"审批人：{_signed(head)}　{cn_date(approved_on)}"],
            },
        ],
        "notice": [],
        "signatures": [*handlers, head],
        "date": cn_date(approved_on or submitted_on),
    }


def build_collective_discussion(case) -> dict:
    event = _event(case, "record_discussion")
    on = _event_date(event) or _today()
    chair = _user_signature("主持人", event.actor if event else None, on)
    view = ProposalView.of_case(case)
    handlers = _handler_signatures(case, on, label="汇报人（承办人）")
    return {
        "fields": [
            {"label": "案由", "value": case.cause},
            {"label": "当事人", "value": case.party_name},
            {"label": "讨论时间", "value": cn_datetime(event.at) if event else ""},
            {"label": "主持人", "value": _signed(chair)},
            {"label": "参加人员", "value": case.discussion_participants},
            {"label": "汇报人", "value": officer_line(handlers)},
        ],
        "sections": [
            {"heading": "案件基本情况及拟处理意见", "paragraphs": _paragraphs(case.facts) + view.lines()},
            {"heading": "讨论记录", "paragraphs": _paragraphs(case.discussion_record) or ["—"]},
            {"heading": "结论性意见", "paragraphs": [_opinion(event) or "—"]},
        ],
        "notice": [],
        "signatures": [chair, *handlers, party_line("参加人员")],
        "date": cn_date(on),
    }


# --- 法制审核意见书 -------------------------------------------------------------------------------------


def build_legal_review_opinion(review) -> dict:
    case = review.case
    on = _local_date(review.decided_at) or _today()
    view = ProposalView.of_snapshot(review.proposal_snapshot or {})
    checklist = review.checklist or {}
    rows = []
    for n, item in enumerate(ReviewItem, start=1):
        entry = checklist.get(item.value) or {}
        result = {"pass": "符合", "fail": "存在问题"}.get(entry.get("result", ""), "未审核")
        rows.append([str(n), str(item.label), result, entry.get("note", "")])
    outcome = str(ReviewOutcome(review.outcome).label) if review.outcome in ReviewOutcome.values else "待审核"
    reviewer = _user_signature("法制审核员", review.reviewer, on)
    officer = getattr(review.reviewer, "officer", None) if review.reviewer else None
    qualification = getattr(officer, "legal_qualification_number", "") if officer else ""
    sections: list[dict[str, Any]] = [
        {"heading": "送审处理意见", "paragraphs": _paragraphs(case.facts) + view.lines()},
        {
            "heading": "审核要点",
            "paragraphs": [],
            "table": {
                "columns": ["序号", "审核要点", "审核结果", "说明"],
                "rows": rows,
                "widths": [8, 38, 16, 38],
            },
        },
    ]
    deviation = view.deviation_lines()
    if deviation:
        sections.append({"heading": "偏离裁量基准情况", "paragraphs": deviation})
    sections.append(
        {
            "heading": "审核意见",
            "paragraphs": [f"审核结论：{outcome}。", *_paragraphs(review.opinion)],
        }
    )
    return {
        "fields": [
            {"label": "案由", "value": case.cause},
            {"label": "当事人", "value": case.party_name},
            {"label": "立案编号", "value": case.registration_number},
            {"label": "承办单位", "value": case.board.name},
            {"label": "承办人", "value": officer_line(_handler_signatures(case, on))},
            {"label": "审核轮次", "value": f"第{cn_count(review.round)}轮"},
            {"label": "送审时间", "value": cn_date(review.submitted_at)},
            {"label": "审核期限", "value": cn_date(review.due_on)},
            {
                "label": "法制审核员",
                "value": user_name(review.reviewer)
                + (f"（法律职业资格证书编号：{qualification}）" if qualification else ""),
            },
        ],
        "sections": sections,
        "notice": [],
        "signatures": [reviewer],
        "date": cn_date(on),
    }


# --- 行政处罚告知书, 听证告知书, 听证笔录 ------------------------------------------------------------------


def _facts_sentence(case) -> str:
    facts = " ".join(_paragraphs(case.facts)) or case.cause
    evidence = _evidence_names(case)
    text = f"经查，{facts}"
    if evidence:
        text += f"以上事实有{evidence}等证据证明。"
    return text


def _contact(case) -> str:
    people = [o for o in _handlers(case)]
    return "、".join(f"{o.name}（{o.phone}）" if o.phone else o.name for o in people)


def build_penalty_notice(case) -> dict:
    from zhifa.cases.services import hearing_rights

    event = _event(case, "notify")
    on = _event_date(event) or _today()
    view = ProposalView.of_case(case)
    you = _you(case)
    statement = period_text("statement_defence", on, "三个工作日")
    paragraphs = [
        f"{case.party_name}：",
        _facts_sentence(case),
        f"{you}的上述行为违反了{view.article_violated}的规定，依据{view.penalty_article}的规定，"
        f"本机关拟对{you}作出如下行政处罚：{view.penalty_text()}。",
        f"依据{PENALTY_LAW}第四十四条、第四十五条的规定，{you}有权进行陈述和申辩。"
        f"{you}如有陈述、申辩意见，请于收到本告知书之日起{statement}内向本机关（{_agency(case)}）提出，"
        f"可以书面提出，也可以口头提出（由执法人员记录）；联系人：{_contact(case)}。"
        f"逾期未提出的，视为放弃陈述和申辩的权利。",
    ]
    if hearing_rights(case):
        hearing = period_text("hearing_request", on, "五个工作日")
        paragraphs.append(
            f"依据{PENALTY_LAW}第六十三条、第六十四条的规定，{you}有要求举行听证的权利。"
            f"如要求听证，应当在收到本告知书之日起{hearing}内向本机关提出；逾期未提出的，视为放弃听证权利。"
        )
    return {
        "fields": party_fields(case),
        "sections": [{"heading": "", "paragraphs": paragraphs}],
        "notice": [],
        "signatures": _handler_signatures(case, on) + [party_line("当事人（签收）")],
        "date": cn_date(on),
        "footer": "本文书一式两份，一份交当事人，一份存档。",
    }


def build_hearing_notice(case) -> dict:
    event = _event(case, "notify")
    on = _event_date(event) or _today()
    view = ProposalView.of_case(case)
    you = _you(case)
    hearing = period_text("hearing_request", on, "五个工作日")
    return {
        "fields": party_fields(case),
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{case.party_name}：",
                    f"本机关拟对{you}{case.cause}的行为作出{view.penalty_text()}的行政处罚"
                    f"（见{_quoted(_document(case, 'penalty_notice'), '行政处罚告知书')}）。",
                    f"依据{PENALTY_LAW}第六十三条、第六十四条的规定，{you}有要求举行听证的权利。"
                    f"{you}如要求听证，应当在收到本告知书之日起{hearing}内向本机关（{_agency(case)}）提出；"
                    f"逾期未提出的，视为放弃听证权利。联系人：{_contact(case)}。",
                    "听证由本机关指定的非本案调查人员主持；当事人可以亲自参加听证，也可以委托一至二人代理，"
                    "认为主持人与本案有直接利害关系的，有权申请回避。听证不收取费用。",
                ],
            }
        ],
        "notice": [],
        "signatures": _handler_signatures(case, on) + [party_line("当事人（签收）")],
        "date": cn_date(on),
        "footer": "本文书一式两份，一份交当事人，一份存档。",
    }


def build_hearing_record(hearing) -> dict:
    case = hearing.case
    on = hearing.held_on or _local_date(hearing.scheduled_for) or _today()
    chair_line = []
    if hearing.chair_id:
        chair_line = officer_signatures([hearing.chair], on, label="听证主持人", when=cn_date(on))
    handlers = _handler_signatures(case, on, label="案件调查人员")
    when = cn_datetime(hearing.scheduled_for) if hearing.scheduled_for else cn_date(hearing.held_on)
    return {
        "fields": [
            {"label": "案由", "value": case.cause},
            {"label": "当事人", "value": case.party_name},
            {"label": "听证时间", "value": when},
            {"label": "听证地点", "value": hearing.place},
            {"label": "听证主持人", "value": officer_line(chair_line)},
            {"label": "案件调查人员", "value": officer_line(handlers)},
            {"label": "申请听证日期", "value": cn_date(hearing.requested_on)},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    "主持人宣布听证纪律，核对听证参加人身份，告知当事人在听证中的权利和义务，"
                    "询问当事人是否申请主持人、记录员回避，当事人不申请回避。"
                    "案件调查人员提出当事人违法的事实、证据和行政处罚建议，当事人进行申辩和质证。"
                ],
            },
            {"heading": "听证记录", "paragraphs": _qa_paragraphs(hearing.record) or ["—"]},
            {"heading": "听证意见", "paragraphs": _paragraphs(hearing.conclusion) or ["—"]},
        ],
        "notice": [],
        "signatures": chair_line + handlers + [party_line("当事人（或委托代理人）")],
        "date": cn_date(on),
        "footer": "以上笔录经听证参加人核对无误。拒绝签字的，由听证主持人在笔录中注明。",
    }


# --- Decisions -------------------------------------------------------------------------------------------


def _decision_title(base: str, case) -> str:
    return f"{base}（{'单位' if case.party_kind == PartyKind.UNIT else '个人'}）"


def _procedure_lines(case) -> list[str]:
    """How the party was heard before the decision: notice, statement, hearing, or a written waiver."""
    you = _you(case)
    notice = _document(case, "penalty_notice")
    lines: list[str] = []
    if notice is not None:
        lines.append(
            f"本机关于{cn_date(notice.issued_at)}以{_quoted(notice, '行政处罚告知书')}"
            f"告知{you}拟作出行政处罚的事实、理由、依据及依法享有的权利。"
        )
    hearing = case.hearings.exclude(held_on=None).order_by("-held_on").first()
    if hearing is not None:
        lines.append(f"应{you}的要求，本机关于{cn_date(hearing.held_on)}依法举行了听证。")
    decided = _event(case, "decide")
    statements = list(
        case.events.filter(transition="record_statement").order_by("at", "pk").values_list("data", flat=True)
    )
    if statements:
        adopted = any((data or {}).get("adopted") for data in statements)
        verdict = "对其中成立的理由予以采纳" if adopted else "理由不能成立，不予采纳"
        lines.append(f"{you}在法定期限内提出了陈述、申辩意见，经本机关复核，{verdict}。")
    elif decided is not None and (decided.data or {}).get("party_waived"):
        lines.append(f"{you}书面放弃了陈述、申辩的权利。")
    elif notice is not None:
        lines.append(f"{you}在法定期限内未提出陈述、申辩意见。")
    return lines


def build_penalty_decision(case) -> dict:
    on = case.decided_on or _today()
    view = ProposalView.of_case(case)
    you = _you(case)
    sections: list[dict[str, Any]] = [
        {"heading": "违法事实", "paragraphs": _paragraphs(case.facts) or [case.cause]},
    ]
    evidence = _evidence_table(case)
    if evidence:
        sections.append({"heading": "证据", "paragraphs": ["以上事实有下列证据证明："], "table": evidence})
    sections.append({"heading": "", "paragraphs": _procedure_lines(case)})
    sections.append(
        {
            "heading": "处罚依据和决定",
            "paragraphs": [
                f"{you}的上述行为违反了{view.article_violated}的规定，"
                f"依据{view.penalty_article}的规定，本机关决定对{you}作出如下行政处罚：",
                f"{_decided_penalty(case)}。",
            ],
        }
    )
    if case.fine_amount:
        sections.append({"heading": "履行方式和期限", "paragraphs": payment_lines(case, on)})
    handlers = _handler_signatures(case, on, label="执法人员")
    return {
        "title": _decision_title("行政处罚决定书", case),
        "fields": [*party_fields(case), {"label": "案由", "value": case.cause}],
        "sections": sections,
        "notice": [remedies(case, on)],
        "signatures": handlers,
        "date": cn_date(on),
        "footer": "本决定书一式两份，一份交当事人，一份存档。",
    }


def build_on_spot_decision(case) -> dict:
    on = case.decided_on or _today()
    event = _event(case, "decide_on_spot")
    data = (event.data or {}) if event is not None else {}
    view = ProposalView.of_case(case)
    you = _you(case)
    handlers = _handler_signatures(case, on)
    sections: list[dict[str, Any]] = [
        {
            "heading": "",
            "paragraphs": [
                f"执法人员{officer_line(handlers)}出示执法证件，于{cn_datetime(event.at) if event else cn_date(on)}"
                f"在{data.get('place', '') or '现场'}查明：{' '.join(_paragraphs(case.facts)) or case.cause}",
                f"{you}的上述行为违反了{view.article_violated}的规定，依据{view.penalty_article}及"
                f"{PENALTY_LAW}第五十一条的规定，当场决定对{you}作出如下行政处罚：{_decided_penalty(case)}。",
                f"执法人员已告知{you}作出行政处罚的事实、理由和依据，并告知{you}依法享有陈述、申辩的权利。",
            ],
        }
    ]
    receipts = [
        p for p in case.payments.filter(kind=PaymentKind.FINE).order_by("paid_on", "pk") if p.paid_on == on
    ]
    if receipts:
        total = sum((p.amount for p in receipts), Decimal("0"))
        numbers = "、".join(p.receipt_number for p in receipts if p.receipt_number)
        sections.append(
            {
                "heading": "当场收缴罚款",
                "paragraphs": [
                    f"依据{PENALTY_LAW}第六十八条的规定，执法人员当场收缴罚款{money_capital(total)}，"
                    f"并出具省级财政部门统一制发的专用票据"
                    + (f"（票据编号：{numbers}）" if numbers else "")
                    + "。"
                ],
            }
        )
    elif case.fine_amount:
        sections.append({"heading": "履行方式和期限", "paragraphs": payment_lines(case, on)})
    signatures = handlers + [
        party_line(f"当事人（签收）{('：' + data['served_to']) if data.get('served_to') else ''}")
    ]
    return {
        "title": _decision_title("行政（当场）处罚决定书", case),
        "fields": [
            *party_fields(case),
            {"label": "案由", "value": case.cause},
            {"label": "处罚地点", "value": data.get("place", "")},
            {"label": "执法人员", "value": officer_line(handlers)},
        ],
        "sections": sections,
        "notice": [remedies(case, on)],
        "signatures": signatures,
        "date": cn_date(on),
        "footer": f"本决定书当场交付当事人，并于作出后报{_agency(case)}备案。",
    }


def build_no_penalty_decision(case) -> dict:
    on = case.decided_on or _today()
    view = ProposalView.of_case(case)
    you = _you(case)
    if view.level == "no_penalty":
        basis = (
            f"鉴于{you}的违法行为系初次违法、危害后果轻微并已及时改正，依据{ART_33}的规定，"
            f"本机关决定对{you}不予行政处罚。"
        )
    else:
        basis = f"依据{PENALTY_LAW}的有关规定，本机关决定对{you}不予行政处罚。"
    reasons = [f"不予处罚的理由：{view.deviation_reason}"] if view.deviation_reason else []
    sections: list[dict[str, Any]] = [
        {"heading": "违法事实", "paragraphs": _paragraphs(case.facts) or [case.cause]},
    ]
    evidence = _evidence_table(case)
    if evidence:
        sections.append({"heading": "证据", "paragraphs": ["以上事实有下列证据证明："], "table": evidence})
    sections.append(
        {
            "heading": "决定",
            "paragraphs": [
                f"{you}的上述行为违反了{view.article_violated}的规定。" if view.article_violated else "",
                *reasons,
                basis,
                f"本机关已对{you}进行了教育，请{you}严格遵守安全生产法律法规，杜绝此类违法行为再次发生。",
            ],
        }
    )
    handlers = _handler_signatures(case, on, label="执法人员")
    return {
        "fields": [*party_fields(case), {"label": "案由", "value": case.cause}],
        "sections": [{**s, "paragraphs": [p for p in s["paragraphs"] if p]} for s in sections],
        "notice": [remedies(case, on)],
        "signatures": handlers,
        "date": cn_date(on),
        "footer": "本决定书一式两份，一份交当事人，一份存档。",
    }


# --- Execution -----------------------------------------------------------------------------------------


def _decision_reference(case) -> str:
    decision = _document(case, "penalty_decision") or _document(case, "on_spot_decision")
    return (
        f"本机关于{cn_date(case.decided_on)}作出{_quoted(decision, '行政处罚决定书')}，"
        f"对{_you(case)}处以{_decided_penalty(case)}"
        + (f"，该决定书已于{cn_date(case.served_on)}送达" if case.served_on else "")
    )


def _execution_rows(case, on: date) -> list[list[str]]:
    from zhifa.cases.services import surcharge_due

    return [
        ["罚款金额", money(case.fine_amount)],
        ["已缴纳罚款", money(case.paid_amount)],
        ["尚未缴纳罚款", money(case.fine_outstanding)],
        ["缴款期限", cn_date(case.payment_due_on)],
        [f"加处罚款（截至{cn_date(on)}）", money(surcharge_due(case, on))],
        ["已缴纳加处罚款", money(case.surcharge_paid)],
    ]


def build_payment_demand(case) -> dict:
    from zhifa.cases.services import surcharge_due

    event = _event(case, "demand_payment")
    on = _event_date(event) or _today()
    you = _you(case)
    rules = _rules(case.decided_on)
    surcharge = surcharge_due(case, on)
    wait = period_text("demand_wait", on, "十日")
    return {
        "fields": party_fields(case),
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{case.party_name}：",
                    _decision_reference(case) + f"，缴款期限至{cn_date(case.payment_due_on)}。",
                    f"截至{cn_date(on)}，{you}尚未缴纳罚款{money_capital(case.fine_outstanding)}。"
                    f"依据{PENALTY_LAW}第七十二条第一款第（一）项的规定，到期不缴纳罚款的，每日按罚款数额的"
                    f"{percent_text(rules.surcharge_rate)}加处罚款，加处罚款的数额不超出罚款的数额；"
                    f"截至{cn_date(on)}，加处罚款为{money_capital(surcharge)}。",
                ],
                "table": {
                    "columns": ["项目", "金额或日期"],
                    "rows": _execution_rows(case, on),
                    "widths": [45, 55],
                },
            },
            {
                "heading": "",
                "paragraphs": [
                    f"请{you}自收到本通知书之日起{wait}内缴清罚款及加处罚款，缴至{rules.payment_bank}。",
                    f"{you}有权进行陈述和申辩。逾期仍不履行的，本机关将依据{PENALTY_LAW}第七十二条第一款第（四）项、"
                    f"《中华人民共和国行政强制法》第五十四条的规定，申请人民法院强制执行。",
                ],
            },
        ],
        "notice": [],
        "signatures": _handler_signatures(case, on) + [party_line("当事人（签收）")],
        "date": cn_date(on),
        "footer": "本文书一式两份，一份交当事人，一份存档。",
    }


def build_instalment_approval(case) -> dict:
    event = _event(case, "approve_instalments")
    on = _event_date(event) or _today()
    you = _you(case)
    instalments = list(case.instalments.order_by("due_on", "pk"))
    rows = [
        [str(n), cn_date(i.due_on), money(i.amount), rmb_capital(i.amount)]
        for n, i in enumerate(instalments, start=1)
    ]
    total = sum((i.amount for i in instalments), Decimal("0"))
    rows.append(["合计", "", money(total), rmb_capital(total)])
    head = _user_signature("批准人（机关负责人）", event.actor if event else None, on)
    kind = "分期" if len(instalments) > 1 else "延期"
    return {
        "fields": [*party_fields(case), {"label": "原决定书", "value": case.decision_number}],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{case.party_name}：",
                    _decision_reference(case) + "。",
                    f"{you}申请{kind}缴纳罚款，经本机关负责人批准，依据{PENALTY_LAW}第六十六条第二款的规定，"
                    f"同意{you}{kind}缴纳尚未缴纳的罚款{money_capital(case.fine_outstanding or total)}，期限如下：",
                ],
                "table": {
                    "columns": ["期次", "缴纳期限", "金额", "大写"],
                    "rows": rows,
                    "widths": [10, 26, 24, 40],
                },
            },
            {"heading": "批准意见", "paragraphs": [_opinion(event) or "同意。"]},
            {
                "heading": "",
                "paragraphs": [
                    f"请{you}按期将罚款缴至{_rules(case.decided_on).payment_bank}。"
                    f"逾期未缴纳的，本机关将依据{PENALTY_LAW}第七十二条的规定加处罚款，并依法申请人民法院强制执行。"
                ],
            },
        ],
        "notice": [],
        "signatures": [head, party_line("当事人（签收）")],
        "date": cn_date(on),
        "footer": "本文书一式两份，一份交当事人，一份存档。",
    }


def build_enforcement_application(case) -> dict:
    from zhifa.cases.services import surcharge_due

    event = _event(case, "apply_enforcement")
    on = _event_date(event) or _today()
    rules = _rules(case.decided_on)
    demand = _document(case, "payment_demand")
    surcharge = surcharge_due(case, on)
    head = _user_signature("申请机关负责人", event.actor if event else None, on)
    return {
        "fields": [
            {"label": "申请人", "value": _agency(case)},
            {"label": "负责人", "value": user_name(event.actor) if event else ""},
            {"label": "被申请人", "value": case.party_name},
            {
                "label": "统一社会信用代码" if case.party_kind == PartyKind.UNIT else "身份证号码",
                "value": case.party_code,
            },
            {"label": "住所（地址）", "value": case.party_address},
            {"label": "法定代表人（负责人）", "value": case.party_representative},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{rules.litigation_court}：",
                    _decision_reference(case) + "。",
                    "被申请人在法定期限内未申请行政复议或者提起行政诉讼，又不履行行政处罚决定。"
                    + (
                        f"本机关于{cn_date(demand.issued_at)}以{_quoted(demand, '罚款催缴通知书')}催告被申请人履行，"
                        "催告书送达十日后被申请人仍未履行。"
                        if demand is not None
                        else ""
                    ),
                ],
            },
            {
                "heading": "申请事项",
                "paragraphs": [
                    f"依据{PENALTY_LAW}第七十二条第一款第（四）项、《中华人民共和国行政强制法》第五十三条、"
                    f"第五十四条的规定，申请强制执行被申请人尚未缴纳的罚款{money_capital(case.fine_outstanding)}"
                    f"及加处罚款{money_capital(surcharge)}（截至{cn_date(on)}）。"
                ],
                "table": {
                    "columns": ["项目", "金额或日期"],
                    "rows": _execution_rows(case, on),
                    "widths": [45, 55],
                },
            },
            {
                "heading": "附件",
                "paragraphs": [
                    "1. 行政处罚决定书及送达回执；",
                    "2. 罚款催缴通知书及送达回执；",
                    "3. 作出决定的事实、理由和依据（案卷材料）。",
                ],
            },
        ],
        "notice": [],
        "signatures": [head],
        "date": cn_date(on),
    }


# --- Period, transfer and closing ----------------------------------------------------------------------


def build_case_extension(case) -> dict:
    event = _event(case, "extend")
    on = _event_date(event) or _today()
    data = (event.data or {}) if event is not None else {}
    days = data.get("days", "")
    deadline = case.deadlines.filter(rule_code="decision", cancelled=False).order_by("-pk").first()
    head = _user_signature("批准人（机关负责人）", event.actor if event else None, on)
    handlers = _handler_signatures(case, on)
    return {
        "fields": [
            *_case_header(case),
            {"label": "承办人", "value": officer_line(handlers)},
            {"label": "延长期限", "value": f"{days}日" if days != "" else ""},
            {"label": "累计延长", "value": f"{data.get('total', case.extension_days)}日"},
            {"label": "延长后办案期限", "value": cn_date(deadline.due_on) if deadline else ""},
        ],
        "sections": [
            {
                "heading": "延期理由",
                "paragraphs": [
                    *(_paragraphs(event.opinion) if event else []),
                    f"依据{PENALTY_LAW}第六十条的规定，行政处罚案件应当自立案之日起九十日内作出处理决定，"
                    f"因案情复杂等原因不能按期作出决定的，经负责人批准可以延长。",
                ],
            },
            {
                "heading": "审批意见",
                "paragraphs": [f"同意延长办案期限{days}日。", f"批准人：{_signed(head)}　{cn_date(on)}"],
            },
        ],
        "notice": [],
        "signatures": [*handlers, head],
        "date": cn_date(on),
    }


JUDICIAL = ("公安", "检察", "监察", "法院")


def build_case_transfer(case) -> dict:
    from zhifa.cases.casefile import case_documents

    event = _event(case, "transfer")
    on = _event_date(event) or _today()
    reason = case.end_reason or (event.opinion if event else "")
    if any(word in case.transferred_to for word in JUDICIAL):
        basis = f"依据{PENALTY_LAW}第二十七条、《行政执法机关移送涉嫌犯罪案件的规定》的规定"
    else:
        basis = f"依据{PENALTY_LAW}关于管辖的规定"
    documents = case_documents(case).count()
    head = _user_signature("机关负责人", event.actor if event else None, on)
    return {
        "fields": [
            *_case_header(case),
            {"label": "移送机关", "value": case.transferred_to},
            {"label": "移送理由", "value": reason},
        ],
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    f"{case.transferred_to}：",
                    f"{case.party_name}涉嫌{case.cause}一案，经本机关调查，{reason.rstrip('。')}。"
                    f"{basis}，现将该案移送你单位处理，请依法处理并将处理结果函告本机关。",
                    f"附件：案卷材料（已签发文书 {documents} 件）及证据材料清单。",
                ],
                **({"table": _evidence_table(case)} if _evidence_table(case) else {}),
            }
        ],
        "notice": [],
        "signatures": [head],
        "date": cn_date(on),
    }


def build_case_closing(case) -> dict:
    from zhifa.cases.choices import CaseStatus
    from zhifa.cases.services import surcharge_due

    closed = _event(case, "close")
    closed_on = _event_date(closed) or case.closed_on or _today()
    executed = (
        case.events.filter(to_status=CaseStatus.EXECUTED)
        .exclude(from_status=CaseStatus.EXECUTED)
        .order_by("-at", "-pk")
        .first()
    )
    executed_on = _event_date(executed) or closed_on
    handlers = _handler_signatures(case, executed_on)
    head = _user_signature("审批人（机关负责人）", closed.actor if closed else None, closed_on)
    payments = list(case.payments.order_by("paid_on", "pk"))
    result = (
        f"{case.decision_number}，{cn_date(case.decided_on)}，{_decided_penalty(case)}"
        if case.decided_on
        else case.get_status_display()
    )
    execution = [
        {"label": "罚款金额", "value": money(case.fine_amount) if case.fine_amount else "—"},
        {"label": "已缴纳罚款", "value": money(case.paid_amount)},
        {"label": "已缴纳加处罚款", "value": money(case.surcharge_paid)},
        {"label": "应加处罚款", "value": money(surcharge_due(case, executed_on))},
        {"label": "决定送达日期", "value": cn_date(case.served_on)},
        {"label": "缴款期限", "value": cn_date(case.payment_due_on)},
        {"label": "执行完毕日期", "value": cn_date(executed_on)},
    ]
    sections: list[dict[str, Any]] = []
    if payments:
        sections.append(
            {
                "heading": "缴款情况",
                "paragraphs": [],
                "table": {
                    "columns": ["序号", "款项", "金额", "缴纳日期", "凭证号"],
                    "rows": [
                        [str(n), p.get_kind_display(), money(p.amount), cn_date(p.paid_on), p.receipt_number]
                        for n, p in enumerate(payments, start=1)
                    ],
                    "widths": [8, 18, 24, 24, 26],
                },
            }
        )
    if case.fine_amount:
        handling = f"罚款{money_capital(case.paid_amount)}已缴清，本案执行完毕，建议结案。"
    else:
        handling = "本案处理决定已执行完毕，建议结案。"
    sections += [
        {
            "heading": "承办人意见",
            "paragraphs": [handling, f"承办人：{officer_line(handlers)}　{cn_date(executed_on)}"],
        },
        {
            "heading": "审批意见",
            "paragraphs": [_opinion(closed), f"审批人：{_signed(head)}　{cn_date(closed_on)}"],
        },
    ]
    return {
        "fields": [
            *_case_header(case),
            {"label": "处理结果", "value": result},
            *execution,
            {"label": "结案日期", "value": cn_date(case.closed_on or closed_on)},
        ],
        "sections": sections,
        "notice": [],
        "signatures": [*handlers, head],
        "date": cn_date(closed_on),
    }


# --- Dispatch ----------------------------------------------------------------------------------------

#: form kind → builder of its content; every kind of ``0003_case_form_kinds``.
BUILDERS: dict[str, Callable[[Any], dict]] = {
    "case_registration": build_case_registration,
    "inquiry_notice": build_inquiry_notice,
    "inquiry_record": build_inquiry_record,
    "scene_record": build_scene_record,
    "sampling_record": build_sampling_record,
    "preservation_notice": build_preservation_notice,
    "preservation_decision": build_preservation_decision,
    "investigation_report": build_investigation_report,
    "handling_approval": build_handling_approval,
    "legal_review_opinion": build_legal_review_opinion,
    "collective_discussion": build_collective_discussion,
    "penalty_notice": build_penalty_notice,
    "hearing_notice": build_hearing_notice,
    "statement_record": build_statement_record,
    "hearing_record": build_hearing_record,
    "penalty_decision": build_penalty_decision,
    "on_spot_decision": build_on_spot_decision,
    "no_penalty_decision": build_no_penalty_decision,
    "payment_demand": build_payment_demand,
    "instalment_approval": build_instalment_approval,
    "enforcement_application": build_enforcement_application,
    "case_extension": build_case_extension,
    "case_transfer": build_case_transfer,
    "case_closing": build_case_closing,
}


def build_content(kind: str, subject) -> dict:
    """The content of form ``kind`` about ``subject`` (see the module docstring for the subjects)."""
    try:
        builder = BUILDERS[kind]
    except KeyError:
        raise ValueError(f"no case form builder for {kind!r}") from None
    return builder(subject)

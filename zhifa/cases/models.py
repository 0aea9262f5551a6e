"""Penalty cases (行政处罚案件): the case, its handling officers, events, legal reviews and deadlines.

A case moves only through ``zhifa.cases.services.perform`` along the transition table in
``zhifa.cases.workflow``; every move writes a ``CaseEvent`` (the approval record that the forms print)
and an audit-chain row. Registered cases are never deleted: they end revoked (撤销) with a reason, or
transferred (移送), or closed and archived.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import (
    CaseStatus,
    DecisionKind,
    PartyKind,
    PaymentKind,
    PreservationOutcome,
    Procedure,
    ReviewOutcome,
    SourceKind,
)
from zhifa.core.audit import AuditedModel
from zhifa.core.crypto import HASH_ID_NUMBER, HASH_PHONE
from zhifa.core.fields import EncryptedCharField, SearchHashField
from zhifa.core.scoping import RestrictedQuerySet

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class ProcedureRules(AuditedModel):
    """The procedure's figures that are local or about to change (the 2015 办法 is replaced by 应急管理部令
    第18号 from 2026-02-01): data with an effective date, never constants in code. The rules in force on a
    date are the newest row whose ``effective_from`` is on or before it."""

    effective_from = models.DateField(_("施行日期"), unique=True)
    source = models.CharField(_("依据"), max_length=200)
    simple_max_person = models.DecimalField(
        _("当场处罚罚款上限（个人）"), default=Decimal("200"), help_text=_("行政处罚法第五十一条"), **MONEY
    )
    simple_max_unit = models.DecimalField(
        _("当场处罚罚款上限（单位）"), default=Decimal("3000"), help_text=_("行政处罚法第五十一条"), **MONEY
    )
    on_spot_collection_max = models.DecimalField(
        _("当场收缴罚款上限"),
        default=Decimal("100"),
        help_text=_("行政处罚法第六十八条：依法给予一百元以下罚款的，可以当场收缴（边远等地区另有规定）"),
        **MONEY,
    )
    hearing_min_person = models.DecimalField(
        _("听证告知起点（个人）"), default=Decimal("20000"), help_text=_("省级规定，可配置"), **MONEY
    )
    hearing_min_unit = models.DecimalField(
        _("听证告知起点（单位）"), default=Decimal("50000"), help_text=_("省级规定，可配置"), **MONEY
    )
    major_min_person = models.DecimalField(
        _("重大案件起点（个人）"),
        default=Decimal("10000"),
        help_text=_("达到即须集体讨论（本地规定，可配置）"),
        **MONEY,
    )
    major_min_unit = models.DecimalField(
        _("重大案件起点（单位）"),
        default=Decimal("100000"),
        help_text=_("达到即须集体讨论（本地规定，可配置）"),
        **MONEY,
    )
    surcharge_rate = models.DecimalField(
        _("加处罚款日比例"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.03"),
        help_text=_("行政处罚法第七十二条：每日按罚款数额的百分之三加处罚款，不超过罚款数额"),
    )
    review_all_district_cases = models.BooleanField(_("区局直办普通程序案件也须法制审核"), default=True)
    payment_bank = models.CharField(
        _("罚款缴纳银行及账户"), max_length=200, default="指定代收银行（以缴款通知为准）"
    )
    review_body = models.CharField(_("行政复议机关"), max_length=100, default="武进区人民政府")
    litigation_court = models.CharField(_("管辖法院"), max_length=100, default="有管辖权的人民法院")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("程序参数")
        verbose_name_plural = _("程序参数")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.source}（{self.effective_from:%Y-%m-%d} 起）"

    @classmethod
    def in_force(cls, on: date | None = None) -> ProcedureRules:
        on = on or timezone.localdate()
        rules = cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
        if rules is None:
            rules = cls.objects.order_by("effective_from").first()
        if rules is None:  # a fresh database before the seed migration ran: the statutory defaults
            rules = cls(effective_from=date(2021, 7, 15), source="行政处罚法（2021）")
        return rules


class CaseQuerySet(RestrictedQuerySet):
    board_path = "board"

    def open(self):
        return self.exclude(
            status__in=[
                CaseStatus.CLOSED,
                CaseStatus.ARCHIVED,
                CaseStatus.NOT_REGISTERED,
                CaseStatus.REVOKED,
                CaseStatus.TRANSFERRED,
            ]
        )


class Case(AuditedModel):
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("承办板块"), on_delete=models.PROTECT, related_name="cases"
    )
    agency = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("处罚机关"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("以其名义作出决定的机关：区局，或依赋权以自己名义执法的板块"),
    )
    procedure = models.CharField(
        _("程序"), max_length=16, choices=Procedure.choices, default=Procedure.GENERAL
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.DRAFT, db_index=True
    )
    # Source
    source_kind = models.CharField(_("案件来源"), max_length=16, choices=SourceKind.choices)
    source = models.ForeignKey(
        "inspections.CaseSource",
        verbose_name=_("案件线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source_note = models.TextField(_("来源说明"), blank=True)
    # Party
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    party_kind = models.CharField(_("当事人类型"), max_length=8, choices=PartyKind.choices)
    party_name = models.CharField(_("当事人"), max_length=128)
    # Encrypted at rest (SM4): an individual's ID number, a unit's credit code; searched by the hash.
    party_code = EncryptedCharField(_("统一社会信用代码/身份证号码"), max_length=32, blank=True)
    party_code_hash = SearchHashField(
        _("统一社会信用代码/身份证号码（检索哈希）"), source="party_code", kind=HASH_ID_NUMBER
    )
    party_address = models.CharField(_("住所（地址）"), max_length=200, blank=True)
    party_representative = models.CharField(_("法定代表人（负责人）"), max_length=64, blank=True)
    party_phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)
    party_phone_hash = SearchHashField(_("联系电话（检索哈希）"), source="party_phone", kind=HASH_PHONE)
    # Facts
    cause = models.CharField(_("案由"), max_length=200)
    facts = models.TextField(_("违法事实"), blank=True)
    # Registration (立案)
    registration_number = models.CharField(_("立案编号"), max_length=64, blank=True, db_index=True)
    registered_on = models.DateField(_("立案日期"), null=True, blank=True)
    officers = models.ManyToManyField(
        "orgs.Officer", through="CaseOfficer", verbose_name=_("承办人"), related_name="cases"
    )
    # Proposal (from the discretion benchmark) — any change invalidates an earlier legal review
    violation_type = models.ForeignKey(
        "discretion.ViolationType",
        verbose_name=_("违法行为（裁量基准）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    decision_kind = models.CharField(_("处理意见"), max_length=16, choices=DecisionKind.choices, blank=True)
    penalty_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    proposed_fine = models.DecimalField(
        _("拟罚款金额（元）"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    proposal = models.JSONField(_("裁量建议"), default=dict, blank=True)
    deviation_reason = models.TextField(_("偏离裁量基准的理由"), blank=True)
    proposal_version = models.PositiveIntegerField(_("处理意见版本"), default=0)
    is_major = models.BooleanField(_("重大复杂案件（须集体讨论）"), default=False)
    investigation_report = models.TextField(_("调查报告（调查经过、违法事实、证据、处理建议）"), blank=True)
    discussion_record = models.TextField(_("集体讨论记录"), blank=True)
    discussion_participants = models.CharField(_("参加集体讨论人员"), max_length=300, blank=True)
    # Decision (行政处罚决定)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=64, blank=True, db_index=True)
    fine_amount = models.DecimalField(_("决定罚款金额（元）"), null=True, blank=True, **MONEY)
    served_on = models.DateField(_("决定送达日期"), null=True, blank=True)
    # Execution
    paid_amount = models.DecimalField(_("已缴纳罚款（元）"), default=Decimal("0"), **MONEY)
    surcharge_paid = models.DecimalField(_("已缴纳加处罚款（元）"), default=Decimal("0"), **MONEY)
    payment_due_on = models.DateField(_("缴款期限"), null=True, blank=True)
    # Extensions of the 90-day decision period (approved)
    extension_days = models.PositiveIntegerField(_("已批准延长办案期限（日）"), default=0)
    simple_filed_on = models.DateField(_("当场处罚备案日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    archived_on = models.DateField(_("归档日期"), null=True, blank=True)
    case_file_sha256 = models.CharField(_("电子卷宗 SHA-256"), max_length=64, blank=True)
    # Endings other than closing
    end_reason = models.TextField(_("撤销/移送/不予立案理由"), blank=True)
    transferred_to = models.CharField(_("移送机关"), max_length=128, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()
    # The audit chain records that a personal value changed (its hash), never the value.
    audit_exclude = ("party_code", "party_phone")

    class Meta:
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["board", "status"], name="case_board_status_idx")]
        constraints = [
            # A decided case has a decision date; a penalty decision of a fine has its amount.
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | ~Q(decision_kind=""),
                name="case_decided_has_kind",
            ),
        ]
        permissions = [
            ("handle_case", _("承办案件（调查取证、告知、送达、执行）")),
            ("review_registration", _("立案审核")),
            ("approve_case", _("审批案件（机关负责人）")),
            ("legal_review_case", _("法制审核")),
            ("decide_case", _("作出行政处罚决定（机关负责人）")),
        ]

    def __str__(self) -> str:
        return f"{self.registration_number or _('未立案')} {self.party_name} {self.cause}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def is_board_case(self) -> bool:
        return self.board.is_board

    @property
    def fine_outstanding(self) -> Decimal:
        return max(Decimal("0"), (self.fine_amount or Decimal("0")) - self.paid_amount)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("案件不得删除；如需终止，请以书面理由撤销。"))

    def save(self, *args, **kwargs):
        # The legal-review gate, kept at the model too: whatever path writes a decision (a service, the
        # admin, a shell), a board case's penalty decision needs an approved review of this proposal.
        from zhifa.cases.gate import check_decision_allowed

        loaded = getattr(self, "_audit_loaded", {})
        if self.decided_on and not loaded.get("decided_on"):
            check_decision_allowed(self)
        super().save(*args, **kwargs)


class CaseOfficer(models.Model):
    """An officer handling the case (承办人); the first two sign the forms."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_officers")
    officer = models.ForeignKey("orgs.Officer", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="case_officer_unique")]

    def __str__(self) -> str:
        return str(self.officer)


class CaseEvent(models.Model):
    """One transition or recorded step: who, opinion, when. The approval chains print from these."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(_("环节"), max_length=40)
    label = models.CharField(_("环节名称"), max_length=64)
    from_status = models.CharField(_("原状态"), max_length=24, choices=CaseStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=24, choices=CaseStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("经办人"), max_length=64)
    opinion = models.TextField(_("意见"), blank=True)
    outcome = models.CharField(_("结论"), max_length=16, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件流转记录")
        verbose_name_plural = _("案件流转记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.label} {self.actor_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("流转记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("流转记录不可删除"))


class LegalReviewQuerySet(RestrictedQuerySet):
    board_path = "case__board"

    def pending(self):
        return self.filter(outcome="")


class LegalReview(AuditedModel):
    """法制审核: one round per submission. The gate reads the approved round of the current proposal."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_reviews")
    round = models.PositiveSmallIntegerField(_("审核轮次"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("审核期限"))
    proposal_version = models.PositiveIntegerField(_("审核的处理意见版本"))
    proposal_snapshot = models.JSONField(_("送审处理意见"), default=dict)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("法制审核员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        _("审核意见"), max_length=16, choices=ReviewOutcome.choices, blank=True, db_index=True
    )
    checklist = models.JSONField(_("审核要点"), default=dict, blank=True)
    opinion = models.TextField(_("审核意见说明"), blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    document = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("法制审核意见书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = LegalReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="legal_review_round_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(outcome=""), name="legal_review_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} 第{self.round}轮"

    def get_absolute_url(self) -> str:
        return reverse("cases:review_detail", args=[self.pk])


class DeadlineQuerySet(RestrictedQuerySet):
    board_path = "case__board"

    def running(self):
        return self.filter(met_at__isnull=True, cancelled=False)

    def overdue(self, today: date | None = None):
        return self.running().filter(due_on__lt=today or timezone.localdate())

    def due_within(self, days: int, today: date | None = None):
        from datetime import timedelta

        today = today or timezone.localdate()
        return self.running().filter(due_on__gte=today, due_on__lte=today + timedelta(days))


class CaseDeadline(models.Model):
    """A statutory period running for the case: opened by one step, met by another (stored so that
    dashboards list what is due and overdue with one indexed query)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines")
    rule_code = models.CharField(_("期限规则"), max_length=40)
    label = models.CharField(_("期限"), max_length=64)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    start = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"), db_index=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled = models.BooleanField(_("已不适用"), default=False)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("办案期限")
        verbose_name_plural = _("办案期限")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        if self.cancelled:
            return False
        end = timezone.localdate() if self.met_at is None else timezone.localtime(self.met_at).date()
        return end > self.due_on


class CaseRecord(AuditedModel):
    """An investigation record (询问笔录, 勘验笔录, 抽样取证凭证, 询问通知书) and the document issued from it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("种类"), max_length=24)
    on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    person = models.CharField(_("被询问人/见证人/当事人"), max_length=64, blank=True)
    person_title = models.CharField(_("身份/职务"), max_length=64, blank=True)
    content = models.TextField(_("内容"))
    officers = models.ManyToManyField("orgs.Officer", verbose_name=_("执法人员"), related_name="+")
    document = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调查记录")
        verbose_name_plural = _("调查记录")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class CaseEvidence(AuditedModel):
    """An evidence file of the case (photo, recording, documentary evidence), content-addressed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(_("证据名称"), max_length=128)
    kind = models.CharField(_("证据种类"), max_length=16)
    collected_on = models.DateField(_("取证日期"))
    collected_by = models.CharField(_("取证人"), max_length=64, blank=True)
    description = models.TextField(_("证明对象"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("大小"), default=0)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    inspection_evidence = models.ForeignKey(
        "inspections.Evidence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件证据")
        verbose_name_plural = _("案件证据")
        ordering = ["collected_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def delete(self, *args, **kwargs):
        raise ValidationError(_("证据不可删除"))


class Preservation(AuditedModel):
    """先行登记保存证据 (行政处罚法 art. 56): approved by the head, decided on within 7 working days."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="preservations")
    items = models.TextField(_("登记保存物品清单"))
    place = models.CharField(_("保存地点"), max_length=200)
    started_on = models.DateField(_("登记保存日期"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    notice = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("处理决定"), max_length=16, choices=PreservationOutcome.choices, blank=True)
    decided_on = models.DateField(_("处理决定日期"), null=True, blank=True)
    decision = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("先行登记保存")
        verbose_name_plural = _("先行登记保存")
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.started_on}"


class Payment(AuditedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("款项"), max_length=16, choices=PaymentKind.choices, default=PaymentKind.FINE)
    amount = models.DecimalField(_("金额（元）"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    paid_on = models.DateField(_("缴纳日期"))
    receipt_number = models.CharField(_("缴款凭证号"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("缴款记录")
        verbose_name_plural = _("缴款记录")
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount}"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("缴款记录不可删除"))


class Instalment(models.Model):
    """延期或分期缴纳罚款 (art. 66), approved by the agency head: the schedule replaces the 15-day term."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="instalments")
    due_on = models.DateField(_("缴纳期限"))
    amount = models.DecimalField(_("金额（元）"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.due_on} {self.amount}"


class Hearing(AuditedModel):
    """听证 (行政处罚法 arts. 63–65): requested within 5 working days of the notice, notified 7 days
    before, chaired by someone who did not investigate the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hearings")
    requested_on = models.DateField(_("申请日期"))
    scheduled_for = models.DateTimeField(_("举行时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    chair = models.ForeignKey(
        "orgs.Officer",
        verbose_name=_("听证主持人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("举行日期"), null=True, blank=True)
    record = models.TextField(_("听证笔录"), blank=True)
    conclusion = models.TextField(_("听证意见"), blank=True)
    notice = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("听证")
        verbose_name_plural = _("听证")
        ordering = ["requested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.requested_on}"

"""Inspections in the field: checklists, the on-site record, hazards, evidence, rectification, re-inspection.

Every state change goes through ``zhifa.inspections.services``; the rule that at least two officers
holding certificates valid on the inspection date sign an inspection lives there, in the domain layer,
so the UI, the API, the CLI and the admin all meet it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.crypto import HASH_PHONE
from zhifa.core.fields import EncryptedCharField, SearchHashField
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.inspections.choices import (
    CaseSourceStatus,
    ChecklistStatus,
    EvidenceKind,
    ExtensionStatus,
    HazardLevel,
    HazardStatus,
    InspectionOrigin,
    InspectionStatus,
    ItemResult,
    OfficerBasis,
    ReviewOutcome,
)


class BoardScopedQuerySet(RestrictedQuerySet):
    board_path = "board"


class InspectionQuerySet(BoardScopedQuerySet):
    def jurisdiction_q(self, user) -> Q:
        """The board's inspections, plus those the user's officer is on the team of (cross enforcement)."""
        officer_id = getattr(user, "officer_id", None)
        if not officer_id:
            return super().jurisdiction_q(user)
        on_team = InspectionOfficer.objects.filter(inspection=models.OuterRef("pk"), officer_id=officer_id)
        return super().jurisdiction_q(user) | Q(models.Exists(on_team))


# --- Checklists ----------------------------------------------------------------------------------


class ChecklistTemplateQuerySet(RestrictedQuerySet):
    board_path = None  # district-wide reference material

    def published(self):
        return self.filter(status=ChecklistStatus.PUBLISHED)

    def latest_published(self):
        """The newest published version of each checklist family (code)."""
        newest = (
            ChecklistTemplate.objects.filter(code=models.OuterRef("code"), status=ChecklistStatus.PUBLISHED)
            .order_by("-version")
            .values("pk")[:1]
        )
        return self.published().filter(pk=models.Subquery(newest))


class ChecklistTemplate(AuditedModel):
    """One version of a checklist. An inspection keeps the version it used; editing a published
    checklist makes a new draft version (``services.new_checklist_version``)."""

    code = models.CharField(_("代码"), max_length=32, help_text=_("同一检查表各版本共用，如 general、chem"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=64)
    expert_group = models.ForeignKey(
        "experts.ExpertGroup",
        verbose_name=_("适用专业组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklists",
        help_text=_("留空为通用检查表"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ChecklistStatus.choices, default=ChecklistStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    def get_absolute_url(self) -> str:
        return reverse("inspections:checklist_detail", args=[self.pk])


class ChecklistItem(AuditedModel):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    section = models.CharField(_("类别"), max_length=32, blank=True, help_text=_("如 安全管理、现场设备设施"))
    text = models.CharField(_("检查内容"), max_length=300)
    legal_basis = models.CharField(_("法律依据"), max_length=200, help_text=_("法律法规名称及条款"))
    major_basis = models.CharField(
        _("重大隐患判定依据"),
        max_length=200,
        blank=True,
        help_text=_("引用重大事故隐患判定标准条款时，“不符合”默认判为重大隐患"),
    )
    default_level = models.CharField(
        _("默认隐患等级"), max_length=16, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="checklist_item_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    @property
    def hazard_level(self) -> str:
        return HazardLevel.MAJOR if self.major_basis.strip() else self.default_level


# --- The on-site inspection ----------------------------------------------------------------------


class Inspection(AuditedModel):
    """The on-site inspection record (现场检查记录). Drafts may be incomplete; sign-off needs all of it."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("被检查单位"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    board = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("板块"),
        on_delete=models.PROTECT,
        related_name="inspections",
        help_text=_("被检查单位在检查时所属的板块"),
    )
    origin = models.CharField(
        _("检查类型"), max_length=16, choices=InspectionOrigin.choices, default=InspectionOrigin.AD_HOC
    )
    cross_enforcement = models.BooleanField(
        _("交叉执法"), default=False, help_text=_("由区级安排的交叉执法：其他板块的执法人员可参加")
    )
    checklist = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="inspections"
    )
    officers = models.ManyToManyField(
        "orgs.Officer", through="InspectionOfficer", verbose_name=_("执法人员"), related_name="inspections"
    )
    expert = models.ForeignKey(
        "experts.Expert",
        verbose_name=_("专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    assistants = models.ManyToManyField(
        "orgs.Officer",
        verbose_name=_("协助人员（安管员）"),
        blank=True,
        related_name="assisted_inspections",
        help_text=_("专职安管员等辅助人员，不计入两名执法人员"),
    )
    started_at = models.DateTimeField(_("检查开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("检查结束时间"), null=True, blank=True)
    place = models.CharField(_("检查场所"), max_length=200, blank=True)
    onsite_person_name = models.CharField(_("现场负责人"), max_length=32, blank=True)
    onsite_person_title = models.CharField(_("职务"), max_length=32, blank=True)
    onsite_person_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    onsite_person_phone_hash = SearchHashField(
        _("联系电话（检索哈希）"), source="onsite_person_phone", kind=HASH_PHONE
    )
    findings = models.TextField(_("检查情况"), blank=True)
    recorder = models.ForeignKey(
        "orgs.Equipment",
        verbose_name=_("执法记录仪"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=InspectionStatus.choices,
        default=InspectionStatus.DRAFT,
        db_index=True,
    )
    document = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("现场检查记录文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签署人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填写人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本号"), default=1)

    objects = InspectionQuerySet.as_manager()
    # The audit chain records that a personal value changed (its hash), never the value.
    audit_exclude = ("onsite_person_phone",)

    class Meta:
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        ordering = ["-started_at", "-pk"]
        permissions = [("sign_off_inspection", _("签署现场检查记录"))]
        indexes = [
            # Board lists and the monthly bulletin filter by board, status and date.
            models.Index(fields=["board", "status", "started_at"], name="inspection_board_status_idx"),
            models.Index(fields=["enterprise", "started_at"], name="inspection_enterprise_idx"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.started_at).strftime("%Y-%m-%d") if self.started_at else _("草稿")
        return f"{self.enterprise} {when}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def inspection_date(self) -> date | None:
        return timezone.localtime(self.started_at).date() if self.started_at else None

    @property
    def is_draft(self) -> bool:
        return self.status == InspectionStatus.DRAFT


class InspectionOfficer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    officer = models.ForeignKey("orgs.Officer", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("参与依据"), max_length=16, choices=OfficerBasis.choices, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("检查人员")
        verbose_name_plural = _("检查人员")
        ordering = ["inspection", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "officer"], name="inspection_officer_unique")
        ]

    def __str__(self) -> str:
        return str(self.officer)


class InspectionResult(models.Model):
    """The result of one checklist item in one inspection (saved with the draft; audited with it)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结果"), max_length=16, choices=ItemResult.choices, blank=True)
    note = models.CharField(_("情况说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_result_display()}"


# --- Hazards -------------------------------------------------------------------------------------


class HazardQuerySet(BoardScopedQuerySet):
    def open(self):
        return self.exclude(status=HazardStatus.CLOSED)

    def overdue(self, today: date | None = None):
        """Open hazards whose rectification deadline has passed (逾期 is derived, never stored)."""
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)


class Hazard(AuditedModel):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="hazards"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="hazards"
    )
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="hazards"
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("检查项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("隐患描述"))
    level = models.CharField(
        _("隐患等级"), max_length=16, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    legal_basis = models.CharField(_("依据"), max_length=200, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True, db_index=True)
    responsible_person = models.CharField(_("整改责任人"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=HazardStatus.choices, default=HazardStatus.PENDING, db_index=True
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Dashboards list open and overdue hazards per board and level.
            models.Index(fields=["board", "status", "deadline"], name="hazard_board_status_idx"),
            models.Index(fields=["level", "status"], name="hazard_level_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise}：{self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:hazard_detail", args=[self.pk])

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != HazardStatus.CLOSED and self.deadline is not None and self.deadline < today


class HazardEvent(models.Model):
    """One transition of a hazard (after healthchecks' Flip): old and new status, who, why, when."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=HazardStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("隐患流转记录")
        verbose_name_plural = _("隐患流转记录")
        ordering = ["hazard", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.hazard_id}: {self.from_status}→{self.to_status}"


# --- Evidence ------------------------------------------------------------------------------------


class Evidence(AuditedModel):
    """An uploaded photo, recording or document, stored content-addressed by SHA-256 (never overwritten)."""

    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    reinspection = models.ForeignKey(
        "ReInspection",
        verbose_name=_("复查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=EvidenceKind.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    original_name = models.CharField(_("原文件名"), max_length=200)
    has_thumbnail = models.BooleanField(_("有缩略图"), default=False)
    thumbnail_sha256 = models.CharField(
        _("缩略图 SHA-256"),
        max_length=64,
        blank=True,
        help_text=_("照片的 320 像素 JPEG 缩略图，单独存放，原件不变"),
    )
    recorder = models.ForeignKey(
        "orgs.Equipment",
        verbose_name=_("执法记录仪"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    captured_at = models.DateTimeField(_("拍摄/采集时间"), null=True, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = BoardScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


# --- Rectification and re-inspection -------------------------------------------------------------


class RectificationOrder(AuditedModel):
    """责令限期整改指令书: the hazards of one inspection, each with its deadline."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="rectification_orders"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="+"
    )
    hazards = models.ManyToManyField(Hazard, through="RectificationItem", related_name="orders")
    document = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("下达时间"), default=timezone.now)

    objects = BoardScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("责令限期整改指令书")
        verbose_name_plural = _("责令限期整改指令书")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.document.number if self.document is not None else f"{self.enterprise} 整改指令"

    def get_absolute_url(self) -> str:
        return reverse("inspections:order_detail", args=[self.pk])


class RectificationItem(models.Model):
    order = models.ForeignKey(RectificationOrder, on_delete=models.PROTECT, related_name="items")
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="order_items")
    deadline = models.DateField(_("整改期限"))

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["order", "hazard"], name="rectification_item_unique")]

    def __str__(self) -> str:
        return f"{self.hazard} → {self.deadline}"


class ExtensionRequest(AuditedModel):
    """整改复查延期申请: the enterprise asks for more time; a board or district leader decides."""

    order = models.ForeignKey(
        RectificationOrder, verbose_name=_("整改指令"), on_delete=models.PROTECT, related_name="extensions"
    )
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="+"
    )
    hazards = models.ManyToManyField(Hazard, verbose_name=_("申请延期的隐患"), related_name="extensions")
    requested_deadline = models.DateField(_("申请延期至"))
    reason = models.TextField(_("申请理由"))
    applicant = models.CharField(_("申请人"), max_length=64)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    opinion = models.TextField(_("审批意见"), blank=True)
    document = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoardScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改复查延期申请")
        verbose_name_plural = _("整改复查延期申请")
        ordering = ["-created_at", "-pk"]
        permissions = [("decide_extensionrequest", _("审批整改延期申请"))]

    def __str__(self) -> str:
        return f"{self.order} 延期至 {self.requested_deadline}"


class ReInspection(AuditedModel):
    """整改复查: re-checks only the open hazards of one order, closing or keeping each."""

    order = models.ForeignKey(
        RectificationOrder, verbose_name=_("整改指令"), on_delete=models.PROTECT, related_name="reinspections"
    )
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="+"
    )
    officers = models.ManyToManyField(
        "orgs.Officer", verbose_name=_("复查人员"), related_name="reinspections"
    )
    inspected_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    opinion = models.TextField(_("复查意见"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoardScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改复查")
        verbose_name_plural = _("整改复查")
        ordering = ["-inspected_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.order} 复查"

    def get_absolute_url(self) -> str:
        return reverse("inspections:reinspection_detail", args=[self.pk])


class ReInspectionOutcome(models.Model):
    reinspection = models.ForeignKey(ReInspection, on_delete=models.CASCADE, related_name="outcomes")
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="review_outcomes")
    outcome = models.CharField(_("复查结论"), max_length=16, choices=ReviewOutcome.choices, blank=True)
    new_deadline = models.DateField(_("新的整改期限"), null=True, blank=True)
    note = models.CharField(_("复查情况"), max_length=300, blank=True)

    class Meta:
        ordering = ["reinspection", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reinspection", "hazard"], name="review_outcome_unique")
        ]

    def __str__(self) -> str:
        return f"{self.hazard}: {self.get_outcome_display()}"


# --- The queue towards penalty cases -------------------------------------------------------------


class CaseSource(AuditedModel):
    """A finding that calls for a penalty, queued for registration as a case (the case workflow reads it)."""

    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="case_sources",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_sources",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_sources",
    )
    description = models.TextField(_("违法事实摘要"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CaseSourceStatus.choices,
        default=CaseSourceStatus.QUEUED,
        db_index=True,
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoardScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件线索")
        verbose_name_plural = _("案件线索")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False) | Q(hazard__isnull=False), name="case_source_has_origin"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise}：{self.description[:30]}"

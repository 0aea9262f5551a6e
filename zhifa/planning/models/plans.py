"""The annual inspection plan (安全生产法 art. 62): versions, their board-month figures and items."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.planning.choices import PlanItemKind, PlanStatus

_month = [MinValueValidator(1), MaxValueValidator(12)]


class PlanQuerySet(RestrictedQuerySet):
    board_path = None  # the district's plan is read by everyone in the district

    def in_force(self, district, year: int):
        return self.filter(district=district, year=year, status=PlanStatus.APPROVED)


class AnnualPlan(AuditedModel):
    """One version of a district's plan for a year. Revising an approved plan makes a new version
    (with its reason); the approved one stays in force until the new one is approved."""

    district = models.ForeignKey(
        "orgs.Region", verbose_name=_("区"), on_delete=models.PROTECT, related_name="annual_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    ruleset = models.ForeignKey(
        "planning.FrequencyRuleSet",
        verbose_name=_("频次与上限版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    figures = models.JSONField(_("所用参数"), default=dict, help_text=_("编制时所用频次、上限与产能参数"))
    calendar_note = models.CharField(_("工作日来源"), max_length=200, blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    reason = models.TextField(_("编制/修订理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编制人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("编制时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度监督检查计划")
        verbose_name_plural = _("年度监督检查计划")
        ordering = ["-year", "-version"]
        permissions = [
            ("submit_annualplan", _("报批年度计划")),
            ("approve_annualplan", _("批准年度计划")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "version"], name="plan_version_unique"),
            # At most one approved version per district and year: the one in force.
            models.UniqueConstraint(
                fields=["district", "year"],
                condition=models.Q(status=PlanStatus.APPROVED),
                name="plan_one_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度监督检查计划（第 {self.version} 版，{self.get_status_display()}）"


class PlanEvent(models.Model):
    """One transition of a plan: who moved it, from what to what, with which opinion or reason."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=PlanStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("计划流转记录")
        verbose_name_plural = _("计划流转记录")
        ordering = ["plan", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_status}→{self.to_status}"


class PlanBoardMonth(models.Model):
    """A board's month in a plan: inspections required (from its operating enterprises' classes)
    against what its certified officers can do. The district's own row holds the brigade's reserve
    (officers neither seconded nor paired, and the unpaired share of paired ones): required 0."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="board_months")
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.PositiveSmallIntegerField(_("月份"), validators=_month)
    working_days = models.PositiveSmallIntegerField(_("工作日"))
    required = models.PositiveIntegerField(_("应检查（家次）"), default=0)
    required_by_class = models.JSONField(_("按类别"), default=dict)
    random_quota = models.PositiveIntegerField(_("双随机配额"), default=0)
    targeted_quota = models.PositiveIntegerField(_("定向检查份额"), default=0)
    items_planned = models.PositiveIntegerField(_("专项与重点计划（家次）"), default=0)
    own_officers = models.PositiveSmallIntegerField(_("本板块持证人员"), default=0)
    attached_officers = models.PositiveSmallIntegerField(_("派驻/挂钩人员"), default=0)
    officer_days = models.DecimalField(_("持证人员工作日"), max_digits=9, decimal_places=2, default=0)
    capacity = models.PositiveIntegerField(_("检查能力（家次）"), default=0)
    shortfall = models.BooleanField(_("能力不足"), default=False, db_index=True)

    class Meta:
        verbose_name = _("板块月度计划")
        verbose_name_plural = _("板块月度计划")
        ordering = ["plan", "board__sort_order", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "board", "month"], name="plan_board_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.board_id} {self.month} 月：{self.required}/{self.capacity}"

    @property
    def gap(self) -> int:
        return max(0, self.required - self.capacity)


class PlanItem(AuditedModel):
    """A key sector or a special campaign (专项) in the plan: planned inspections over some months.

    Items are part of the targeted share; special campaigns are approved in advance with the plan
    (苏政办发〔2025〕14号 as applied by Wuxi)."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("类型"), max_length=16, choices=PlanItemKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    board = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("板块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空为全区，按各板块符合条件的企业数分配"),
    )
    sectors = models.JSONField(_("行业领域"), default=list, blank=True)
    industry_prefixes = models.JSONField(_("行业代码前缀"), default=list, blank=True)
    start_month = models.PositiveSmallIntegerField(_("开始月份"), validators=_month)
    end_month = models.PositiveSmallIntegerField(_("结束月份"), validators=_month)
    planned_count = models.PositiveIntegerField(_("计划检查（家次）"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("专项与重点")
        verbose_name_plural = _("专项与重点")
        ordering = ["plan", "start_month", "pk"]

    def __str__(self) -> str:
        return self.title

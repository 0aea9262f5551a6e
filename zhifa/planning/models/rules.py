"""The configurable figures of the annual plan and the draw, versioned by effective date.

No national table fixes how often an enterprise of each class is inspected, nor how many officers'
days go to planned inspections (REFERENCE §5): regions set them. So every figure the plan and the
draw read lives here, with its source and effective date beside it, and the demo values are marked
示例. A change is a new version with a later effective date; a plan records the version it used.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.enterprises.choices import EnforcementClass, Sector, StandardizationGrade
from zhifa.orgs.choices import Post

#: Posts drawn into teams by default: board leaders and officers, the brigade's captains and officers.
#: Bureau leaders and legal reviewers are left out (reviewers check the cases the teams open).
DEFAULT_DRAW_POSTS = [
    Post.BOARD_LEADER.value,
    Post.BOARD_OFFICER.value,
    Post.BRIGADE_CAPTAIN.value,
    Post.BRIGADE_VICE_CAPTAIN.value,
    Post.BRIGADE_OFFICER.value,
]

_share = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


def validate_posts(value) -> None:
    if not isinstance(value, list) or not set(value) <= set(Post.values):
        raise ValidationError(_("岗位应为列表，可选：%(p)s") % {"p": "、".join(Post.values)})


class FrequencyRuleSet(AuditedModel):
    """One version of the planning figures: frequencies and caps (child rows) and the capacity and
    draw figures (fields). The version in force on a date is the latest effective on or before it."""

    version = models.CharField(_("版本"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    effective_from = models.DateField(_("生效日期"))
    source = models.CharField(_("依据"), max_length=300, help_text=_("文件名称与文号；示例值请注明“示例”"))
    is_example = models.BooleanField(_("示例值"), default=False, help_text=_("演示用示例值，非正式文件"))
    note = models.TextField(_("说明"), blank=True)
    # Capacity (annual plan)
    inspections_per_team_day = models.DecimalField(
        _("每组每个工作日检查企业数"), max_digits=4, decimal_places=2, default=Decimal("2")
    )
    inspection_time_share = models.DecimalField(
        _("用于计划检查的工作时间占比"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=_share,
        help_text=_("其余时间用于立案查处、复查、培训等"),
    )
    paired_share = models.DecimalField(
        _("挂钩人员计入板块的时间占比"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=_share,
        help_text=_("派驻人员全部计入所派驻板块；挂钩人员按此比例计入，其余计入区大队机动力量"),
    )
    # The draw
    random_share = models.DecimalField(
        _("双随机抽取占比（不低于）"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.7"),
        validators=_share,
        help_text=_("年度计划中以双随机方式抽取的比例，其余为定向检查"),
    )
    officer_monthly_cap = models.PositiveSmallIntegerField(_("执法人员每月检查上限"), default=16)
    expert_monthly_cap = models.PositiveSmallIntegerField(_("专家每月检查上限"), default=8)
    officer_daily_cap = models.PositiveSmallIntegerField(_("执法人员每日检查上限"), default=2)
    expert_daily_cap = models.PositiveSmallIntegerField(_("专家每日检查上限"), default=2)
    min_gap_days = models.PositiveSmallIntegerField(
        _("两次检查最短间隔（天）"), default=30, help_text=_("距上次检查不足此天数的企业不参加抽取")
    )
    rotate_expert = models.BooleanField(
        _("专家也须轮换"), default=True, help_text=_("同一企业本次检查的专家不得与上次相同")
    )
    draw_posts = models.JSONField(
        _("参加抽取的岗位"), default=list, validators=[validate_posts], help_text=_("留空取默认岗位")
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查频次与上限（版本）")
        verbose_name_plural = _("检查频次与上限（版本）")
        ordering = ["-effective_from", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    @classmethod
    def current(cls, on: date) -> FrequencyRuleSet | None:
        return cls.objects.filter(effective_from__lte=on).order_by("-effective_from", "-pk").first()

    @property
    def posts(self) -> list[str]:
        return list(self.draw_posts) or list(DEFAULT_DRAW_POSTS)

    def frequencies(self) -> dict[str, int]:
        return {r.enforcement_class: r.per_year for r in self.frequency_rules.all()}

    def caps(self) -> dict[tuple[str, str], int | None]:
        return {(c.sector, c.standardization_grade): c.max_per_year for c in self.caps_rules.all()}

    def figures(self) -> dict:
        """Every figure of this version as plain data (kept with a plan and a draw)."""
        return {
            "version": self.version,
            "source": self.source,
            "is_example": self.is_example,
            "frequencies": self.frequencies(),
            "caps": {f"{s}/{g}": v for (s, g), v in sorted(self.caps().items())},
            "inspections_per_team_day": str(self.inspections_per_team_day),
            "inspection_time_share": str(self.inspection_time_share),
            "paired_share": str(self.paired_share),
            "random_share": str(self.random_share),
            "officer_monthly_cap": self.officer_monthly_cap,
            "expert_monthly_cap": self.expert_monthly_cap,
            "officer_daily_cap": self.officer_daily_cap,
            "expert_daily_cap": self.expert_daily_cap,
            "min_gap_days": self.min_gap_days,
            "rotate_expert": self.rotate_expert,
            "draw_posts": self.posts,
        }


class FrequencyRule(AuditedModel):
    """Planned inspections per year for one enforcement class (at least one: 应急〔2025〕11号)."""

    ruleset = models.ForeignKey(
        FrequencyRuleSet, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="frequency_rules"
    )
    enforcement_class = models.CharField(_("执法类别"), max_length=1, choices=EnforcementClass.choices)
    per_year = models.PositiveSmallIntegerField(
        _("每年检查次数"), validators=[MinValueValidator(1)], help_text=_("每家企业每年至少检查一次")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("检查频次")
        verbose_name_plural = _("检查频次")
        ordering = ["ruleset", "enforcement_class"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "enforcement_class"], name="frequency_class_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enforcement_class} 类每年 {self.per_year} 次"


class InspectionCap(AuditedModel):
    """At most this many inspections a year for an enterprise of a sector and 标准化 grade.

    Complaints, referrals and monitoring alarms are not capped and do not count (REFERENCE §5);
    county and town inspections count together. Empty means no cap.
    """

    ruleset = models.ForeignKey(
        FrequencyRuleSet, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="caps_rules"
    )
    sector = models.CharField(_("行业领域"), max_length=24, choices=Sector.choices)
    standardization_grade = models.CharField(
        _("标准化等级"), max_length=8, choices=StandardizationGrade.choices
    )
    max_per_year = models.PositiveSmallIntegerField(_("每年检查上限"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("年度检查上限")
        verbose_name_plural = _("年度检查上限")
        ordering = ["ruleset", "sector", "standardization_grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "sector", "standardization_grade"], name="inspection_cap_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_sector_display()} {self.get_standardization_grade_display()} ≤ {self.max_per_year}"

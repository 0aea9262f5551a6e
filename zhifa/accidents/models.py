"""Production-safety accidents (生产安全事故) in the district's boards, their casualty updates and the
level thresholds of 生产安全事故报告和调查处理条例 第三条.

The level is stored on the accident (lists filter and count by it) and recomputed on every save by
``zhifa.accidents.levels.accident_level`` from the thresholds held as data in ``LevelThreshold``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.accidents.choices import LEVELS_ASCENDING, AccidentCategory, AccidentLevel, Measure
from zhifa.accidents.deadlines import (
    INVESTIGATION_DAYS,
    INVESTIGATION_EXTENSION_DAYS,
    REPORT_WITHIN,
    add_natural_days,
    casualty_window_days,
)
from zhifa.core.audit import AuditedModel
from zhifa.core.scoping import RestrictedQuerySet

#: Direct loss is recorded in 元 to the 分; 16 digits hold far more than the 1亿 of the highest level.
LOSS_DIGITS = 16


class LevelThresholdQuerySet(RestrictedQuerySet):
    board_path = None  # district-wide reference data


class LevelThreshold(AuditedModel):
    """The least figure of one measure that puts an accident at one level (以上 includes the figure).

    Held as data so that an amended regulation is a change of rows, not of code; the system
    administrator edits them in the admin. 一般事故 has no row: it is every accident below 较大.
    """

    level = models.CharField(
        _("事故等级"),
        max_length=16,
        choices=[(lv.value, lv.label) for lv in LEVELS_ASCENDING if lv != AccidentLevel.GENERAL],
    )
    measure = models.CharField(_("指标"), max_length=24, choices=Measure.choices)
    minimum = models.DecimalField(
        _("下限（含）"),
        max_digits=LOSS_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("达到该数值（“以上”含本数）即为该等级；人数填整数，损失以元计"),
    )
    source = models.CharField(_("依据"), max_length=200)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = LevelThresholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("事故等级标准")
        verbose_name_plural = _("事故等级标准")
        ordering = ["measure", "minimum"]
        constraints = [
            models.UniqueConstraint(fields=["level", "measure"], name="accident_threshold_level_measure")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.get_measure_display()} ≥ {self.minimum.normalize():f}"

    def clean(self):
        if self.measure != Measure.DIRECT_LOSS and self.minimum is not None and self.minimum % 1:
            raise ValidationError({"minimum": _("人数下限应为整数")})
        if not (self.level and self.measure and self.minimum is not None):
            return
        # Levels stay in order for each measure: a higher level needs strictly more.
        rank = [lv.value for lv in LEVELS_ASCENDING].index(self.level)
        others = LevelThreshold.objects.filter(measure=self.measure).exclude(pk=self.pk)
        for other in others:
            other_rank = [lv.value for lv in LEVELS_ASCENDING].index(other.level)
            if other_rank < rank and other.minimum >= self.minimum:
                raise ValidationError(
                    {
                        "minimum": _("应高于%(other)s的下限 %(n)s")
                        % {"other": other.get_level_display(), "n": other.minimum}
                    }
                )
            if other_rank > rank and other.minimum <= self.minimum:
                raise ValidationError(
                    {
                        "minimum": _("应低于%(other)s的下限 %(n)s")
                        % {"other": other.get_level_display(), "n": other.minimum}
                    }
                )


class AccidentQuerySet(RestrictedQuerySet):
    board_path = "board"

    def in_year(self, year: int):
        """Accidents of a calendar year in Beijing time (the index on board and time serves it)."""
        start = timezone.make_aware(datetime(year, 1, 1))
        end = timezone.make_aware(datetime(year + 1, 1, 1))
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)


class Accident(AuditedModel):
    """One accident as the statistics record it (REFERENCE §7): unit, time, place, category, casualties,
    direct loss, cause and industry, with the unit's report time and the investigation that follows.

    ``investigation_case`` is the penalty case opened on the investigation's findings, when there is one.
    """

    board = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("事故发生板块"),
        on_delete=models.PROTECT,
        related_name="accidents",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("事故单位（已登记企业）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accidents",
    )
    unit_name = models.CharField(
        _("事故单位名称"),
        max_length=128,
        blank=True,
        help_text=_("未在企业台账登记的单位填写名称；选择了已登记企业时自动取其名称"),
    )
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("发生地点"), max_length=200)
    category = models.CharField(_("行业类别"), max_length=16, choices=AccidentCategory.choices)
    industry = models.ForeignKey(
        "enterprises.Industry",
        verbose_name=_("国民经济行业（GB/T 4754）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(
        _("重伤人数"), default=0, help_text=_("含急性工业中毒人数")
    )
    acute_poisonings = models.PositiveIntegerField(
        _("其中急性工业中毒"), default=0, help_text=_("已计入重伤人数")
    )
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    direct_loss = models.DecimalField(
        _("直接经济损失（元）"),
        max_digits=LOSS_DIGITS,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cause = models.TextField(_("事故原因"), blank=True)
    summary = models.TextField(_("事故经过"), blank=True)
    reported_at = models.DateTimeField(_("单位报告时间"), help_text=_("事故单位向应急管理部门报告的时间"))
    is_fire_or_road = models.BooleanField(
        _("火灾或道路交通事故"), default=False, help_text=_("伤亡人数变化的补报期限为 7 日（其他为 30 日）")
    )
    level = models.CharField(
        _("事故等级"),
        max_length=16,
        choices=AccidentLevel.choices,
        default=AccidentLevel.GENERAL,
        editable=False,
        db_index=True,
    )
    investigation_extended = models.BooleanField(
        _("调查期限已延长"), default=False, help_text=_("经批准延长，最长不超过 60 日")
    )
    investigation_report_on = models.DateField(_("调查报告提交日期"), null=True, blank=True)
    investigation_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("调查处理案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investigated_accidents",
        help_text=_("依事故调查结论立案查处的行政处罚案件"),
    )

    objects = AccidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # The list's board and year filters and the double-decline counts read by board and time.
            models.Index(fields=["board", "occurred_at"], name="accident_board_time_idx"),
            models.Index(fields=["occurred_at"], name="accident_time_idx"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.occurred_at).strftime("%Y-%m-%d") if self.occurred_at else ""
        return f"{when} {self.unit}".strip()

    def get_absolute_url(self) -> str:
        return reverse("accidents:accident_detail", args=[self.pk])

    @property
    def unit(self) -> str:
        if self.unit_name:
            return self.unit_name
        return self.enterprise.name if self.enterprise_id and self.enterprise is not None else ""

    def clean(self):
        errors: dict[str, object] = {}
        if not self.enterprise_id and not self.unit_name.strip():
            errors["unit_name"] = _("未选择已登记企业时，应填写事故单位名称")
        if self.acute_poisonings > self.serious_injuries:
            errors["acute_poisonings"] = _("急性工业中毒人数已计入重伤人数，不能多于重伤人数")
        if self.board_id and not self.board.is_board:
            errors["board"] = _("事故发生地应选择具体板块")
        if self.occurred_at and self.occurred_at > timezone.now() + timedelta(minutes=5):
            errors["occurred_at"] = _("发生时间不能晚于当前时间")
        if self.occurred_at and self.reported_at and self.reported_at < self.occurred_at:
            errors["reported_at"] = _("单位报告时间不能早于事故发生时间")
        elif self.reported_at and self.reported_at > timezone.now() + timedelta(minutes=5):
            errors["reported_at"] = _("单位报告时间不能晚于当前时间")
        if self.industry_id and self.industry.level < 2:
            errors["industry"] = _("国民经济行业请至少选到大类（2 位代码）")
        if (
            self.occurred_at
            and self.investigation_report_on
            and self.investigation_report_on < self.occurred_on
        ):
            errors["investigation_report_on"] = _("调查报告提交日期不能早于事故发生日期")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        from zhifa.accidents.levels import accident_level  # levels reads LevelThreshold from this module

        loaded = getattr(self, "_audit_loaded", None) or {}
        if self.enterprise_id and (not self.unit_name or loaded.get("enterprise_id") != self.enterprise_id):
            self.unit_name = self.enterprise.name  # the name at the time of the accident
        self.level = accident_level(self.deaths, self.serious_injuries, self.direct_loss)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "level"}
        super().save(*args, **kwargs)

    # --- deadlines (条例 第九条、第十三条、第二十九条) -------------------------------------------

    @property
    def occurred_on(self) -> date:
        return timezone.localtime(self.occurred_at).date()

    @property
    def report_deadline(self) -> datetime:
        return self.occurred_at + REPORT_WITHIN

    @property
    def report_late(self) -> bool:
        return self.reported_at > self.report_deadline

    @property
    def casualty_window_days(self) -> int:
        return casualty_window_days(self.is_fire_or_road)

    @property
    def casualty_window_end(self) -> date:
        """The last day on which a change in the casualties is reported in time."""
        return add_natural_days(self.occurred_on, self.casualty_window_days)

    @property
    def investigation_days(self) -> int:
        return INVESTIGATION_DAYS + (INVESTIGATION_EXTENSION_DAYS if self.investigation_extended else 0)

    @property
    def investigation_due(self) -> date:
        return add_natural_days(self.occurred_on, self.investigation_days)


class CasualtyUpdateQuerySet(RestrictedQuerySet):
    board_path = "accident__board"


class CasualtyUpdate(AuditedModel):
    """A change in the casualty figures reported after the accident (补报).

    The latest update (by its time) sets the accident's figures and so its level. An update made
    after the window (30 days, 7 for fires and road accidents) is kept and flagged late.
    """

    accident = models.ForeignKey(
        Accident, verbose_name=_("事故"), on_delete=models.PROTECT, related_name="casualty_updates"
    )
    at = models.DateTimeField(_("补报时间"))
    deaths = models.PositiveIntegerField(_("死亡人数"))
    serious_injuries = models.PositiveIntegerField(_("重伤人数"), help_text=_("含急性工业中毒人数"))
    acute_poisonings = models.PositiveIntegerField(_("其中急性工业中毒"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = CasualtyUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("伤亡人数补报")
        verbose_name_plural = _("伤亡人数补报")
        ordering = ["accident", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.accident} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    @property
    def late(self) -> bool:
        return timezone.localdate(self.at) > self.accident.casualty_window_end

    def clean(self):
        errors: dict[str, object] = {}
        if self.acute_poisonings > self.serious_injuries:
            errors["acute_poisonings"] = _("急性工业中毒人数已计入重伤人数，不能多于重伤人数")
        if self.at and self.at > timezone.now() + timedelta(minutes=5):
            errors["at"] = _("补报时间不能晚于当前时间")
        if self.at and self.accident_id and self.at < self.accident.occurred_at:
            errors["at"] = _("补报时间不能早于事故发生时间")
        if errors:
            raise ValidationError(errors)

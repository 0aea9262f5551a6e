"""The working-day calendar's data (read through ``zhifa.core.calendar``) and statutory periods as data."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.choices import PeriodUnit
from zhifa.core.scoping import RestrictedQuerySet


class CalendarYear(AuditedModel):
    """A year whose official holiday arrangement an administrator imported.

    Marks the year as known: within it, every day not listed in ``CalendarDay`` follows Monday–Friday,
    and ``chinesecalendar`` is no longer consulted, so an imported arrangement replaces the package's.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.TextField(
        _("依据"), help_text=_("如 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）")
    )
    imported_at = models.DateTimeField(_("导入时间"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()  # district-level reference data

    class Meta:
        verbose_name = _("已导入的节假日安排")
        verbose_name_plural = _("已导入的节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(AuditedModel):
    """One day whose status differs from Monday–Friday (or corrects ``chinesecalendar``).

    A holiday (``is_workday`` false, e.g. 春节) or a make-up working day (``is_workday`` true, 调休上班).
    Takes precedence over ``chinesecalendar``.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("是否上班"), help_text=_("勾选：当日上班（调休上班）；不勾选：当日放假")
    )
    name = models.CharField(_("名称"), max_length=32, help_text=_("如 春节、国庆节、调休上班"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()  # district-level reference data

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["-date"]

    def __str__(self) -> str:
        state = _("上班") if self.is_workday else _("放假")
        return f"{self.date.isoformat()} {self.name}（{state}）"

    def get_absolute_url(self) -> str:
        return reverse("calendar:day_list")


class PeriodRule(AuditedModel):
    """A statutory (or local) period as data: its length, how it is counted and where it comes from.

    Versioned by ``effective_from``: the rule applied to a period is the newest active version of its
    code in force on the period's start, so a changed rule (e.g. 应急管理部令第18号 replacing the 2015
    办法) is a new row, and periods already running keep the figure they started with.
    """

    code = models.SlugField(_("代码"), max_length=64)
    name = models.CharField(_("名称"), max_length=64)
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("法律法规名称与条款，如 行政处罚法第六十条")
    )
    length = models.PositiveSmallIntegerField(_("期限"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("计算单位"), max_length=16, choices=PeriodUnit.choices)
    local = models.BooleanField(
        _("本地规定/可配置"), default=False, help_text=_("非法律明定的期限，按本地规定或可由管理员调整")
    )
    note = models.TextField(_("说明"), blank=True)
    effective_from = models.DateField(_("施行日期"))
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()  # district-level reference data

    class Meta:
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")
        ordering = ["code", "-effective_from"]
        constraints = [
            # One version of a rule per effective date; ``rule_due`` reads the newest on or before a day.
            models.UniqueConstraint(fields=["code", "effective_from"], name="periodrule_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.length}{self.get_unit_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("calendar:rule_list")

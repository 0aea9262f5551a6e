"""The monthly enforcement bulletin (每月通报) and the weighting that ranks the boards in it.

A bulletin holds a frozen snapshot of the figures (``zhifa.bulletins.figures``) as they were computed
when it was generated, and the PDF made from them; regenerating a draft replaces both. It is seen by
the district's roles while it is a draft, and by everyone once the district leader has approved and
published it. Every move goes through ``zhifa.bulletins.services`` and writes a ``BulletinEvent``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.bulletins.choices import BulletinStatus, Direction, RankingIndicator
from zhifa.core.audit import AuditedModel
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import RestrictedQuerySet


class RankingWeightsQuerySet(RestrictedQuerySet):
    board_path = None  # district-wide reference data

    def in_force(self, on: date) -> RankingWeights | None:
        """The newest version whose effective date is on or before ``on`` (the earliest one before any)."""
        found = self.filter(effective_from__lte=on).order_by("-effective_from").first()
        return cast("RankingWeights | None", found or self.order_by("effective_from").first())


class RankingWeights(AuditedModel):
    """One version of the ranking's weighting, in force from its effective date until the next version.

    A bulletin names the version it was ranked with, so a later change ranks later months only.
    """

    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("施行日期"), unique=True)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("考核办法名称及文号"))
    example_values = models.BooleanField(
        _("示例权重"), default=False, help_text=_("演示用的示例值，正式使用前应按本地考核办法调整")
    )
    note = models.TextField(_("说明"), blank=True)

    objects = RankingWeightsQuerySet.as_manager()

    class Meta:
        verbose_name = _("排名权重")
        verbose_name_plural = _("排名权重")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m-%d} 起）"


class RankingWeight(models.Model):
    """One indicator of a weighting: its weight and the direction in which it is better."""

    weights = models.ForeignKey(
        RankingWeights, verbose_name=_("权重版本"), on_delete=models.CASCADE, related_name="items"
    )
    indicator = models.CharField(_("指标"), max_length=32, choices=RankingIndicator.choices)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices)
    description = models.CharField(
        _("方向说明"), max_length=200, help_text=_("为什么该指标越高（或越低）越好")
    )

    class Meta:
        verbose_name = _("排名指标")
        verbose_name_plural = _("排名指标")
        ordering = ["weights", "-weight", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["weights", "indicator"], name="ranking_weight_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.weight.normalize():f}"


class BulletinQuerySet(RestrictedQuerySet):
    board_path = None  # a bulletin covers the whole district

    def restrict(self, user, action: str = "view"):
        """Drafts and approved bulletins are the district's; board roles read published ones only."""
        queryset = super().restrict(user, action)
        if user is not None and user.is_authenticated and not is_district_wide(user):
            queryset = queryset.filter(status=BulletinStatus.PUBLISHED)
        return queryset


class Bulletin(AuditedModel):
    month = models.DateField(_("月份"), unique=True, help_text=_("该月第一日"))
    status = models.CharField(
        _("状态"), max_length=16, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT, db_index=True
    )
    figures = models.JSONField(_("数据快照"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("命令行生成时为空"),
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF 大小（字节）"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1, help_text=_("每重新生成一次加一"))

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法工作通报")
        verbose_name_plural = _("执法工作通报")
        ordering = ["-month"]
        permissions = [
            ("approve_bulletin", _("审定执法工作通报")),
            ("publish_bulletin", _("发布执法工作通报")),
            ("view_figures", _("查看实时执法数据")),
        ]

    def __str__(self) -> str:
        return str(_("%(y)s年%(m)s月执法工作通报") % {"y": self.month.year, "m": self.month.month})

    def get_absolute_url(self) -> str:
        return reverse("bulletins:bulletin_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("通报不可删除"))


class BulletinEvent(models.Model):
    """One move of a bulletin (generated, regenerated, approved, published): who and when."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=16)
    from_status = models.CharField(_("原状态"), max_length=16, choices=BulletinStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=BulletinStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=64)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通报流转记录")
        verbose_name_plural = _("通报流转记录")
        ordering = ["bulletin", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.bulletin_id} {self.action} {self.actor_name}"

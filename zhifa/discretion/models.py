"""The discretion benchmark (行政处罚裁量基准): which tier of the statutory fine a violation falls in.

It is reference data, kept as versions by effective date like the law it applies: a penalty decided
on a date uses the catalogue in force on that date (``Catalogue.objects.in_force``). A published
version is read-only; a change is a new draft copied from it (``services.new_version``), edited by the
system administrator and published with a later effective date, which closes the version before it.

Each entry follows 应急〔2024〕90号: 违法行为 / 法律规定 (the article violated) / 处罚依据 (the penalty
article with its statutory range) / 裁量阶次 / 适用条件 / 具体标准 (the tier's range). The statutory
range is the law's; the tiers are local values — the seeded ones are examples (``example_values``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.discretion.choices import TIER_RANK, CatalogueStatus, FactorKind, Party, TierLevel

ZERO = Decimal("0")


def yuan(value: Decimal | int | None) -> str:
    """An amount as the pages and messages print it: whole yuan with thousands separators."""
    if value is None:
        return "—"
    value = Decimal(value)
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


class CatalogueQuerySet(RestrictedQuerySet):
    board_path = None  # district-wide reference data

    def restrict(self, user, action: str = "view"):
        """Drafts are work in progress of the system administrator: nobody else sees them."""
        queryset = super().restrict(user, action)
        if user is not None and not user.has_perm("discretion.change_catalogue"):
            queryset = queryset.exclude(status=CatalogueStatus.DRAFT)
        return queryset

    def in_force_q(self, on: date, prefix: str = "") -> Q:
        return Q(**{f"{prefix}status": CatalogueStatus.PUBLISHED, f"{prefix}effective_from__lte": on}) & (
            Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": on})
        )

    def in_force(self, on: date) -> Catalogue | None:
        """The published version in force on ``on`` (the latest effective on or before it), or None."""
        return cast(
            "Catalogue | None", self.filter(self.in_force_q(on)).order_by("-effective_from", "-pk").first()
        )


class Catalogue(AuditedModel):
    """One version of the benchmark. Versions never overlap: publishing one ends the one before it."""

    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(
        _("失效日期"), null=True, blank=True, help_text=_("发布新版本时自动填写为新版本生效日期的前一日")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT
    )
    note = models.TextField(_("说明"), blank=True, help_text=_("制定依据、文号；示例值请注明"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    retire_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        ordering = ["-effective_from", "-pk"]
        # ``in_force`` filters on status and effective_from and sorts by the latter.
        indexes = [models.Index(fields=["status", "effective_from"], name="discretion_cat_in_force")]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m-%d} 起）"

    def get_absolute_url(self) -> str:
        return reverse("discretion:catalogue_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == CatalogueStatus.DRAFT

    def clean(self) -> None:
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("失效日期不能早于生效日期")})


class ViolationTypeQuerySet(RestrictedQuerySet):
    board_path = None

    def restrict(self, user, action: str = "view"):
        queryset = super().restrict(user, action)
        if user is not None and not user.has_perm("discretion.change_catalogue"):
            queryset = queryset.exclude(catalogue__status=CatalogueStatus.DRAFT)
        return queryset

    def in_force(self, on: date):
        """The entries of the catalogue in force on ``on`` (none when no version is in force)."""
        catalogue = Catalogue.objects.in_force(on)
        return self.filter(catalogue=catalogue) if catalogue else self.none()


class ViolationType(AuditedModel):
    """One entry: a violation, the article it breaks, the penalty article and its statutory range."""

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("裁量基准"), on_delete=models.PROTECT, related_name="violation_types"
    )
    code = models.CharField(_("编号"), max_length=32, help_text=_("同一版本内唯一，如 97-1"))
    name = models.CharField(_("违法行为"), max_length=300)
    article_violated = models.CharField(_("违法条款（法律规定）"), max_length=300)
    penalty_article = models.CharField(_("处罚依据"), max_length=300)
    party = models.CharField(_("处罚对象"), max_length=16, choices=Party.choices, default=Party.UNIT)
    min_fine = models.DecimalField(
        _("法定罚款下限（元）"),
        default=ZERO,
        help_text=_("法律只规定上限时为 0"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    max_fine = models.DecimalField(
        _("法定罚款上限（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    other_penalties = models.TextField(
        _("其他处罚及后果"), blank=True, help_text=_("如 逾期未改正的，责令停产停业整顿")
    )
    example_values = models.BooleanField(
        _("阶次为示例值"), default=True, help_text=_("阶次幅度为演示用示例值，非本地正式文件")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ViolationTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("违法行为")
        verbose_name_plural = _("违法行为")
        ordering = ["catalogue", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="discretion_type_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("discretion:type_detail", args=[self.pk])

    @property
    def statutory_range(self) -> str:
        if not self.min_fine:
            return _("%(max)s 元以下") % {"max": yuan(self.max_fine)}
        return f"{yuan(self.min_fine)}–{yuan(self.max_fine)} 元"

    def clean(self) -> None:
        if self.min_fine is not None and self.max_fine is not None:
            if self.max_fine <= ZERO:
                raise ValidationError({"max_fine": _("法定罚款上限须大于 0")})
            if self.min_fine > self.max_fine:
                raise ValidationError({"min_fine": _("法定罚款下限不能高于上限")})


class Tier(AuditedModel):
    """A tier (裁量阶次) of one entry: when it applies and the range of fines it allows."""

    violation_type = models.ForeignKey(
        ViolationType, verbose_name=_("违法行为"), on_delete=models.PROTECT, related_name="tiers"
    )
    level = models.CharField(_("裁量阶次"), max_length=16, choices=TierLevel.choices)
    conditions = models.TextField(_("适用条件"))
    min_fine = models.DecimalField(
        _("罚款下限（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    max_fine = models.DecimalField(
        _("罚款上限（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("裁量阶次")
        verbose_name_plural = _("裁量阶次")
        ordering = ["violation_type", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["violation_type", "level"], name="discretion_tier_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.range_text}"

    @property
    def rank(self) -> int:
        return TIER_RANK.get(self.level, 0)

    @property
    def range_text(self) -> str:
        if self.level == TierLevel.NO_PENALTY:
            return str(_("不予罚款"))
        return f"{yuan(self.min_fine)}–{yuan(self.max_fine)} 元"

    def clean(self) -> None:
        """A tier stays inside the statutory range: 不予处罚 fines nothing; 减轻 may go below the
        statutory minimum (行政处罚法 art. 32) but never below zero nor above that minimum."""
        if self.min_fine is None or self.max_fine is None or not self.level:
            return
        if self.min_fine > self.max_fine:
            raise ValidationError({"min_fine": _("阶次罚款下限不能高于上限")})
        try:
            vt = self.violation_type  # may be an entry being created on the same page
        except ViolationType.DoesNotExist:
            return
        if vt.min_fine is None or vt.max_fine is None:
            return
        if self.level == TierLevel.NO_PENALTY:
            if self.min_fine != ZERO or self.max_fine != ZERO:
                raise ValidationError({"max_fine": _("不予处罚阶次的罚款幅度须为 0")})
            return
        if self.level == TierLevel.MITIGATED:
            if vt.min_fine <= ZERO:
                raise ValidationError(
                    {"level": _("法定罚款没有下限（%(r)s），不能设减轻处罚阶次") % {"r": vt.statutory_range}}
                )
            if self.max_fine > vt.min_fine:
                raise ValidationError(
                    {
                        "max_fine": _("减轻处罚阶次的上限不能高于法定罚款下限 %(min)s 元")
                        % {"min": yuan(vt.min_fine)}
                    }
                )
            return
        if self.min_fine < vt.min_fine:
            raise ValidationError(
                {"min_fine": _("阶次罚款下限低于法定幅度（%(r)s）") % {"r": vt.statutory_range}}
            )
        if self.max_fine > vt.max_fine:
            raise ValidationError(
                {"max_fine": _("阶次罚款上限超出法定幅度（%(r)s）") % {"r": vt.statutory_range}}
            )


class Factor(AuditedModel):
    """A circumstance that moves the proposal between tiers (从重 / 从轻、减轻 情节).

    Belongs to one catalogue version, so editing a draft never changes a published version; without a
    violation type it applies to every entry of that version.
    """

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("裁量基准"), on_delete=models.PROTECT, related_name="factors"
    )
    violation_type = models.ForeignKey(
        ViolationType,
        verbose_name=_("适用的违法行为"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="factors",
        help_text=_("留空适用于本版本全部违法行为"),
    )
    kind = models.CharField(_("类别"), max_length=16, choices=FactorKind.choices)
    code = models.CharField(_("代码"), max_length=32, help_text=_("同一版本内唯一，如 refuse_correct"))
    text = models.CharField(_("情节"), max_length=200)
    legal_basis = models.CharField(_("依据"), max_length=200, blank=True)
    statutory = models.BooleanField(
        _("法定从轻、减轻情节"),
        default=False,
        help_text=_("行政处罚法第三十二条规定应当从轻或者减轻处罚的情形"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("裁量情节")
        verbose_name_plural = _("裁量情节")
        ordering = ["catalogue", "kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="discretion_factor_code_unique")
        ]

    def __str__(self) -> str:
        return self.text

    def applies_to(self, violation_type: ViolationType) -> bool:
        return self.catalogue_id == violation_type.catalogue_id and self.violation_type_id in (
            None,
            violation_type.pk,
        )

    def clean(self) -> None:
        if self.statutory and self.kind != FactorKind.MITIGATING:
            raise ValidationError({"statutory": _("只有从轻、减轻情节可以是法定情节")})
        vt = self.violation_type if self.violation_type_id else None
        if vt is not None and self.catalogue_id and vt.catalogue_id != self.catalogue_id:
            raise ValidationError({"violation_type": _("该违法行为不属于本版本裁量基准")})

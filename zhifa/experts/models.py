"""The district's pool of industry experts for "2+1" inspections, in professional groups."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.crypto import HASH_PHONE
from zhifa.core.fields import EncryptedCharField, SearchHashField
from zhifa.core.roles import Role
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.core.validators import (
    mask_phone,
    normalize_uscc,
    validate_date_order,
    validate_phone,
    validate_uscc,
)


def validate_industry_prefixes(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v.isdigit() and 2 <= len(v) <= 4 for v in value
    ):
        raise ValidationError(_('行业代码应为 GB/T 4754 的 2–4 位数字代码列表，如 ["25", "26"]'))


class ExpertGroupQuerySet(RestrictedQuerySet):
    board_path = None


class ExpertGroup(AuditedModel):
    """A professional group (专业组) covering a set of GB/T 4754 industry classes (by code prefix)."""

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    industry_prefixes = models.JSONField(
        _("覆盖行业代码"),
        default=list,
        blank=True,
        validators=[validate_industry_prefixes],
        help_text=_('GB/T 4754-2017 大类/中类/小类代码（前缀匹配），如 ["25", "26", "27", "28"]'),
    )
    topics = models.CharField(
        _("专项领域"), max_length=200, blank=True, help_text=_("如 粉尘涉爆、液氨制冷、有限空间")
    )
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ExpertGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("专家组")
        verbose_name_plural = _("专家组")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("experts:group_detail", args=[self.pk])

    def covers(self, industry_code: str) -> bool:
        """Whether an enterprise of ``industry_code`` (2–4 digits) falls in this group's classes."""
        code = industry_code or ""
        return bool(code) and any(code.startswith(prefix) for prefix in self.industry_prefixes)


class ExpertQuerySet(RestrictedQuerySet):
    def jurisdiction_q(self, user) -> Q:
        # The pool serves the whole district; an expert's own account sees its own record only.
        if getattr(user, "role", None) == Role.EXPERT:
            return Q(pk=getattr(user, "expert_id", None) or 0)
        return Q()


class Expert(AuditedModel):
    name = models.CharField(_("姓名"), max_length=32, db_index=True)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    phone_hash = SearchHashField(_("联系电话（检索哈希）"), source="phone", kind=HASH_PHONE)
    employer = models.CharField(_("工作单位"), max_length=128)
    employer_uscc = models.CharField(
        _("工作单位统一社会信用代码"), max_length=18, db_index=True, validators=[validate_uscc]
    )
    title = models.CharField(_("职称"), max_length=32, blank=True)
    qualifications = models.TextField(
        _("资格证书"), blank=True, help_text=_("如 注册安全工程师、一级建造师，每行一项")
    )
    groups = models.ManyToManyField(ExpertGroup, verbose_name=_("专业组"), related_name="experts")
    active = models.BooleanField(_("在库"), default=True)
    is_fictitious = models.BooleanField(_("虚构演示数据"), default=False)
    note = models.TextField(_("备注"), blank=True)

    objects = ExpertQuerySet.as_manager()
    # The audit chain records that a personal value changed (its hash), never the value.
    audit_exclude = ("phone",)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["name", "pk"]
        permissions = [("import_expert", _("导入专家")), ("export_expert", _("导出专家"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("experts:expert_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self):
        self.employer_uscc = normalize_uscc(self.employer_uscc)

    def is_available_on(self, on: date) -> bool:
        """Available on a date: inside one of the declared periods, or always when none is declared."""
        periods = list(self.availability.all())
        return not periods or any(p.start <= on <= p.end for p in periods)


class ExpertAvailability(AuditedModel):
    """A period the expert can take part in inspections. An expert with no period is always available."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="availability"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("专家可用时段")
        verbose_name_plural = _("专家可用时段")
        ordering = ["expert", "start"]

    def __str__(self) -> str:
        return f"{self.expert} {self.start}–{self.end}"

    def clean(self):
        validate_date_order(
            self.start, self.end, end_field="end", start_label="开始日期", end_label="结束日期"
        )


class ExpertConflict(AuditedModel):
    """A declared conflict of interest (回避): the expert must not inspect this enterprise."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("回避企业"),
        on_delete=models.PROTECT,
        related_name="expert_conflicts",
    )
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_on = models.DateField(_("申报日期"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家回避")
        verbose_name_plural = _("专家回避")
        constraints = [
            models.UniqueConstraint(fields=["expert", "enterprise"], name="expert_conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert} 回避 {self.enterprise}"

"""The registry of enterprises, the GB/T 4754 industry table and the classification rule (分类分级)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.crypto import HASH_PHONE
from zhifa.core.fields import EncryptedCharField, SearchHashField
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.core.validators import mask_phone, normalize_uscc, validate_phone, validate_uscc
from zhifa.enterprises.choices import (
    ClassificationSource,
    EnforcementClass,
    MajorHazardLevel,
    OperatingStatus,
    Scale,
    Sector,
    StandardizationGrade,
)


class IndustryQuerySet(RestrictedQuerySet):
    board_path = None


class Industry(models.Model):
    """国民经济行业分类 GB/T 4754-2017, loaded from the package's CSV by a data migration."""

    code = models.CharField(_("代码"), max_length=5, primary_key=True)
    section = models.CharField(_("门类"), max_length=1, db_index=True)
    level = models.PositiveSmallIntegerField(_("层级"), help_text=_("1 门类，2 大类，3 中类，4 小类"))
    name = models.CharField(_("名称"), max_length=128)
    note = models.TextField(_("说明"), blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = IndustryQuerySet.as_manager()

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@deconstructible
class ChoiceListValidator:
    """A JSON list whose items must all be values of one choices class."""

    def __init__(self, choices_path: str):
        self.choices_path = choices_path

    def __call__(self, value):
        from django.utils.module_loading import import_string

        allowed = set(import_string(self.choices_path).values)
        if not isinstance(value, list) or not set(value) <= allowed:
            raise ValidationError(
                _("取值应为列表，可选：%(allowed)s") % {"allowed": "、".join(sorted(allowed))}
            )

    def __eq__(self, other):
        return isinstance(other, ChoiceListValidator) and other.choices_path == self.choices_path


def _choice_list_validator(choices) -> ChoiceListValidator:
    return ChoiceListValidator(f"{choices.__module__}.{choices.__qualname__}")


class ClassRuleSet(AuditedModel):
    """A version of the classification rule: its rules are tried in priority order, first match wins."""

    version = models.CharField(_("版本"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    effective_from = models.DateField(_("生效日期"))
    default_class = models.CharField(
        _("默认类别"), max_length=1, choices=EnforcementClass.choices, default=EnforcementClass.D
    )
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("文件名称与文号；示例值请注明")
    )
    note = models.TextField(_("说明"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分类规则版本")
        verbose_name_plural = _("分类规则版本")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    @classmethod
    def current(cls, on=None) -> ClassRuleSet | None:
        on = on or timezone.localdate()
        return cls.objects.filter(effective_from__lte=on).order_by("-effective_from", "-pk").first()


class ClassRule(AuditedModel):
    """One condition → class. Empty lists match anything; all non-empty lists must match."""

    ruleset = models.ForeignKey(
        ClassRuleSet, verbose_name=_("规则版本"), on_delete=models.CASCADE, related_name="rules"
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), help_text=_("数字小者先匹配"))
    enforcement_class = models.CharField(_("类别"), max_length=1, choices=EnforcementClass.choices)
    sectors = models.JSONField(
        _("行业领域"), default=list, blank=True, validators=[_choice_list_validator(Sector)]
    )
    major_hazard_levels = models.JSONField(
        _("重大危险源等级"), default=list, blank=True, validators=[_choice_list_validator(MajorHazardLevel)]
    )
    standardization_grades = models.JSONField(
        _("标准化等级"), default=list, blank=True, validators=[_choice_list_validator(StandardizationGrade)]
    )
    scales = models.JSONField(_("规模"), default=list, blank=True, validators=[_choice_list_validator(Scale)])
    industry_prefixes = models.JSONField(_("行业代码前缀"), default=list, blank=True)
    description = models.CharField(_("说明"), max_length=200)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分类规则")
        verbose_name_plural = _("分类规则")
        ordering = ["ruleset", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "priority"], name="classrule_priority_unique")
        ]

    def __str__(self) -> str:
        return f"{self.priority}. {self.description} → {self.enforcement_class}"

    def matches(self, enterprise: Enterprise) -> bool:
        code = enterprise.industry_id or ""
        return (
            (not self.sectors or enterprise.sector in self.sectors)
            and (not self.major_hazard_levels or enterprise.major_hazard_level in self.major_hazard_levels)
            and (
                not self.standardization_grades
                or enterprise.standardization_grade in self.standardization_grades
            )
            and (not self.scales or enterprise.scale in self.scales)
            and (not self.industry_prefixes or any(code.startswith(p) for p in self.industry_prefixes))
        )


class EnterpriseQuerySet(RestrictedQuerySet):
    board_path = "board"


class Enterprise(AuditedModel):
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        help_text=_("18 位，GB 32100-2015"),
    )
    name = models.CharField(_("企业名称"), max_length=128, db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=32)
    address = models.CharField(_("地址"), max_length=200)
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("所属板块"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("国民经济行业"), on_delete=models.PROTECT, related_name="enterprises"
    )
    sector = models.CharField(_("行业领域"), max_length=24, choices=Sector.choices, db_index=True)
    scale = models.CharField(_("规模"), max_length=8, choices=Scale.choices)
    major_hazard_level = models.CharField(
        _("重大危险源等级"), max_length=8, choices=MajorHazardLevel.choices, default=MajorHazardLevel.NONE
    )
    standardization_grade = models.CharField(
        _("安全生产标准化等级"),
        max_length=8,
        choices=StandardizationGrade.choices,
        default=StandardizationGrade.UNRATED,
    )
    operating_status = models.CharField(
        _("经营状态"), max_length=16, choices=OperatingStatus.choices, default=OperatingStatus.OPERATING
    )
    contact_name = models.CharField(_("安全联系人"), max_length=32, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    contact_phone_hash = SearchHashField(_("联系电话（检索哈希）"), source="contact_phone", kind=HASH_PHONE)
    enforcement_class = models.CharField(
        _("执法类别"),
        max_length=1,
        choices=EnforcementClass.choices,
        default=EnforcementClass.D,
        db_index=True,
    )
    class_ruleset = models.ForeignKey(
        ClassRuleSet,
        verbose_name=_("分类规则版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    class_overridden = models.BooleanField(_("人工调整类别"), default=False)
    class_override_reason = models.CharField(_("调整理由"), max_length=200, blank=True)
    is_fictitious = models.BooleanField(_("虚构演示数据"), default=False)
    version = models.PositiveIntegerField(
        _("版本号"), default=1, help_text=_("每次保存加一，用于发现并发修改")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()
    # The audit chain records that a personal value changed (its hash), never the value.
    audit_exclude = ("contact_phone",)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        # By board id then name: served by enterprise_board_name_idx, where ordering by the board's
        # sort_order would join and sort every row of the jurisdiction before taking one page.
        ordering = ["board_id", "name", "id"]
        permissions = [
            ("import_enterprise", _("导入企业")),
            ("export_enterprise", _("导出企业")),
            ("override_class", _("人工调整执法类别")),
        ]
        indexes = [
            # Board lists filter by board and class; the annual plan counts enterprises per board and class.
            models.Index(fields=["board", "enforcement_class"], name="enterprise_board_class_idx"),
            models.Index(fields=["board", "name"], name="enterprise_board_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    def clean(self):
        self.uscc = normalize_uscc(self.uscc)
        if self.board_id and not self.board.is_board:
            raise ValidationError({"board": _("企业必须归属到一个板块（镇、街道或开发区）")})
        if self.industry_id and self.industry.level < 2:
            raise ValidationError({"industry": _("国民经济行业请至少选到大类（2 位代码）")})


class ClassificationQuerySet(RestrictedQuerySet):
    board_path = "enterprise__board"


class Classification(models.Model):
    """The history of an enterprise's enforcement class: each change by rule or by an officer."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="classifications"
    )
    enforcement_class = models.CharField(_("执法类别"), max_length=1, choices=EnforcementClass.choices)
    previous_class = models.CharField(_("原类别"), max_length=1, blank=True)
    source = models.CharField(_("方式"), max_length=16, choices=ClassificationSource.choices)
    ruleset = models.ForeignKey(
        ClassRuleSet,
        verbose_name=_("规则版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_description = models.CharField(_("命中规则"), max_length=200, blank=True)
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调整人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = ClassificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("分类记录")
        verbose_name_plural = _("分类记录")
        ordering = ["-decided_at", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=ClassificationSource.OVERRIDE) | ~Q(reason=""),
                name="override_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.previous_class}→{self.enforcement_class}"

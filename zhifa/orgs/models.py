"""The district, its boards, its people, their certificates and equipment."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.crypto import HASH_ID_NUMBER, HASH_PHONE
from zhifa.core.fields import EncryptedCharField, SearchHashField, hash_lookup
from zhifa.core.scoping import RestrictedQuerySet, board_ids
from zhifa.core.validators import (
    mask_id_number,
    mask_phone,
    normalize_id_number,
    validate_date_order,
    validate_id_number,
    validate_phone,
)
from zhifa.orgs.choices import (
    BOARD_POSTS,
    CertificateLevel,
    CertificateStatus,
    Employment,
    EquipmentKind,
    EquipmentStatus,
    PenaltyAuthority,
    Post,
    RegionKind,
)


class RegionQuerySet(RestrictedQuerySet):
    board_path = None  # the tree itself is known to every user

    def boards(self):
        return self.exclude(kind=RegionKind.DISTRICT)


class Region(AuditedModel):
    """The district or one of its boards (镇 / 街道 / 开发区), with a GB/T 2260-style code."""

    code = models.CharField(
        _("区划代码"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{6}(\d{3})?$", _("区划代码应为 6 位（区）或 9 位（镇街）数字"))],
    )
    name = models.CharField(_("名称"), max_length=64, unique=True)
    short_name = models.CharField(
        _("文号简称"), max_length=8, help_text=_("文书编号前缀中的机关简称，如“武”→（武）应急检〔2026〕12号")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    agency_name = models.CharField(
        _("执法机关名称"),
        max_length=64,
        blank=True,
        help_text=_("区：如“常州市武进区应急管理局”；板块可留空"),
    )
    penalty_authority = models.CharField(
        _("处罚决定机关"), max_length=16, choices=PenaltyAuthority.choices, default=PenaltyAuthority.DISTRICT
    )
    delegated_powers = models.TextField(
        _("赋权清单"), blank=True, help_text=_("本板块依法获赋的安全生产行政处罚权事项，每行一项；默认为空")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划/板块")
        verbose_name_plural = _("区划/板块")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:region_detail", args=[self.pk])

    @property
    def is_board(self) -> bool:
        return self.kind != RegionKind.DISTRICT

    def clean(self):
        if self.kind == RegionKind.DISTRICT and self.parent_id:
            raise ValidationError({"parent": _("区不能有上级板块")})
        if self.kind != RegionKind.DISTRICT and not self.parent_id:
            raise ValidationError({"parent": _("板块必须隶属于一个区")})
        if self.parent_id and self.parent.kind != RegionKind.DISTRICT:
            raise ValidationError({"parent": _("板块的上级必须是区")})
        if self.penalty_authority == PenaltyAuthority.OWN and not self.delegated_powers.strip():
            raise ValidationError({"delegated_powers": _("以本板块名义作出处罚必须有赋权清单")})


class OfficerQuerySet(RestrictedQuerySet):
    def jurisdiction_q(self, user) -> Q:
        boards = board_ids(user)
        today = timezone.localdate()
        return (
            Q(unit_id__in=boards)
            | Q(
                Exists(
                    Secondment.objects.active_on(today).filter(officer=OuterRef("pk"), region_id__in=boards)
                )
            )
            | Q(Exists(Pairing.objects.active_on(today).filter(officer=OuterRef("pk"), region_id__in=boards)))
        )

    def with_certified(self, on: date | None = None):
        """Annotate ``certified``: holds a certificate valid on ``on`` (one subquery, no N+1)."""
        on = on or timezone.localdate()
        return self.annotate(
            certified=Exists(Certificate.objects.valid_on(on).filter(officer=OuterRef("pk")))
        )

    def certified_on(self, on: date):
        return self.filter(Exists(Certificate.objects.valid_on(on).filter(officer=OuterRef("pk"))))


class Officer(AuditedModel):
    """A person of the district bureau, its brigade or a board; certified or auxiliary."""

    name = models.CharField(_("姓名"), max_length=32, db_index=True)
    # Encrypted at rest (SM4); found and kept unique through the keyed hashes below.
    id_number = EncryptedCharField(
        _("身份证号码"),
        max_length=18,
        validators=[validate_id_number],
        help_text=_("18 位，末位可为 X"),
    )
    id_number_hash = SearchHashField(
        _("身份证号码（检索哈希）"), source="id_number", kind=HASH_ID_NUMBER, unique=True
    )
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    phone_hash = SearchHashField(_("联系电话（检索哈希）"), source="phone", kind=HASH_PHONE)
    unit = models.ForeignKey(
        Region,
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="officers",
        help_text=_("区（局机关/执法大队）或板块"),
    )
    post = models.CharField(_("岗位"), max_length=32, choices=Post.choices, db_index=True)
    employment = models.CharField(
        _("用工性质"), max_length=16, choices=Employment.choices, default=Employment.STAFFED
    )
    legal_qualification = models.BooleanField(_("具有法律职业资格"), default=False)
    legal_qualification_number = models.CharField(_("法律职业资格证书编号"), max_length=32, blank=True)
    active = models.BooleanField(_("在岗"), default=True)
    is_fictitious = models.BooleanField(_("虚构演示数据"), default=False)
    note = models.TextField(_("备注"), blank=True)

    objects = OfficerQuerySet.as_manager()
    # The audit chain records that a personal value changed (its hash), never the value.
    audit_exclude = ("id_number", "phone")

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["unit__sort_order", "post", "name"]
        permissions = [
            ("import_officer", _("导入人员")),
            ("export_officer", _("导出人员")),
            ("view_personal_data", _("查看完整身份证号和电话")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:officer_detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude=exclude)
        # The number is unique through its hash (the ciphertexts all differ); the error names the field.
        if exclude and "id_number" in exclude or not self.id_number:
            return
        taken = Officer.objects.filter(**hash_lookup(Officer, "id_number", self.id_number))
        if taken.exclude(pk=self.pk).exists():
            raise ValidationError({"id_number": _("身份证号码已登记：该人员已在人员库中")}, code="unique")

    def clean(self):
        self.id_number = normalize_id_number(self.id_number)
        if self.unit_id:
            if self.post in BOARD_POSTS and not self.unit.is_board:
                raise ValidationError(
                    {"post": _("“%(post)s”只能设在板块") % {"post": self.get_post_display()}}
                )
            if self.post not in BOARD_POSTS and self.unit.is_board:
                raise ValidationError(
                    {"post": _("“%(post)s”属于区局或大队岗位") % {"post": self.get_post_display()}}
                )
        if self.legal_qualification and not self.legal_qualification_number.strip():
            raise ValidationError({"legal_qualification_number": _("具有法律职业资格时应填写证书编号")})

    def is_certified_on(self, on: date) -> bool:
        return Certificate.objects.valid_on(on).filter(officer=self).exists()


class CertificateQuerySet(RestrictedQuerySet):
    board_path = "officer__unit"

    def valid_on(self, on: date):
        return self.filter(status=CertificateStatus.VALID, valid_from__lte=on, valid_to__gte=on)

    def expiring_within(self, days: int, today: date | None = None):
        today = today or timezone.localdate()
        return self.valid_on(today).filter(valid_to__lte=today + timedelta(days=days))


class Certificate(AuditedModel):
    """An enforcement certificate (执法证). An officer enforces on a date only with one valid that day."""

    officer = models.ForeignKey(
        Officer, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(
        _("证件编号"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z-]{6,32}$", _("证件编号应为 6–32 位字母、数字或连字符"))],
    )
    level = models.CharField(
        _("发证层级"), max_length=16, choices=CertificateLevel.choices, default=CertificateLevel.DISTRICT
    )
    issuer = models.CharField(_("发证机关"), max_length=64, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_reason = models.CharField(_("状态变更原因"), max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")
        ordering = ["officer__name", "-valid_to"]
        indexes = [
            # "certified on a date" looks up an officer's valid certificates by their period.
            models.Index(fields=["officer", "status", "valid_from", "valid_to"], name="cert_validity_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orgs:officer_detail", args=[self.officer_id]) + "#certificates"

    def clean(self):
        validate_date_order(
            self.valid_from, self.valid_to, end_field="valid_to", start_label="有效期起", end_label="有效期至"
        )
        if self.status != CertificateStatus.VALID and not self.status_reason.strip():
            raise ValidationError({"status_reason": _("暂扣或吊销执法证必须填写原因")})
        if self.officer_id and self.officer.post == Post.SAFETY_MANAGER:
            raise ValidationError({"officer": _("专职安管员属辅助人员，不能持有执法证")})
        if self.officer_id and self.officer.employment == Employment.AUXILIARY:
            raise ValidationError({"officer": _("辅助人员不能持有执法证")})

    def is_valid_on(self, on: date) -> bool:
        return self.status == CertificateStatus.VALID and self.valid_from <= on <= self.valid_to


class EquipmentQuerySet(RestrictedQuerySet):
    board_path = "unit"


class Equipment(AuditedModel):
    """Body-worn recorders, vehicles and other equipment, assigned to a unit and optionally an officer."""

    kind = models.CharField(_("类别"), max_length=16, choices=EquipmentKind.choices)
    serial_number = models.CharField(_("编号/序列号"), max_length=64, unique=True)
    model_name = models.CharField(_("品牌型号"), max_length=64, blank=True)
    plate_number = models.CharField(_("车牌号"), max_length=16, blank=True)
    unit = models.ForeignKey(
        Region, verbose_name=_("配发单位"), on_delete=models.PROTECT, related_name="equipment"
    )
    officer = models.ForeignKey(
        Officer,
        verbose_name=_("使用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=EquipmentStatus.choices, default=EquipmentStatus.IN_USE
    )
    acquired_on = models.DateField(_("配发日期"), null=True, blank=True)

    objects = EquipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("装备")
        verbose_name_plural = _("装备")
        ordering = ["unit__sort_order", "kind", "serial_number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.plate_number or self.serial_number}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:equipment_detail", args=[self.pk])

    def clean(self):
        if self.kind == EquipmentKind.VEHICLE and not self.plate_number.strip():
            raise ValidationError({"plate_number": _("执法车辆必须填写车牌号")})
        if self.officer_id and self.unit_id and self.officer.unit_id != self.unit_id:
            raise ValidationError({"officer": _("使用人必须是配发单位的人员")})


class AssignmentQuerySet(RestrictedQuerySet):
    board_path = "region"

    def active_on(self, on: date):
        return self.filter(Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on)))


class OfficerAssignment(AuditedModel):
    """A brigade officer working with a board for a period (shared by 派驻 and 挂钩)."""

    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("留空表示长期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    # Declared by each subclass (with its own verbose names and related names); annotated here so
    # the shared methods type-check. Bare annotations create no field.
    officer: Officer
    officer_id: int | None
    region: Region
    region_id: int | None

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["region__sort_order", "-start"]

    def __str__(self) -> str:
        return f"{self.officer} → {self.region}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:officer_detail", args=[self.officer_id]) + "#assignments"

    def is_active_on(self, on: date) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)

    def clean(self):
        validate_date_order(
            self.start, self.end, end_field="end", start_label="开始日期", end_label="结束日期"
        )
        if self.officer_id and self.officer.unit.is_board:
            raise ValidationError({"officer": _("只有执法大队（区级）人员可以派驻或挂钩板块")})
        if self.region_id and not self.region.is_board:
            raise ValidationError({"region": _("派驻或挂钩的对象必须是板块")})
        if self.officer_id and self.start:
            far = date(9999, 12, 31)
            overlapping = (
                type(self)
                .objects.filter(officer_id=self.officer_id, start__lte=self.end or far)
                .filter(Q(end__isnull=True) | Q(end__gte=self.start))
                .exclude(pk=self.pk)
            )
            if self.overlap_same_region_only:
                overlapping = overlapping.filter(region_id=self.region_id)
            if overlapping.exists():
                raise ValidationError({"start": self.overlap_message})


class Secondment(OfficerAssignment):
    """派驻: the officer acts in the board for the period, as one of its own."""

    officer = models.ForeignKey(
        Officer, verbose_name=_("派驻人员"), on_delete=models.PROTECT, related_name="secondments"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("派驻板块"), on_delete=models.PROTECT, related_name="secondments"
    )
    overlap_same_region_only = False
    overlap_message = _("该人员在此期间已派驻到其他板块")

    class Meta(OfficerAssignment.Meta):
        verbose_name = _("派驻")
        verbose_name_plural = _("派驻")


class Pairing(OfficerAssignment):
    """挂钩: the officer assists the board (an officer may be paired with several boards)."""

    officer = models.ForeignKey(
        Officer, verbose_name=_("挂钩人员"), on_delete=models.PROTECT, related_name="pairings"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("挂钩板块"), on_delete=models.PROTECT, related_name="pairings"
    )
    overlap_same_region_only = True
    overlap_message = _("该人员在此期间已与该板块挂钩")

    class Meta(OfficerAssignment.Meta):
        verbose_name = _("挂钩")
        verbose_name_plural = _("挂钩")

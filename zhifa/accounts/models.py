from __future__ import annotations

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.roles import BOARD_ROLES, Role


class User(AuditedModel, AbstractUser):
    """An account. One role per account; board-bound roles name their board (``region``)."""

    audit_exclude = ("password",)

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, db_index=True)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("所属板块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("板块角色必填；区级角色留空"),
    )
    officer = models.OneToOneField(
        "orgs.Officer",
        verbose_name=_("执法人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    expert = models.OneToOneField(
        "experts.Expert",
        verbose_name=_("专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        permissions = [("assign_role", _("分配角色"))]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}（{self.get_role_display()}）"

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if self.role in BOARD_ROLES and not self.region_id:
            raise ValidationError({"region": _("板块角色必须指定所属板块")})
        if self.role == Role.EXPERT and not self.expert_id:
            raise ValidationError({"expert": _("专家账号必须关联专家")})

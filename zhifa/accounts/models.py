from __future__ import annotations

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
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
    password_changed_at = models.DateTimeField(
        _("密码修改时间"),
        null=True,
        blank=True,
        help_text=_("密码到期（默认 90 天）从此时起算；为空表示下次登录须修改"),
    )
    mfa_required = models.BooleanField(
        _("要求第二因素"),
        default=False,
        help_text=_("除按角色必须使用第二因素的账号外，另行要求本账号使用动态口令"),
    )
    is_break_glass = models.BooleanField(
        _("应急账号"),
        default=False,
        editable=False,
        help_text=_("唯一的应急（break-glass）账号：平时停用，启用与每次使用都记入审计日志"),
    )

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        permissions = [("assign_role", _("分配角色"))]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}（{self.get_role_display()}）"

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # Every password set on the account (the change page, the admin, createsuperuser, create_user, the
        # demo writing a hash) is dated and remembered for the history rule: zhifa.accounts.passwords.
        from zhifa.accounts import passwords

        created = self._state.adding
        password_set = passwords.prepare_save(self, kwargs)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if password_set:
                passwords.password_set(self, created=created)

    def clean(self):
        super().clean()
        if self.role in BOARD_ROLES and not self.region_id:
            raise ValidationError({"region": _("板块角色必须指定所属板块")})
        if self.role == Role.EXPERT and not self.expert_id:
            raise ValidationError({"expert": _("专家账号必须关联专家")})


class PasswordHistory(models.Model):
    """A password the account has had (its hash only): a new password may not repeat the last N."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A signed-in session of an account, as the security administrator sees and ends it.

    Django's session row holds the data; this row names its owner, where it came from and when it
    ended and why (idle, lifetime, signed out, ended by the security administrator, account disabled).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("账号"))
    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最近活动"), null=True, blank=True)
    ip = models.CharField(_("IP 地址"), max_length=64, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=255, blank=True)
    mfa_verified_at = models.DateTimeField(_("第二因素验证时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(_("结束原因"), max_length=32, blank=True)
    ended_by = models.ForeignKey(
        User,
        verbose_name=_("结束人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("会话")
        verbose_name_plural = _("会话")
        ordering = ["-created_at", "-id"]
        permissions = [("end_usersession", _("结束会话"))]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """An API token: only its SHA-256 digest is stored; it expires and can be revoked, never deleted."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("账号")
    )
    name = models.CharField(_("用途"), max_length=64)
    prefix = models.CharField(_("前缀"), max_length=12, help_text=_("令牌的前几位，便于辨认"))
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    issued_with_mfa = models.BooleanField(_("签发时已验证第二因素"), default=False)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("作废人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]
        permissions = [("revoke_apitoken", _("作废他人令牌"))]
        default_permissions = ("view", "add")

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

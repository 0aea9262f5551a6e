"""Shared models: the append-only, hash-chained full-process record (全过程记录)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import AuditAction


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guarded by tests through the public API
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """One row of the full-process record.

    ``hash`` = digest(``prev_hash`` + canonical JSON of the row's content) with ``algorithm``; the
    chain is verified by ``zhifa audit verify``. Rows are only ever inserted (``zhifa.core.audit``);
    database triggers reject UPDATE and DELETE (migration 0002).
    """

    occurred_at = models.DateTimeField(_("时间（UTC）"), db_index=True)
    occurred_local = models.CharField(_("时间（北京时间）"), max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # the record must outlive any account
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    user_display = models.CharField(_("姓名"), max_length=150, blank=True)
    ip = models.CharField(_("IP 地址"), max_length=64, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=16, blank=True)
    action = models.CharField(_("动作"), max_length=24, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    algorithm = models.CharField(_("算法"), max_length=16)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]
        indexes = [
            # The object history shown beside a record filters by type and id.
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")


# The calendar's models live beside the record's; imported last because they subclass AuditedModel,
# whose module reads AuditEntry from this one.
from zhifa.core.calendar_models import CalendarDay, CalendarYear, PeriodRule  # noqa: E402

__all__ = ["AuditEntry", "CalendarDay", "CalendarYear", "PeriodRule"]

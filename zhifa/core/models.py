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


class AuditArchive(models.Model):
    """A checkpoint: the oldest rows of the chain, moved out of the table into a signed archive file.

    ``zhifa audit archive`` writes the rows ``first_id`` … ``last_id`` (all older than the retention)
    to ``file_name`` (gzip JSON lines), signs ``manifest`` (canonical JSON of the columns below and the
    file's SHA-256), then deletes them under a permit the triggers accept only inside that transaction.
    ``zhifa audit verify`` starts the live chain at the newest checkpoint's ``last_hash`` and checks the
    checkpoints' signatures and links (and the files themselves with ``--archives``). Append-only like
    the log (triggers, migration 0006).
    """

    archived_at = models.DateTimeField(_("归档时间（UTC）"))
    archived_local = models.CharField(_("归档时间（北京时间）"), max_length=32)
    cut = models.DateTimeField(_("截止时间（UTC）"), help_text=_("归档的记录都早于此时"))
    first_id = models.BigIntegerField(_("第一条"))
    last_id = models.BigIntegerField(_("最后一条"), unique=True)
    count = models.BigIntegerField(_("条数"))
    first_prev_hash = models.CharField(_("第一条的前一条哈希"), max_length=64)
    first_hash = models.CharField(_("第一条的哈希"), max_length=64)
    last_hash = models.CharField(_("最后一条的哈希"), max_length=64)
    file_name = models.CharField(_("归档文件"), max_length=255)
    file_sha256 = models.CharField(_("归档文件 SHA-256"), max_length=64)
    manifest = models.TextField(_("清单（签名的内容）"))
    signature_algorithm = models.CharField(_("签名算法"), max_length=16)
    key_id = models.CharField(_("签名密钥指纹"), max_length=32)
    signature = models.TextField(_("签名"))

    class Meta:
        verbose_name = _("审计归档")
        verbose_name_plural = _("审计归档")
        ordering = ["last_id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.first_id}–#{self.last_id}（{self.count}）{self.file_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计归档检查点只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计归档检查点只能追加，不能删除")


class AuditArchivePermit(models.Model):
    """The one door through the append-only triggers: rows ``first_id`` … ``last_id`` may be deleted.

    Written and removed by ``zhifa.core.audit.archive`` inside the archiving transaction; on PostgreSQL
    the trigger also requires ``txid`` to be the deleting transaction's own, and on both databases the
    rows must be older than 184 days (migration 0006). Never used anywhere else.
    """

    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    txid = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"#{self.first_id}–#{self.last_id}"


# The calendar's models live beside the record's; imported last because they subclass AuditedModel,
# whose module reads AuditEntry from this one.
from zhifa.core.calendar_models import CalendarDay, CalendarYear, PeriodRule  # noqa: E402

__all__ = ["AuditArchive", "AuditArchivePermit", "AuditEntry", "CalendarDay", "CalendarYear", "PeriodRule"]

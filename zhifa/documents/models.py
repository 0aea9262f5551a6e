"""Issued documents (统一执法文书): kinds, gapless numbers, immutable files, versions, service.

An issued document is never changed: its PDF and DOCX are written once, content-addressed by their
SHA-256, and the hashes go into the audit chain. A correction is a new version with the same number
that names the one it replaces (``supersedes``); the old one stays, marked superseded.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.documents.choices import DocumentStatus, ServiceMethod


class FormKind(AuditedModel):
    """A kind of form and how its numbers read: （武）应急{abbreviation}〔2026〕12号.

    Seeded by migration; an administrator may adjust the title, abbreviation and template name, which
    are local conventions rather than law.
    """

    code = models.CharField(_("代码"), max_length=40, primary_key=True)
    title = models.CharField(_("文书名称"), max_length=64)
    abbreviation = models.CharField(_("文号简称"), max_length=8, help_text=_("如 检、责改、复查"))
    template = models.CharField(_("模板文件"), max_length=100, help_text=_("forms/ 目录下的模板文件名"))
    numbered = models.BooleanField(_("编号"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("文书种类")
        verbose_name_plural = _("文书种类")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.title


class DocumentSequence(models.Model):
    """The last number used per issuing agency, form kind and year. Incremented under a row lock in the
    issuing transaction, so numbers are gapless and unique under concurrent issuers (a rolled-back
    issue rolls its increment back too)."""

    agency = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(FormKind, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year"], name="document_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name} {self.kind_id} {self.year}: {self.last_number}"


class IssuedDocumentQuerySet(RestrictedQuerySet):
    board_path = "board"

    def current(self):
        return self.filter(status=DocumentStatus.VALID)


class IssuedDocument(AuditedModel):
    kind = models.ForeignKey(
        FormKind, verbose_name=_("文书种类"), on_delete=models.PROTECT, related_name="documents"
    )
    agency = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("制发机关"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("文号所属机关：区局，或依赋权以自己名义执法的板块"),
    )
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("承办板块"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    number = models.CharField(_("文号"), max_length=64, blank=True, db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的原文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.CharField(_("更正理由"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.VALID
    )
    title = models.CharField(_("标题"), max_length=128)
    content = models.JSONField(_("文书内容"), default=dict)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    pdf_size = models.PositiveIntegerField(_("PDF 大小"), default=0)
    docx_sha256 = models.CharField(_("DOCX SHA-256"), max_length=64)
    docx_size = models.PositiveIntegerField(_("DOCX 大小"), default=0)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "year", "sequence", "version"],
                name="document_number_version_unique",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="document_subject_idx")]
        permissions = [("correct_issueddocument", _("签发更正版本"))]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        # Issued content is immutable; only the status may move (valid → superseded).
        if self.pk is not None:
            loaded = getattr(self, "_audit_loaded", {})
            for field in (
                "number",
                "content",
                "pdf_sha256",
                "docx_sha256",
                "version",
                "kind_id",
                "agency_id",
            ):
                if field in loaded and loaded[field] != getattr(self, field):
                    raise ValidationError(_("已签发的文书不可修改；如需更正，请签发更正版本。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("已签发的文书不可删除；如需更正，请签发更正版本。"))


class ServiceRecord(AuditedModel):
    """送达: how a document reached the party; the 文书送达回执 is printed from it."""

    document = models.ForeignKey(
        IssuedDocument, verbose_name=_("送达文书"), on_delete=models.PROTECT, related_name="service_records"
    )
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("送达方式"), max_length=16, choices=ServiceMethod.choices)
    served_at = models.DateTimeField(_("送达时间"))
    place = models.CharField(_("送达地点"), max_length=200, blank=True)
    recipient_name = models.CharField(_("受送达人"), max_length=64)
    recipient_title = models.CharField(_("受送达人职务/身份"), max_length=32, blank=True)
    servers = models.ManyToManyField("orgs.Officer", verbose_name=_("送达人"), related_name="+")
    witnesses = models.CharField(_("见证人"), max_length=200, blank=True, help_text=_("留置送达时必填"))
    consent_reference = models.CharField(
        _("电子送达确认书"),
        max_length=200,
        blank=True,
        help_text=_("当事人书面同意电子送达的确认书编号或说明"),
    )
    electronic_address = models.CharField(_("电子送达地址"), max_length=200, blank=True)
    notice_published_on = models.DateField(_("公告发布日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    receipt = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("送达回执"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["-served_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient_name}"

    def clean(self):
        if self.method == ServiceMethod.LEFT and not self.witnesses.strip():
            raise ValidationError({"witnesses": _("留置送达必须有见证人")})
        if self.method == ServiceMethod.ELECTRONIC and not self.consent_reference.strip():
            raise ValidationError({"consent_reference": _("电子送达须经当事人书面同意，请填写确认书")})
        if self.method == ServiceMethod.PUBLIC_NOTICE and not self.notice_published_on:
            raise ValidationError({"notice_published_on": _("公告送达须填写公告发布日期")})

"""The public portal's own records (行政执法公示).

Before enforcement the portal reads the organisation itself (bodies from ``orgs.Region``, officers and
their certificates from ``orgs.Officer``/``Certificate``); the only thing kept here is the list of powers
(职权) each body publishes, which an administrator writes. After enforcement it shows ``Publication``
rows: a snapshot of what is public of one penalty decision, frozen when it is published, so that a later
edit of the case never changes (or leaks into) what the public has read. Draws are read from
``planning.Draw`` as they stand: they are public by design.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.disclosure.choices import PublicationState


class BodyDisclosure(AuditedModel):
    """What an enforcement body (the district bureau or a board) publishes about its powers."""

    region = models.OneToOneField(
        "orgs.Region", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="disclosure"
    )
    powers = models.TextField(
        _("职权"),
        help_text=_("向社会公开的执法职权，每行一项，如“安全生产行政检查”“安全生产行政处罚”"),
    )
    basis = models.TextField(_("职权依据"), blank=True, help_text=_("法律法规及赋权文件，每行一项"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法主体公示")
        verbose_name_plural = _("执法主体公示")
        ordering = ["region__sort_order", "region__code"]

    def __str__(self) -> str:
        return str(self.region)

    @property
    def power_lines(self) -> list[str]:
        return [line.strip() for line in self.powers.splitlines() if line.strip()]

    @property
    def basis_lines(self) -> list[str]:
        return [line.strip() for line in self.basis.splitlines() if line.strip()]


class PublicationQuerySet(RestrictedQuerySet):
    board_path = "case__board"

    def live(self):
        return self.filter(withdrawn_at__isnull=True)


class Publication(AuditedModel):
    """One penalty decision as published (事后公开), or its withdrawal notice once the case is revoked.

    ``content`` holds only what may be public (see ``zhifa.disclosure.services.snapshot``); the case's
    internal fields never reach it. A withdrawn row is kept, with its notice, and its content is no
    longer shown.
    """

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="publication"
    )
    decision_number = models.CharField(_("决定书文号"), max_length=64, db_index=True)
    decided_on = models.DateField(_("决定日期"))
    agency_name = models.CharField(_("处罚机关"), max_length=64)
    content = models.JSONField(_("公示内容"), default=dict)
    # The public list is ordered by publication time, newest first.
    published_at = models.DateTimeField(_("公示时间"), default=timezone.now, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("公示人"), on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("撤回原因（内部）"), blank=True)
    withdrawal_notice = models.TextField(_("撤回公告"), blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政处罚决定公示")
        verbose_name_plural = _("行政处罚决定公示")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision_number}（{self.get_state_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("disclosure:decision_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise ValidationError(_("公示记录不可删除；如需撤下，请撤回并发布撤回公告。"))

    @property
    def state(self) -> str:
        return PublicationState.WITHDRAWN if self.withdrawn_at else PublicationState.PUBLISHED

    def get_state_display(self) -> str:
        return str(PublicationState(self.state).label)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def public_content(self) -> dict[str, Any]:
        """What pages and the API may show: nothing of the decision once it is withdrawn."""
        return {} if self.is_withdrawn else dict(self.content)

"""A verifiable draw: commitment, frozen pools, result and revealed seed, each hashed into the audit chain."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.scoping import RestrictedQuerySet, board_ids
from zhifa.planning.choices import DrawStatus


class DrawQuerySet(RestrictedQuerySet):
    board_path = "board"

    def jurisdiction_q(self, user) -> Q:
        # A district-wide draw (no board) makes tasks in every board: every board may read it.
        return Q(board__in=board_ids(user)) | Q(board__isnull=True)

    def active(self):
        return self.exclude(status=DrawStatus.SUPERSEDED)


class Draw(models.Model):
    """One draw for a board-month, or for the district-month across boards.

    Not an ``AuditedModel``: its life is written to the chain explicitly, one row per step
    (commitment, frozen pools, result, revealed seed, superseded), each carrying the hash it fixes;
    the large JSON documents themselves are kept here and are checked against those hashes.
    """

    district = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    board = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("板块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draws",
        help_text=_("留空为全区各板块一并抽取"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    plan = models.ForeignKey(
        "planning.AnnualPlan",
        verbose_name=_("年度计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draws",
    )
    cross_enforcement = models.BooleanField(_("交叉执法"), default=False)
    params = models.JSONField(_("抽取参数"), default=dict)
    algorithm_version = models.CharField(_("算法版本"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=16, choices=DrawStatus.choices, default=DrawStatus.COMMITTED, db_index=True
    )
    seed_source = models.TextField(
        _("随机种子来源"),
        blank=True,
        help_text=_("留空：系统随机数（secrets）；否则为公开数值，如彩票开奖号码"),
    )
    commitment = models.CharField(_("承诺值 SHA-256(种子)"), max_length=64)
    seed_hex = models.CharField(_("种子（抽取后公开）"), max_length=64, blank=True)
    pool_json = models.TextField(_("冻结的候选池（规范 JSON）"), blank=True)
    pool_hash = models.CharField(_("候选池 SHA-256"), max_length=64, blank=True)
    result_json = models.TextField(_("抽取结果（规范 JSON）"), blank=True)
    result_hash = models.CharField(_("结果 SHA-256"), max_length=64, blank=True)
    summary = models.JSONField(_("结果摘要"), default=dict, blank=True)
    diagnoses = models.JSONField(_("缺口说明"), default=list, blank=True)
    reason = models.TextField(_("抽取/重抽理由"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("取代的抽取"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    swap_counter = models.PositiveIntegerField(_("换人次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(_("承诺时间"))
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("公开种子时间"), null=True, blank=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-year", "-month", "-pk"]
        indexes = [
            # "Is there an active draw for this month (and board)?" before every new draw.
            models.Index(fields=["year", "month", "status"], name="draw_month_status_idx"),
        ]

    def __str__(self) -> str:
        scope = self.board.name if self.board is not None else _("全区")
        return f"{self.label} {scope} 双随机抽取 #{self.pk}"

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


class DrawAssignment(models.Model):
    """One row of a draw's result as drawn (enterprise, date, two officers, one expert). Never edited:
    a member swap changes the task and is recorded in ``TaskSwap``; ``zhifa draw verify`` recomputes
    these rows from the seed and the frozen pools."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveIntegerField()
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    board = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    planned_date = models.DateField()
    officer_1 = models.ForeignKey("orgs.Officer", on_delete=models.PROTECT, related_name="+")
    officer_2 = models.ForeignKey("orgs.Officer", on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey("experts.Expert", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("抽取结果")
        verbose_name_plural = _("抽取结果")
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "enterprise"], name="draw_enterprise_unique"),
            models.UniqueConstraint(fields=["draw", "position"], name="draw_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}#{self.position} {self.enterprise_id}"

    def as_row(self) -> dict:
        """The row as the engine states it (officers in ascending id)."""
        return {
            "enterprise": self.enterprise_id,
            "board": self.board_id,
            "date": self.planned_date.isoformat(),
            "officers": sorted([self.officer_1_id, self.officer_2_id]),
            "expert": self.expert_id,
        }

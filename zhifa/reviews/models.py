"""Case-file reviews (案卷评审) and contests (案卷评比): the scoring standard, the rounds, the files drawn
for each round and the reviewers' scores.

A round samples closed files of a period per board with a committed seed (``zhifa.reviews.sampling``),
gives each file to a reviewer of another board, and collects one score sheet per file. A score sheet is
never changed: a correction by the round's organiser is a new version with its reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.roles import Role
from zhifa.core.scoping import RestrictedQuerySet, board_ids
from zhifa.reviews.choices import AssignmentStatus, ItemKind, RoundKind, RoundStatus, RubricStatus

POINTS: dict[str, Any] = {"max_digits": 5, "decimal_places": 1}
ZERO = Decimal("0")


def points_text(value: Decimal) -> str:
    """Points as people write them: 20, 7.5 (never 20.0 or 2E+1)."""
    return format(value.normalize(), "f")


class Immutable(models.Model):
    """A row written once: saving it again or deleting it is refused (corrections are new rows)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("评分提交后不得修改；如需更正，由本轮组织者另立新版本并写明理由"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("评分记录不得删除"))


# --- The scoring standard ------------------------------------------------------------------------------


class RubricQuerySet(RestrictedQuerySet):
    board_path = None  # district reference data

    def restrict(self, user, action: str = "view"):
        queryset = super().restrict(user, action)
        if not user.has_perm("reviews.change_rubric"):
            queryset = queryset.filter(status=RubricStatus.PUBLISHED)  # drafts are their editors' only
        return queryset

    def published(self):
        return self.filter(status=RubricStatus.PUBLISHED)


class Rubric(AuditedModel):
    """One version of the scoring standard: veto items, then form and content items with their points.

    Published versions are read-only (a round keeps the version it was scored by); a change is a new
    version copied from the latest (``services.new_rubric_version``) and published when its form and
    content items add up to the declared totals.
    """

    name = models.CharField(_("名称"), max_length=100)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=16, choices=RubricStatus.choices, default=RubricStatus.DRAFT, db_index=True
    )
    form_points = models.DecimalField(
        _("案卷形式总分"), default=Decimal("20"), validators=[MinValueValidator(ZERO)], **POINTS
    )
    content_points = models.DecimalField(
        _("案卷内容总分"), default=Decimal("80"), validators=[MinValueValidator(ZERO)], **POINTS
    )
    pass_mark = models.DecimalField(
        _("合格分"),
        default=Decimal("60"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("1000"))],
        help_text=_("未触及否决项且总分不低于此分的案卷为合格"),
        **POINTS,
    )
    example_values = models.BooleanField(
        _("示例值"), default=False, help_text=_("分值为演示用示例，正式使用前须按评查标准替换")
    )
    source = models.TextField(_("依据与说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = RubricQuerySet.as_manager()

    class Meta:
        verbose_name = _("案卷评查标准")
        verbose_name_plural = _("案卷评查标准")
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="rubric_name_version_unique")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    def get_absolute_url(self) -> str:
        return reverse("reviews:rubric_detail", args=[self.pk])

    @property
    def total_points(self) -> Decimal:
        return self.form_points + self.content_points

    @property
    def is_published(self) -> bool:
        return self.status == RubricStatus.PUBLISHED


class RubricItem(AuditedModel):
    """One line of the standard. A veto item has no points: ticking it fails the file outright."""

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("类别"), max_length=8, choices=ItemKind.choices)
    code = models.SlugField(
        _("代码"),
        max_length=32,
        help_text=_("英文字母、数字和下划线，同一版本内唯一；评分表单和接口按此代码提交"),
    )
    title = models.CharField(_("评查项目"), max_length=100)
    description = models.TextField(_("评查要点"), blank=True)
    max_points = models.DecimalField(
        _("满分"), default=ZERO, validators=[MinValueValidator(ZERO)], help_text=_("否决项为 0"), **POINTS
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评查项目")
        verbose_name_plural = _("评查项目")
        ordering = ["rubric", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="rubric_item_code_unique")]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.kind == ItemKind.VETO and self.max_points:
            raise ValidationError({"max_points": _("否决项不计分，满分应为 0")})
        if self.kind != ItemKind.VETO and not self.max_points:
            raise ValidationError({"max_points": _("计分项目的满分应大于 0")})

    @property
    def is_veto(self) -> bool:
        return self.kind == ItemKind.VETO

    @property
    def max_text(self) -> str:
        return points_text(self.max_points)


# --- Rounds ------------------------------------------------------------------------------------------------


class ReviewRoundQuerySet(RestrictedQuerySet):
    board_path = None

    def jurisdiction_q(self, user) -> Q:
        """Board leaders follow a round once its files are drawn (their board's results only, which the
        pages filter); a draft is the organisers'."""
        return ~Q(status=RoundStatus.DRAFT)


class ReviewRound(AuditedModel):
    """One review or contest: closed files of a period, N per board, drawn with a committed seed.

    Its life is written to the audit chain by the automatic rows of every save and, for the draw, by
    one explicit row per step (commitment with the frozen candidates, result, revealed seed), each
    carrying the hash it fixes; ``services.verify_round`` checks them all.
    """

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=8, choices=RoundKind.choices, default=RoundKind.REVIEW)
    period_start = models.DateField(_("结案日期自"))
    period_end = models.DateField(_("结案日期至"))
    per_board = models.PositiveSmallIntegerField(
        _("每个板块抽取案卷数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("评查标准"), on_delete=models.PROTECT, related_name="rounds"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT, db_index=True
    )
    reviewer_pool = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评查人员"),
        blank=True,
        related_name="+",
        help_text=_("留空：各板块分管领导、执法人员和执法大队队员；法制审核员须点名加入"),
    )
    first_prizes = models.PositiveSmallIntegerField(_("一等奖名额"), default=1)
    second_prizes = models.PositiveSmallIntegerField(_("二等奖名额"), default=2)
    third_prizes = models.PositiveSmallIntegerField(_("三等奖名额"), default=3)
    awards_text = models.TextField(_("评比奖项说明"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("组织者"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # The draw: commitment and frozen candidates first, then the result and the revealed seed.
    algorithm = models.CharField(_("抽取算法"), max_length=32, blank=True)
    commitment = models.CharField(_("承诺值 SHA-256(种子)"), max_length=64, blank=True)
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    candidates_json = models.TextField(_("冻结的候选案卷（规范 JSON）"), blank=True)
    candidates_hash = models.CharField(_("候选案卷 SHA-256"), max_length=64, blank=True)
    result_hash = models.CharField(_("抽取结果 SHA-256"), max_length=64, blank=True)
    seed_hex = models.CharField(_("种子（抽取后公开）"), max_length=64, blank=True)
    revealed_at = models.DateTimeField(_("公开种子时间"), null=True, blank=True)
    scoring_started_at = models.DateTimeField(_("开始评分时间"), null=True, blank=True)
    finished_on = models.DateField(_("结束日期"), null=True, blank=True, db_index=True)

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("案卷评审（评比）")
        verbose_name_plural = _("案卷评审（评比）")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="review_round_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("reviews:round_detail", args=[self.pk])

    def clean(self):
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": _("结案日期止不能早于起")})
        if self.rubric_id and not self.rubric.is_published:
            raise ValidationError({"rubric": _("只能选用已发布的评查标准")})

    @property
    def is_contest(self) -> bool:
        return self.kind == RoundKind.CONTEST


class ReviewAssignmentQuerySet(RestrictedQuerySet):
    board_path = "board"

    def jurisdiction_q(self, user) -> Q:
        """A reviewer reaches the files given to them, whatever their board (the grant is the assignment,
        not a wider case queryset); a board leader reads the own board's files once the round ended."""
        mine = Q(reviewer_id=user.pk)
        if getattr(user, "role", None) == Role.BOARD_LEADER:
            return mine | Q(board__in=board_ids(user), round__status=RoundStatus.FINISHED)
        return mine

    def submitted(self):
        return self.filter(status=AssignmentStatus.SUBMITTED)


class ReviewAssignment(AuditedModel):
    """One drawn case file, the board it belongs to and its reviewer (never of that board)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveIntegerField(_("抽取顺序"))
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="review_assignments"
    )
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评查人"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
        db_index=True,
    )
    findings = models.JSONField(_("自动预检发现"), default=list, blank=True)
    prechecked_at = models.DateTimeField(_("预检时间"), null=True, blank=True)
    # The current score sheet's figures, kept here so that lists and averages read one table.
    version = models.PositiveSmallIntegerField(_("评分版本"), default=0)
    points = models.DecimalField(_("各项得分合计"), null=True, blank=True, **POINTS)
    total = models.DecimalField(_("总分"), null=True, blank=True, help_text=_("触及否决项计 0 分"), **POINTS)
    vetoed = models.BooleanField(_("触及否决项"), default=False)
    passed = models.BooleanField(_("合格"), null=True, blank=True)

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("评查案卷")
        verbose_name_plural = _("评查案卷")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "case"], name="review_assignment_case_unique"),
            models.UniqueConstraint(fields=["round", "position"], name="review_assignment_position_unique"),
        ]
        indexes = [
            # The reviewer's queue: "my files still to score".
            models.Index(fields=["reviewer", "status"], name="review_assignment_queue_idx"),
        ]
        permissions = [
            ("score_reviewassignment", _("评分（被指派的评查人）")),
            ("correct_reviewassignment", _("更正评分（本轮组织者，须写明理由）")),
        ]

    def __str__(self) -> str:
        return f"{self.round.name} #{self.position + 1} {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:assignment_detail", args=[self.pk])

    def as_row(self) -> dict:
        """The row as the sampling engine states it (``sampling.run``)."""
        return {
            "position": self.position,
            "board": self.board_id,
            "case": self.case_id,
            "reviewer": self.reviewer_id,
        }


class ScoreSheet(AuditedModel, Immutable):
    """One submitted scoring of a file: version 1 by the reviewer, later versions corrections by the
    round's organiser with the reason. The assignment shows the latest."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.PROTECT, related_name="sheets")
    version = models.PositiveSmallIntegerField(_("版本"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评分人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("更正理由"), blank=True)
    comment = models.TextField(_("评查意见"), blank=True)
    points = models.DecimalField(_("各项得分合计"), **POINTS)
    total = models.DecimalField(_("总分"), **POINTS)
    vetoed = models.BooleanField(_("触及否决项"), default=False)
    passed = models.BooleanField(_("合格"))
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["assignment", "version"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "version"], name="score_sheet_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} v{self.version}"


class Score(AuditedModel, Immutable):
    """One item of a score sheet: the points given (none for a veto item), the veto ticked, the note."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="scores")
    item = models.ForeignKey(
        RubricItem, verbose_name=_("评查项目"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("得分"), null=True, blank=True, **POINTS)
    vetoed = models.BooleanField(_("否决"), default=False)
    note = models.CharField(_("扣分说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("评查项目得分")
        verbose_name_plural = _("评查项目得分")
        ordering = ["sheet", "item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="score_item_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"

"""Training of the enforcement officers: sessions, attendance with hours and exam scores, and the yearly
requirement (hours, exam pass mark) against which each officer's year is measured.

A session belongs to a board, or to the whole district when it has none. Board users read their board's
sessions and the district's; they change only their board's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import RestrictedQuerySet, board_ids
from zhifa.training.choices import LECTURER_REQUIRED, TrainingKind

#: The pass mark when no yearly requirement is configured (the field's default too).
DEFAULT_PASS_MARK = Decimal("60")


class TrainingRequirementQuerySet(RestrictedQuerySet):
    board_path = None  # district-wide reference data


class TrainingRequirement(AuditedModel):
    """What an officer's training year must reach: hours attended and an exam passed.

    A year without its own row takes the latest earlier year's (so the figures need setting only
    when they change).
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True, validators=[MinValueValidator(2000)])
    hours_required = models.DecimalField(
        _("年度培训学时要求"), validators=[MinValueValidator(Decimal("0"))], max_digits=5, decimal_places=1
    )
    exam_pass_mark = models.DecimalField(
        _("考试合格分"),
        max_digits=4,
        decimal_places=1,
        default=DEFAULT_PASS_MARK,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("文件名称及文号"))

    objects = TrainingRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度培训要求")
        verbose_name_plural = _("年度培训要求")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("%(y)s 年度：%(h)s 学时，考试 %(m)s 分合格") % {
            "y": self.year,
            "h": self.hours_required.normalize(),
            "m": self.exam_pass_mark.normalize(),
        }

    @classmethod
    def for_year(cls, year: int) -> TrainingRequirement | None:
        return cls.objects.filter(year__lte=year).order_by("-year").first()


def pass_mark_for(year: int) -> Decimal:
    requirement = TrainingRequirement.for_year(year)
    return requirement.exam_pass_mark if requirement is not None else DEFAULT_PASS_MARK


class TrainingSessionQuerySet(RestrictedQuerySet):
    board_path = "board"

    def jurisdiction_q(self, user) -> Q:
        """The own boards' sessions and the district-wide ones (board null)."""
        return super().jurisdiction_q(user) | Q(board__isnull=True)

    def restrict(self, user, action: str = "view"):
        queryset = super().restrict(user, action)
        if action != "view" and not is_district_wide(user):
            queryset = queryset.filter(board__isnull=False)  # the district's sessions are the district's
        return queryset

    def in_year(self, year: int):
        return self.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))


class TrainingSession(AuditedModel):
    board = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("板块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        help_text=_("留空为全区培训"),
    )
    kind = models.CharField(_("形式"), max_length=16, choices=TrainingKind.choices)
    title = models.CharField(_("主题"), max_length=120)
    date = models.DateField(_("日期"))
    hours = models.DecimalField(
        _("学时"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
        max_digits=5,
        decimal_places=1,
    )
    lecturer = models.ForeignKey(
        "orgs.Officer",
        verbose_name=_("授课人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lectures",
        help_text=_("轮流授课必须填写"),
    )
    place = models.CharField(_("地点"), max_length=120, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-date", "-pk"]
        indexes = [
            # The session list filters by board and year; the hours pages read sessions of a year.
            models.Index(fields=["board", "date"], name="training_board_date_idx"),
            models.Index(fields=["date"], name="training_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}" if self.date else self.title

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", args=[self.pk])

    @property
    def scope_name(self) -> str:
        return self.board.name if self.board_id and self.board is not None else str(_("全区"))

    def clean(self):
        errors: dict[str, object] = {}
        if self.kind in LECTURER_REQUIRED and not self.lecturer_id:
            errors["lecturer"] = _("轮流授课必须填写授课人")
        if self.board_id and not self.board.is_board:
            errors["board"] = _("请选择具体板块；全区培训请留空")
        if self.lecturer_id and not self.lecturer.active:
            errors["lecturer"] = _("授课人已不在岗")
        if errors:
            raise ValidationError(errors)


class AttendanceQuerySet(RestrictedQuerySet):
    def jurisdiction_q(self, user) -> Q:
        """The own boards' sessions, and the own boards' officers at district-wide sessions."""
        boards = board_ids(user)
        return Q(session__board__in=boards) | Q(session__board__isnull=True, officer__unit__in=boards)

    def restrict(self, user, action: str = "view"):
        queryset = super().restrict(user, action)
        if action != "view" and not is_district_wide(user):
            queryset = queryset.filter(session__board__in=board_ids(user))
        return queryset


class Attendance(AuditedModel):
    """One officer at one session: attended or not, hours counted, exam score and whether it passed.

    ``passed`` is decided when the score is recorded, against the pass mark of the session's year in
    force then (a later change of the mark does not regrade past exams).
    """

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训"), on_delete=models.PROTECT, related_name="attendances"
    )
    officer = models.ForeignKey(
        "orgs.Officer", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="training_attendances"
    )
    attended = models.BooleanField(_("出勤"), default=True)
    hours = models.DecimalField(
        _("计入学时"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("留空按本次培训学时计；未出勤计 0"),
        max_digits=5,
        decimal_places=1,
    )
    exam_score = models.DecimalField(
        _("考试成绩"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    passed = models.BooleanField(_("考试合格"), null=True, editable=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训出勤")
        verbose_name_plural = _("培训出勤")
        ordering = ["session", "officer__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="attendance_session_officer")
        ]
        indexes = [
            # Yearly hours per officer: the officer's attendances joined to the sessions of a year.
            models.Index(fields=["officer", "attended"], name="attendance_officer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} · {self.session}"

    def clean(self):
        errors: dict[str, object] = {}
        session = self.session if self.session_id else None
        if session is not None and session.date > timezone.localdate():
            errors["attended"] = _("培训尚未举行，不能登记出勤")
        if session is not None and self.hours is not None and self.hours > session.hours:
            errors["hours"] = _("计入学时不能超过本次培训学时（%(h)s）") % {"h": session.hours.normalize()}
        if not self.attended and self.exam_score is not None:
            errors["exam_score"] = _("未出勤不能登记考试成绩")
        if errors:
            raise ValidationError(errors)

    def grade(self, pass_mark: Decimal) -> None:
        """Fill the defaults and decide ``passed`` against ``pass_mark``."""
        if not self.attended:
            self.hours = Decimal("0")
        elif self.hours is None:
            self.hours = self.session.hours
        self.passed = None if self.exam_score is None else self.exam_score >= pass_mark

    def save(self, *args, **kwargs):
        self.grade(pass_mark_for(self.session.date.year))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "hours", "passed"}
        super().save(*args, **kwargs)

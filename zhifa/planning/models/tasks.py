"""Inspection tasks (drawn or targeted), their transitions and member swaps; officers' conflicts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.audit import AuditedModel
from zhifa.core.scoping import RestrictedQuerySet
from zhifa.planning.choices import SwapReason, SwapRole, TargetedReason, TaskKind, TaskStatus

OPEN_STATUSES = (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS)


class TaskQuerySet(RestrictedQuerySet):
    board_path = "board"

    def jurisdiction_q(self, user) -> Q:
        """The board's tasks, plus the user's own: a cross-enforcement officer from another board, or
        the expert, works on a task outside their board."""
        mine = Q()
        if getattr(user, "officer_id", None):
            mine = Q(officer_1_id=user.officer_id) | Q(officer_2_id=user.officer_id)
        if getattr(user, "expert_id", None):
            mine |= Q(expert_id=user.expert_id)
        return super().jurisdiction_q(user) | mine if mine else super().jurisdiction_q(user)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def live(self):
        """Tasks that count: not cancelled."""
        return self.exclude(status=TaskStatus.CANCELLED)

    def in_month(self, year: int, month: int):
        return self.filter(planned_date__year=year, planned_date__month=month)

    def counted(self):
        """Tasks that count toward the plan: their inspection is signed off."""
        from zhifa.inspections.choices import InspectionStatus

        return self.filter(inspection__status=InspectionStatus.SIGNED_OFF)


class Task(AuditedModel):
    """An inspection to do: an enterprise, a date, two certified officers and (2+1) one expert."""

    draw = models.ForeignKey(
        "planning.Draw",
        verbose_name=_("抽取"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text=_("定向检查任务为空"),
    )
    assignment = models.OneToOneField(
        "planning.DrawAssignment",
        verbose_name=_("抽取结果行"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="tasks"
    )
    board = models.ForeignKey(
        "orgs.Region", verbose_name=_("板块"), on_delete=models.PROTECT, related_name="tasks"
    )
    planned_date = models.DateField(_("计划检查日期"))
    officer_1 = models.ForeignKey(
        "orgs.Officer", verbose_name=_("执法人员一"), on_delete=models.PROTECT, related_name="tasks_as_first"
    )
    officer_2 = models.ForeignKey(
        "orgs.Officer", verbose_name=_("执法人员二"), on_delete=models.PROTECT, related_name="tasks_as_second"
    )
    expert = models.ForeignKey(
        "experts.Expert",
        verbose_name=_("专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=TaskKind.choices, default=TaskKind.RANDOM)
    targeted_reason = models.CharField(
        _("定向事由"), max_length=16, choices=TargetedReason.choices, blank=True
    )
    reason = models.CharField(_("事由说明"), max_length=300, blank=True)
    plan_item = models.ForeignKey(
        "planning.PlanItem",
        verbose_name=_("专项与重点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.PLANNED, db_index=True
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    inspection = models.OneToOneField(
        "inspections.Inspection",
        verbose_name=_("现场检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["planned_date", "board_id", "pk"]
        permissions = [
            ("cancel_task", _("取消检查任务")),
            ("swap_task", _("检查任务换人")),
            ("start_task", _("按任务开始检查")),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(officer_1=F("officer_2")), name="task_two_distinct_officers"),
            models.CheckConstraint(
                condition=Q(kind=TaskKind.RANDOM) | ~Q(targeted_reason="") & ~Q(reason=""),
                name="targeted_task_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="cancelled_task_needs_reason",
            ),
        ]
        indexes = [
            # Quotas and progress count a board's tasks of a month by status.
            models.Index(fields=["board", "planned_date", "status"], name="task_board_date_idx"),
            # Workload: an officer's or expert's tasks of a month and of a day.
            models.Index(fields=["officer_1", "planned_date"], name="task_officer1_date_idx"),
            models.Index(fields=["officer_2", "planned_date"], name="task_officer2_date_idx"),
            models.Index(fields=["expert", "planned_date"], name="task_expert_date_idx"),
            # Candidate rules: an enterprise's open tasks and tasks of the year.
            models.Index(fields=["enterprise", "status"], name="task_enterprise_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.planned_date} {self.enterprise}"

    @property
    def officer_ids(self) -> list[int]:
        return [self.officer_1_id, self.officer_2_id]


class TaskEvent(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=TaskStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("任务流转记录")
        verbose_name_plural = _("任务流转记录")
        ordering = ["task", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_status}→{self.to_status}"


class TaskSwap(models.Model):
    """A member replaced by a board leader, with the reason, and the replacement drawn by the draw's
    rules from a frozen candidate list, seeded from the draw's seed and this swap's counter."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="swaps")
    draw = models.ForeignKey("planning.Draw", on_delete=models.PROTECT, related_name="swaps")
    counter = models.PositiveIntegerField(_("序号"))
    role = models.CharField(_("角色"), max_length=16, choices=SwapRole.choices)
    outgoing_id = models.PositiveBigIntegerField(_("换下人员"))
    incoming_id = models.PositiveBigIntegerField(_("换上人员"))
    reason_kind = models.CharField(_("原因类别"), max_length=16, choices=SwapReason.choices)
    reason = models.CharField(_("原因"), max_length=300)
    candidates_json = models.TextField(_("冻结的候选人员（规范 JSON）"))
    candidates_hash = models.CharField(_("候选 SHA-256"), max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("任务换人记录")
        verbose_name_plural = _("任务换人记录")
        ordering = ["draw", "counter"]
        constraints = [models.UniqueConstraint(fields=["draw", "counter"], name="swap_counter_unique")]

    def __str__(self) -> str:
        return f"{self.draw_id} 换人 #{self.counter}"


class OfficerConflictQuerySet(RestrictedQuerySet):
    board_path = "enterprise__board"


class OfficerConflict(AuditedModel):
    """A declared conflict of interest (回避): the officer must not inspect this enterprise."""

    officer = models.ForeignKey(
        "orgs.Officer", verbose_name=_("执法人员"), on_delete=models.PROTECT, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("回避企业"),
        on_delete=models.PROTECT,
        related_name="officer_conflicts",
    )
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_on = models.DateField(_("申报日期"), default=timezone.localdate)

    objects = OfficerConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法人员回避")
        verbose_name_plural = _("执法人员回避")
        ordering = ["officer", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "enterprise"], name="officer_conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.officer} 回避 {self.enterprise}"

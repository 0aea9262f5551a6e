"""Planning pages: the annual plan (required against capacity, per board and month, with a chart drawn
on the server), monthly quotas, draws (commitment, seed, frozen pools, result, verification) and tasks.

Every view declares its permission and reads rows through ``restrict(user, action)`` (403 without the
permission, 404 outside the jurisdiction); a team member also sees the own tasks. Every state change is
a call into ``zhifa.planning.services`` or ``zhifa.planning.plan``; refusals are shown in Chinese.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids
from zhifa.core.views import ObjectListView, PermissionMixin
from zhifa.experts.models import Expert
from zhifa.orgs.models import Officer, Region
from zhifa.planning import plan as plans
from zhifa.planning import services
from zhifa.planning.choices import DrawStatus, PlanStatus, SwapRole, TaskStatus
from zhifa.planning.filtersets import DrawFilterSet, PlanFilterSet, TaskFilterSet
from zhifa.planning.forms import (
    DrawForm,
    MonthField,
    OpinionForm,
    ReasonForm,
    RedrawForm,
    SwapForm,
    TargetedTaskForm,
)
from zhifa.planning.models import AnnualPlan, Draw, Task
from zhifa.planning.tables import DrawTable, PlanTable, TaskTable

TASK_RELATED = ("enterprise", "board", "officer_1", "officer_2", "expert", "draw")


def error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    return str(exc) or _("您的角色无权执行此操作")


def add_errors(form, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(exc))


def visible_tasks(user, action: str = "view"):
    """Tasks in the user's jurisdiction, plus the user's own (as officer or expert) wherever they are:
    a cross-enforcement officer's task lies in another board, an expert has no board."""
    scoped = Task.objects.restrict(user, action)
    if not user.is_authenticated or action != "view":
        return scoped
    own = Q()
    if getattr(user, "officer_id", None):
        own |= Q(officer_1_id=user.officer_id) | Q(officer_2_id=user.officer_id)
    if getattr(user, "expert_id", None):
        own |= Q(expert_id=user.expert_id)
    if not own or is_district_wide(user):
        return scoped
    if not user.has_perm("planning.view_task"):
        return scoped
    return Task.objects.filter(Q(pk__in=scoped.values("pk")) | own)


def user_boards(user):
    boards = Region.objects.boards()
    return boards if is_district_wide(user) else boards.filter(pk__in=board_ids(user))


# ==================================================================================== annual plan


class PlanListView(ObjectListView):
    permission = "planning.view_annualplan"
    queryset = AnnualPlan.objects.all()
    filterset = PlanFilterSet
    table = PlanTable
    title = gettext_lazy("年度监督检查计划")
    template_name = "planning/plan_list.html"


class PlanAddView(PermissionMixin, View):
    """Build a year's plan (the first version; later versions are revisions with a reason)."""

    permission = "planning.add_annualplan"

    def post(self, request):
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            messages.error(request, _("请填写年度"))
            return redirect("planning:plan_list")
        try:
            plan = plans.build_plan(user=request.user, year=year, reason=request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return redirect("planning:plan_list")
        messages.success(request, _("已编制 %(y)s 年度计划（第 %(v)s 版）") % {"y": year, "v": plan.version})
        return redirect("planning:plan_detail", pk=plan.pk)


CHART_W, CHART_H, CHART_TOP, CHART_LEFT, CHART_BOTTOM = 360, 150, 12, 28, 20


def board_chart(rows: list) -> dict:
    """Geometry of one board's chart: per month a bar for required and one for capacity (SVG units)."""
    peak = max([1] + [max(r.required, r.capacity) for r in rows])
    plot_h = CHART_H - CHART_TOP - CHART_BOTTOM
    slot = (CHART_W - CHART_LEFT) / 12
    bars = []
    for r in rows:
        x = CHART_LEFT + (r.month - 1) * slot
        req_h = round(r.required / peak * plot_h, 1)
        cap_h = round(r.capacity / peak * plot_h, 1)
        base = CHART_TOP + plot_h
        bars.append(
            {
                "month": r.month,
                "label_x": round(x + slot / 2, 1),
                "req_x": round(x + 2, 1),
                "req_y": round(base - req_h, 1),
                "req_h": req_h,
                "cap_x": round(x + slot / 2, 1),
                "cap_y": round(base - cap_h, 1),
                "cap_h": cap_h,
                "bar_w": round(slot / 2 - 2, 1),
                "required": r.required,
                "capacity": r.capacity,
                "short": r.shortfall,
            }
        )
    return {
        "bars": bars,
        "peak": peak,
        "base": CHART_TOP + plot_h,
        "top": CHART_TOP,
        "left": CHART_LEFT,
        "width": CHART_W,
        "height": CHART_H,
        "label_y": CHART_H - 6,
    }


class PlanDetailView(PermissionMixin, View):
    permission = "planning.view_annualplan"
    template_name = "planning/plan_detail.html"

    def get(self, request, pk):
        plan = get_object_or_404(
            AnnualPlan.objects.restrict(request.user, "view").select_related(
                "ruleset", "created_by", "approved_by", "previous"
            ),
            pk=pk,
        )
        rows = list(
            plan.board_months.select_related("board").order_by("board__sort_order", "board_id", "month")
        )
        mine = None if is_district_wide(request.user) else board_ids(request.user)
        boards: OrderedDict[int, dict[str, Any]] = OrderedDict()
        for row in rows:
            entry = boards.setdefault(
                row.board_id,
                {"board": row.board, "months": [], "required": 0, "capacity": 0, "short": 0, "mine": True},
            )
            entry["months"].append(row)
            entry["required"] += row.required
            entry["capacity"] += row.capacity
            entry["short"] += 1 if row.shortfall else 0
            entry["mine"] = mine is None or row.board_id in mine
        for entry in boards.values():
            entry["chart"] = board_chart(entry["months"])
        user = request.user
        context = {
            "object": plan,
            "boards": list(boards.values()),
            "months": range(1, 13),
            "items": plan.items.select_related("board").order_by("start_month", "pk"),
            "events": plan.events.select_related("actor").order_by("at", "pk"),
            "can_submit": plan.status == PlanStatus.DRAFT and user.has_perm("planning.submit_annualplan"),
            "can_approve": plan.status == PlanStatus.SUBMITTED
            and user.has_perm("planning.approve_annualplan"),
            "can_revise": plan.status in (PlanStatus.APPROVED, PlanStatus.DRAFT, PlanStatus.SUBMITTED)
            and user.has_perm("planning.add_annualplan"),
            "opinion_form": OpinionForm(),
            "reason_form": ReasonForm(),
        }
        return render(request, self.template_name, context)


class PlanMoveView(PermissionMixin, View):
    """Submit, approve or return a plan (the transition table in ``plan.py`` decides)."""

    to_status = ""

    def dispatch(self, request, *args, **kwargs):
        self.permission = {
            PlanStatus.SUBMITTED: "planning.submit_annualplan",
            PlanStatus.APPROVED: "planning.approve_annualplan",
            PlanStatus.DRAFT: "planning.approve_annualplan",
        }[self.to_status]
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        plan = get_object_or_404(AnnualPlan.objects.restrict(request.user, "view"), pk=pk)
        form = OpinionForm(request.POST)
        opinion = form.cleaned_data["opinion"] if form.is_valid() else ""
        try:
            plans.move_plan(plan, self.to_status, user=request.user, note=opinion)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("计划已%(s)s") % {"s": PlanStatus(self.to_status).label})
        return redirect("planning:plan_detail", pk=plan.pk)


class PlanReviseView(PermissionMixin, View):
    """A new version of the year's plan, with the recorded reason."""

    permission = "planning.add_annualplan"

    def post(self, request, pk):
        plan = get_object_or_404(AnnualPlan.objects.restrict(request.user, "view"), pk=pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("修订计划须写明理由"))
            return redirect("planning:plan_detail", pk=plan.pk)
        try:
            new = plans.build_plan(
                user=request.user, year=plan.year, district=plan.district, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return redirect("planning:plan_detail", pk=plan.pk)
        messages.success(request, _("已编制第 %(v)s 版计划") % {"v": new.version})
        return redirect("planning:plan_detail", pk=new.pk)


class QuotaView(PermissionMixin, View):
    """A month's quotas per board: required, random and targeted quotas against live tasks and those
    done (from the plan in force; two grouped queries whatever the number of boards)."""

    permission = "planning.view_annualplan"
    template_name = "planning/quotas.html"

    def get(self, request):
        today = timezone.localdate()
        field = MonthField(required=False)
        try:
            year, month = field.clean(request.GET.get("month")) or (today.year, today.month)
        except ValidationError:
            year, month = today.year, today.month
            messages.error(request, _("请按 YYYY-MM 填写月份，如 2026-12"))
        plan = (
            AnnualPlan.objects.restrict(request.user, "view")
            .filter(year=year, status=PlanStatus.APPROVED)
            .first()
        )
        rows = []
        if plan is not None:
            mine = None if is_district_wide(request.user) else board_ids(request.user)
            rows = [
                r
                for r in plans.plan_progress(plan)
                if r["month"] == month and (mine is None or r["board_id"] in mine)
            ]
        return render(
            request,
            self.template_name,
            {"plan": plan, "rows": rows, "month_value": f"{year}-{month:02d}", "year": year, "month": month},
        )


# ========================================================================================= draws


class DrawListView(ObjectListView):
    permission = "planning.view_draw"
    queryset = Draw.objects.select_related("board")
    filterset = DrawFilterSet
    table = DrawTable
    title = gettext_lazy("双随机抽取")
    add_url_name = "planning:draw_add"
    add_permission = "planning.add_draw"


class DrawDetailView(PermissionMixin, View):
    permission = "planning.view_draw"
    template_name = "planning/draw_detail.html"

    def get_object(self, request, pk) -> Draw:
        return get_object_or_404(
            Draw.objects.restrict(request.user, "view").select_related(
                "board", "district", "plan", "created_by", "supersedes"
            ),
            pk=pk,
        )

    def context(self, request, draw: Draw, verification=None) -> dict:
        tasks = list(
            draw.tasks.select_related(*TASK_RELATED).order_by("planned_date", "board__sort_order", "pk")
        )
        visible = set(visible_tasks(request.user).filter(draw=draw).values_list("pk", flat=True))
        boards = {
            b.pk: b.name
            for b in Region.objects.filter(pk__in=[int(k) for k in draw.params.get("quotas", {})])
        }
        by_board = [
            {"board": boards.get(int(b), b), "quota": q, "assigned": a}
            for b, (q, a) in (draw.summary or {}).get("by_board", {}).items()
        ]
        superseded_by = Draw.objects.filter(supersedes=draw).only("pk").first()
        return {
            "object": draw,
            "tasks": tasks,
            "visible": visible,
            "by_board": by_board,
            "superseded_by": superseded_by,
            "verification": verification,
            "can_redraw": draw.status == DrawStatus.DRAWN and request.user.has_perm("planning.add_draw"),
            "params": sorted((k, v) for k, v in draw.params.items() if k != "quotas"),
        }

    def get(self, request, pk):
        draw = self.get_object(request, pk)
        return render(request, self.template_name, self.context(request, draw))


class DrawVerifyView(DrawDetailView):
    """Recompute the draw from its stored seed and pools and show every check (read-only)."""

    def get(self, request, pk):
        return redirect("planning:draw_detail", pk=pk)

    def post(self, request, pk):
        draw = self.get_object(request, pk)
        verification = services.verify_draw(draw)
        return render(request, self.template_name, self.context(request, draw, verification))


class DrawPoolsView(PermissionMixin, View):
    """The frozen pools (canonical JSON) as stored: its SHA-256 is the one shown and recorded."""

    permission = "planning.view_draw"

    def get(self, request, pk):
        draw = get_object_or_404(Draw.objects.restrict(request.user, "view"), pk=pk)
        if not draw.pool_json:
            raise Http404(_("候选池尚未冻结"))
        response = HttpResponse(
            draw.pool_json.encode("utf-8"), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-pools.json"'
        return response


class DrawAddView(PermissionMixin, View):
    permission = "planning.add_draw"
    template_name = "planning/draw_form.html"

    def form(self, request, data=None):
        return DrawForm(data, boards=user_boards(request.user))

    def get(self, request):
        return render(request, self.template_name, {"form": self.form(request), "title": _("新建抽取")})

    def post(self, request):
        form = self.form(request, request.POST)
        if form.is_valid():
            year, month = form.cleaned_data["month"]
            try:
                outcome = services.run_draw(
                    user=request.user,
                    year=year,
                    month=month,
                    board=form.cleaned_data["board"],
                    cross=form.cleaned_data["cross"],
                    seed_source=form.cleaned_data["seed_source"],
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("抽取完成：%(n)s 家") % {"n": len(outcome.result.assignments)})
                return redirect("planning:draw_detail", pk=outcome.draw.pk)
        return render(request, self.template_name, {"form": form, "title": _("新建抽取")})


class DrawRedrawView(PermissionMixin, View):
    permission = "planning.add_draw"
    template_name = "planning/draw_form.html"

    def get_object(self, request, pk):
        return get_object_or_404(Draw.objects.restrict(request.user, "view").select_related("board"), pk=pk)

    def render_form(self, request, draw, form):
        title = _("重新抽取（取代抽取 #%(id)s）") % {"id": draw.pk}
        return render(request, self.template_name, {"form": form, "title": title, "object": draw})

    def get(self, request, pk):
        return self.render_form(request, self.get_object(request, pk), RedrawForm())

    def post(self, request, pk):
        draw = self.get_object(request, pk)
        form = RedrawForm(request.POST)
        if form.is_valid():
            try:
                outcome = services.redraw(
                    draw,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    seed_source=form.cleaned_data["seed_source"],
                )
            except (ValidationError, PermissionDenied) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已重新抽取，原抽取已作废"))
                return redirect("planning:draw_detail", pk=outcome.draw.pk)
        return self.render_form(request, draw, form)


# ========================================================================================= tasks


class TaskListView(ObjectListView):
    permission = "planning.view_task"
    queryset = Task.objects.select_related(*TASK_RELATED)
    filterset = TaskFilterSet
    table = TaskTable
    title = gettext_lazy("检查任务")
    add_url_name = "planning:task_add"
    add_permission = "planning.add_task"

    def get_queryset(self, request):
        return visible_tasks(request.user).select_related(*TASK_RELATED)


class MyTaskListView(TaskListView):
    """The tasks where the user is one of the two officers or the expert."""

    title = gettext_lazy("我的检查任务")
    add_url_name = ""

    def get_queryset(self, request):
        user = request.user
        own = Q(pk__in=[])
        if user.officer_id:
            own |= Q(officer_1_id=user.officer_id) | Q(officer_2_id=user.officer_id)
        if user.expert_id:
            own |= Q(expert_id=user.expert_id)
        return visible_tasks(user).filter(own).select_related(*TASK_RELATED)


def task_or_404(request, pk) -> Task:
    return get_object_or_404(visible_tasks(request.user).select_related(*TASK_RELATED), pk=pk)


def swap_rows(task: Task) -> list[dict]:
    swaps = list(task.swaps.select_related("actor").order_by("counter"))
    officer_ids = {s.outgoing_id for s in swaps if s.role == SwapRole.OFFICER} | {
        s.incoming_id for s in swaps if s.role == SwapRole.OFFICER
    }
    expert_ids = {s.outgoing_id for s in swaps if s.role == SwapRole.EXPERT} | {
        s.incoming_id for s in swaps if s.role == SwapRole.EXPERT
    }
    officers = (
        dict(Officer.objects.filter(pk__in=officer_ids).values_list("pk", "name")) if officer_ids else {}
    )
    experts = dict(Expert.objects.filter(pk__in=expert_ids).values_list("pk", "name")) if expert_ids else {}
    rows = []
    for s in swaps:
        names = officers if s.role == SwapRole.OFFICER else experts
        rows.append(
            {
                "swap": s,
                "outgoing": names.get(s.outgoing_id, s.outgoing_id),
                "incoming": names.get(s.incoming_id, s.incoming_id),
            }
        )
    return rows


def task_names(task: Task) -> dict:
    names = {
        ("officer", task.officer_1_id): task.officer_1.name,
        ("officer", task.officer_2_id): task.officer_2.name,
    }
    if task.expert is not None:
        names[("expert", task.expert.pk)] = task.expert.name
    return names


def can_act_on(user, task: Task, perm: str) -> bool:
    return user.has_perm(perm) and Task.objects.restrict(user, "view").filter(pk=task.pk).exists()


class TaskDetailView(PermissionMixin, View):
    permission = "planning.view_task"
    template_name = "planning/task_detail.html"

    def get(self, request, pk):
        task = task_or_404(request, pk)
        return render(request, self.template_name, self.context(request, task))

    def context(self, request, task: Task, swap_form=None, cancel_form=None) -> dict:
        user = request.user
        planned = task.status == TaskStatus.PLANNED
        open_ = task.status in (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS)
        can_swap = planned and task.draw_id is not None and user.has_perm("planning.swap_task")
        can_swap = can_swap and task.board_id in board_ids(user)
        return {
            "object": task,
            "events": task.events.select_related("actor").order_by("at", "pk"),
            "swaps": swap_rows(task),
            "can_start": planned and can_act_on(user, task, "inspections.add_inspection"),
            "can_cancel": open_ and can_act_on(user, task, "planning.cancel_task"),
            "can_swap": can_swap,
            "swap_form": swap_form or (SwapForm(task=task, names=task_names(task)) if can_swap else None),
            "cancel_form": cancel_form or ReasonForm(),
        }


class TaskStartView(PermissionMixin, View):
    """开始检查: the inspection draft opens with the task's team, then the officer fills it in."""

    permission = "inspections.add_inspection"

    def post(self, request, pk):
        task = task_or_404(request, pk)
        try:
            inspection = services.start_inspection_for_task(task, request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
            return redirect("planning:task_detail", pk=task.pk)
        messages.success(request, _("已开始检查：检查组已按任务预填"))
        return redirect("inspections:inspection_edit", pk=inspection.pk)


class TaskSwapView(TaskDetailView):
    """Replace a member for a recorded reason; the replacement is drawn by the draw's rules."""

    permission = "planning.swap_task"
    template_name = "planning/task_swap.html"

    def post(self, request, pk):
        task = task_or_404(request, pk)
        form = SwapForm(request.POST, task=task, names=task_names(task))
        if form.is_valid():
            role, member_id = form.cleaned_data["member"]
            try:
                swap = services.swap_member(
                    task,
                    user=request.user,
                    role=role,
                    outgoing_id=member_id,
                    reason_kind=form.cleaned_data["reason_kind"],
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                add_errors(form, exc)
            else:
                model = Officer if swap.role == SwapRole.OFFICER else Expert
                incoming = model.objects.filter(pk=swap.incoming_id).values_list("name", flat=True).first()
                messages.success(
                    request,
                    _("已换人（换人 #%(n)s）：替换人员 %(who)s，由抽取种子和冻结候选确定")
                    % {"n": swap.counter, "who": incoming or swap.incoming_id},
                )
                return redirect("planning:task_detail", pk=task.pk)
        task.refresh_from_db()
        return render(request, self.template_name, self.context(request, task, swap_form=form), status=400)


class TaskCancelView(PermissionMixin, View):
    permission = "planning.cancel_task"

    def post(self, request, pk):
        task = task_or_404(request, pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("取消任务须写明原因"))
            return redirect("planning:task_detail", pk=task.pk)
        try:
            services.cancel_task(task, user=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("任务已取消"))
        return redirect("planning:task_detail", pk=task.pk)


class TaskAddView(PermissionMixin, View):
    """A targeted task (key enterprise, complaint, follow-up, campaign) with its reason."""

    permission = "planning.add_task"
    template_name = "planning/task_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": TargetedTaskForm(user=request.user)})

    def post(self, request):
        form = TargetedTaskForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = services.create_targeted_task(
                    user=request.user,
                    enterprise=data["enterprise"],
                    planned_date=data["planned_date"],
                    reason_kind=data["reason_kind"],
                    reason=data["reason"],
                    officers=[data["officer_1"], data["officer_2"]],
                    expert=data["expert"],
                )
            except (ValidationError, PermissionDenied) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已创建定向检查任务"))
                return redirect("planning:task_detail", pk=task.pk)
        return render(request, self.template_name, {"form": form})

"""Plans, draws and tasks under /api/v1/. Reads go through ``restrict`` (a member also reads the own
tasks); every change is a call into ``zhifa.planning.services``. Bad input answers 400 with Chinese
field errors, a refused transition 409, a record outside the jurisdiction 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhifa.core.api import ScopedReadOnlyViewSet, ScopedViewSetMixin, schema_tags
from zhifa.core.serializers import Conflict
from zhifa.inspections.services import RuleViolation
from zhifa.orgs.models import Region
from zhifa.planning import services
from zhifa.planning.api.filtersets import DrawFilterSet, PlanFilterSet, TaskAPIFilterSet
from zhifa.planning.api.serializers import (
    AnnualPlanSerializer,
    CancelInputSerializer,
    DrawSerializer,
    RedrawSerializer,
    RunDrawSerializer,
    StartedSerializer,
    SwapInputSerializer,
    SwapResultSerializer,
    TaskSerializer,
    VerificationSerializer,
)
from zhifa.planning.models import AnnualPlan, Draw, DrawAssignment, PlanBoardMonth, Task
from zhifa.planning.plan import PlanError
from zhifa.planning.views import TASK_RELATED, visible_tasks

REFUSED = OpenApiResponse(
    description=_("当前状态或规则不允许（如任务已开始、抽取已被取代、本月已有有效抽取）")
)


def refused(exc: DjangoValidationError):
    """A service's refusal: a rule or state (409), else the input (400, keyed by field)."""
    if isinstance(exc, (RuleViolation, services.DrawError, PlanError)):
        return Conflict("；".join(str(m) for m in exc.messages))
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    return serializers.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


@extend_schema(
    tags=schema_tags(_("年度计划")), description=_("年度监督检查计划：各版本及各板块各月应检查与检查能力。")
)
class AnnualPlanViewSet(ScopedReadOnlyViewSet):
    queryset = AnnualPlan.objects.all()
    serializer_class = AnnualPlanSerializer
    filterset_class = PlanFilterSet
    ordering_fields = ["year", "version"]

    def optimize(self, queryset):
        return queryset.select_related("ruleset").prefetch_related(
            Prefetch("board_months", queryset=PlanBoardMonth.objects.select_related("board"))
        )


@extend_schema_view(
    create=extend_schema(
        request=RunDrawSerializer,
        responses={201: DrawSerializer, 400: OpenApiResponse(description=_("输入有误")), 409: REFUSED},
        description=_(
            "抽取：公布种子承诺值、冻结候选池、抽取、公布种子，一次完成。配额取已批准年度计划的双随机配额。"
        ),
    )
)
@extend_schema(
    tags=schema_tags(_("双随机抽取")),
    description=_("双随机抽取：承诺值、种子（公开后）、候选池哈希、结果与缺口说明。抽取不修改不删除。"),
)
class DrawViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    queryset = Draw.objects.all()
    serializer_class = DrawSerializer
    filterset_class = DrawFilterSet
    ordering_fields = ["year", "month", "committed_at"]
    required_perms = {"verify": "planning.view_draw", "redraw": "planning.add_draw"}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return self.optimize(Draw.objects.restrict(self.request.user, "view"))

    def optimize(self, queryset):
        return queryset.select_related("superseded_by").prefetch_related(
            Prefetch("assignments", queryset=DrawAssignment.objects.order_by("position"))
        )

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def respond(self, draw, code=status.HTTP_200_OK):
        fresh = self.optimize(Draw.objects.filter(pk=draw.pk)).get()
        return Response(DrawSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request):
        data = RunDrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        board = None
        if values.get("board") is not None:
            board = Region.objects.boards().filter(pk=values["board"]).first()
            if board is None:
                raise serializers.ValidationError({"board": [_("板块不存在")]})
        year, month = values["month"]
        try:
            outcome = services.run_draw(
                user=request.user,
                year=year,
                month=month,
                board=board,
                cross=values["cross"],
                seed_source=values["seed_source"],
                reason=values["reason"],
            )
        except DjangoValidationError as exc:
            raise refused(exc) from exc
        return self.respond(outcome.draw, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: VerificationSerializer},
        description=_("用存储的种子和冻结的候选池重算，逐项比对；ok 为真表示全部一致。"),
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        report = services.verify_draw(self.get_object())
        body = {
            "ok": report.ok,
            "checks": [{"name": c.name, "ok": c.ok, "detail": str(c.detail)} for c in report.checks],
            "differences": [str(d) for d in report.differences],
        }
        return Response(VerificationSerializer(body).data)

    @extend_schema(
        request=RedrawSerializer,
        responses={201: DrawSerializer, 409: REFUSED},
        description=_("重新抽取（须写明理由）：新抽取取代该抽取，原抽取尚未开始的任务以该理由取消。"),
    )
    @action(detail=True, methods=["post"])
    def redraw(self, request, pk=None):
        draw = self.get_object()
        data = RedrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            outcome = services.redraw(
                draw,
                user=request.user,
                reason=data.validated_data["reason"],
                seed_source=data.validated_data["seed_source"],
            )
        except DjangoValidationError as exc:
            raise refused(exc) from exc
        return self.respond(outcome.draw, status.HTTP_201_CREATED)


@extend_schema(
    tags=schema_tags(_("检查任务")),
    description=_("检查任务（抽取或定向）：企业、日期、两名执法人员和专家。任务不删除，取消须写明原因。"),
)
class TaskViewSet(ScopedReadOnlyViewSet):
    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    filterset_class = TaskAPIFilterSet
    search_fields = ["enterprise__name", "enterprise__uscc"]
    ordering_fields = ["planned_date", "created_at"]
    required_perms = {
        "start_inspection": "inspections.add_inspection",
        "swap": "planning.swap_task",
        "cancel": "planning.cancel_task",
    }

    def get_queryset(self):
        return self.optimize(visible_tasks(self.request.user))

    def optimize(self, queryset):
        return queryset.select_related(*TASK_RELATED)

    def fresh(self, task) -> dict:
        task = self.optimize(Task.objects.filter(pk=task.pk)).get()
        return TaskSerializer(task, context=self.get_serializer_context()).data

    @extend_schema(
        request=None,
        responses={201: StartedSerializer, 409: REFUSED},
        description=_("开始检查：按任务预填检查组（两名执法人员和专家）打开现场检查草稿。"),
    )
    @action(detail=True, methods=["post"], url_path="start-inspection")
    def start_inspection(self, request, pk=None):
        task = self.get_object()
        try:
            inspection = services.start_inspection_for_task(task, request.user)
        except DjangoValidationError as exc:
            raise refused(exc) from exc
        return Response(
            {"inspection": inspection.pk, "task": self.fresh(task)}, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=SwapInputSerializer,
        responses={200: SwapResultSerializer, 409: REFUSED},
        description=_("换人（板块分管领导，须写明原因）：替换人员按原抽取的规则，由抽取种子和换人序号确定。"),
    )
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        task = self.get_object()
        data = SwapInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            swap = services.swap_member(
                task,
                user=request.user,
                role=values["role"],
                outgoing_id=values["outgoing"],
                reason_kind=values["reason_kind"],
                reason=values["reason"],
            )
        except DjangoValidationError as exc:
            raise refused(exc) from exc
        body = SwapResultSerializer({"swap": swap, "task": task}).data
        body["task"] = self.fresh(task)
        return Response(body)

    @extend_schema(
        request=CancelInputSerializer,
        responses={200: TaskSerializer, 409: REFUSED},
        description=_("取消任务（须写明原因）；已完成或已取消的任务返回 409。"),
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        task = self.get_object()
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.cancel_task(task, user=request.user, reason=data.validated_data["reason"])
        except DjangoValidationError as exc:
            raise refused(exc) from exc
        return Response(self.fresh(task))

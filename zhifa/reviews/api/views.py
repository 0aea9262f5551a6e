"""Case-file reviews under /api/v1/reviews/: rounds with their draw and results (read-only), the files
assigned to the current user, and the score of one of them (``POST .../score/``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from zhifa.core.api import ScopedReadOnlyViewSet, schema_tags
from zhifa.reviews import services
from zhifa.reviews.api.serializers import ReviewAssignmentSerializer, ReviewRoundSerializer
from zhifa.reviews.filtersets import ReviewAssignmentFilterSet, ReviewRoundFilterSet
from zhifa.reviews.forms import ScoreForm
from zhifa.reviews.models import ReviewAssignment, ReviewRound, RubricItem

NON_FIELD = "non_field_errors"


def labelled(form, errors) -> dict[str, list[str]]:
    """Errors by field (the rubric item's code), each led by the field's Chinese name."""
    body: dict[str, list[str]] = {}
    for name, messages in errors.items():
        field = form.fields.get(name)
        if name in ("__all__", NON_FIELD) or field is None:
            body.setdefault(NON_FIELD if name in ("__all__", NON_FIELD) else name, []).extend(
                str(m) for m in messages
            )
            continue
        body.setdefault(name, []).extend(f"{field.label}：{m}" for m in messages)
    return body


@extend_schema(
    tags=schema_tags(_("案卷评审")),
    description=_(
        "案卷评审与评比：抽取（承诺值、候选案卷哈希、结果哈希、公开的种子）及板块结果、评比奖项。"
        "区级角色看全部结果；板块分管领导在本轮结束后只看本板块。"
    ),
)
class ReviewRoundViewSet(ScopedReadOnlyViewSet):
    queryset = ReviewRound.objects.all()
    serializer_class = ReviewRoundSerializer
    filterset_class = ReviewRoundFilterSet
    ordering_fields = ["period_end", "name", "status"]

    def optimize(self, queryset):
        return queryset.select_related("rubric", "organiser").prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.select_related("board", "case").order_by("position"),
            )
        )


@extend_schema(
    tags=schema_tags(_("案卷评审")),
    description=_(
        "分配给当前用户评查的案卷（含其他板块的案卷：以评查分配为准）、自动预检发现、评查项目及现行评分。"
    ),
)
class ReviewAssignmentViewSet(ScopedReadOnlyViewSet):
    queryset = ReviewAssignment.objects.all()
    serializer_class = ReviewAssignmentSerializer
    filterset_class = ReviewAssignmentFilterSet
    ordering_fields = ["status", "position"]
    required_perms = {"score": services.SCORE}

    def get_queryset(self):
        user = self.request.user
        scoped = ReviewAssignment.objects.restrict(user, "view").filter(reviewer=user)
        return self.optimize(scoped)

    def optimize(self, queryset):
        items = RubricItem.objects.order_by("order", "pk")
        return queryset.select_related("round", "round__rubric", "board", "case").prefetch_related(
            Prefetch("round__rubric__items", queryset=items)
        )

    @extend_schema(
        summary=_("提交评分"),
        description=_(
            "按评查项目代码提交：计分项目为得分（0 至该项满分），否决项为 true/false，"
            "“代码_note” 为该项说明（勾选否决项时必填），comment 为评查意见。提交后锁定，不能再改；"
            "更正由本轮组织者在页面上另立新版本。超出满分等错误按项目代码返回 400，"
            "本轮不在评分中或已提交返回 409。"
        ),
        request=OpenApiTypes.OBJECT,
        responses={
            201: ReviewAssignmentSerializer,
            400: OpenApiResponse(description=_("输入有误：按评查项目代码列出错误")),
            409: OpenApiResponse(description=_("当前不能评分：本轮不在评分中，或该案卷已提交评分")),
        },
    )
    @action(detail=True, methods=["post"], url_path="score")
    def score(self, request, pk=None):
        assignment = self.get_object()
        items = list(assignment.round.rubric.items.all())
        data = request.data if hasattr(request.data, "get") else {}
        form = ScoreForm(data, items=items)
        if not form.is_valid():
            return Response(labelled(form, form.errors), status=status.HTTP_400_BAD_REQUEST)
        try:
            services.submit_score(
                assignment, user=request.user, entries=form.entries(), comment=form.cleaned_data["comment"]
            )
        except services.ReviewError as exc:
            return Response({"detail": "；".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
            return Response(labelled(form, errors), status=status.HTTP_400_BAD_REQUEST)
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

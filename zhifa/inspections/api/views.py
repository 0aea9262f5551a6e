from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from zhifa.core.api import ScopedModelViewSet, ScopedViewSetMixin, schema_tags
from zhifa.core.serializers import Conflict
from zhifa.documents.api.files import verified_response
from zhifa.documents.api.views import INTEGRITY, MISSING
from zhifa.inspections import services
from zhifa.inspections.api.filtersets import (
    EvidenceFilterSet,
    ExtensionRequestFilterSet,
    HazardFilterSet,
    InspectionFilterSet,
    RectificationOrderFilterSet,
    ReInspectionFilterSet,
)
from zhifa.inspections.api.serializers import (
    REVIEW_SIGNED_READ_ONLY,
    SIGNED_READ_ONLY,
    CaseSourceSerializer,
    DecideExtensionSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ExtensionInputSerializer,
    ExtensionRequestSerializer,
    HazardSerializer,
    HazardTransitionSerializer,
    InspectionSerializer,
    IssueOrderSerializer,
    RectificationOrderSerializer,
    ReferToCaseSerializer,
    ReInspectionSerializer,
    SaveResultsSerializer,
    StartReInspectionSerializer,
    django_errors,
    rule_errors,
)
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.models import (
    Evidence,
    ExtensionRequest,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionOfficer,
    InspectionResult,
    RectificationItem,
    RectificationOrder,
    ReInspection,
    ReInspectionOutcome,
)

SIGNED = OpenApiResponse(description=_("记录已签署，不能再修改"))
STALE = OpenApiResponse(description=_("记录已在其他设备上修改（版本号不是当前版本），请刷新后再保存"))
REFUSED = OpenApiResponse(
    description=_(
        "规则不允许：non_field_errors 列出全部问题；因执法人员不足两人或未持有效执法证时 rule 给出规则名称"
    )
)
FORBIDDEN_TRANSITION = OpenApiResponse(description=_("隐患流转规则不允许该变更（如未经复查直接销号）"))


class ActionScopeMixin:
    """Custom actions act on the rows the user may ``view`` or ``change``, whatever their HTTP method
    (a POST action on a record is not an ``add``)."""

    action_scopes: dict[str, str] = {}

    def get_queryset(self):
        scope = self.action_scopes.get(getattr(self, "action", None) or "")
        if scope:
            model = self.queryset.model
            return self.optimize(model.objects.restrict(self.request.user, scope))
        return super().get_queryset()

    def fresh(self, obj):
        """The object as list and detail serialize it (related rows loaded in a constant number of queries)."""
        return self.optimize(type(obj).objects.filter(pk=obj.pk)).get()

    def respond(self, obj, status_code=status.HTTP_200_OK, serializer_class=None):
        serializer_class = serializer_class or self.get_serializer_class()
        data = serializer_class(self.fresh(obj), context=self.get_serializer_context()).data
        return Response(data, status=status_code)


# --- Inspections -----------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        description=_(
            "新建现场检查记录（草稿）。同时给出执法人员和检查开始时间时，须有至少两名当日持有效执法证的执法人员，"
            "否则返回 400，rule 给出规则名称；手机端可先保存不完整的草稿。"
        )
    ),
    update=extend_schema(responses={200: InspectionSerializer, 409: SIGNED}),
    partial_update=extend_schema(responses={200: InspectionSerializer, 409: SIGNED}),
)
@extend_schema(
    tags=schema_tags(_("现场检查")),
    description=_("现场检查记录。草稿可修改；签署后只读。检查记录不删除。"),
)
class InspectionViewSet(ActionScopeMixin, ScopedModelViewSet):
    """On-site inspection records: drafts, results, sign-off (which issues the 现场检查记录)."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    search_fields = ["enterprise__name", "place"]
    ordering_fields = ["started_at", "created_at", "updated_at"]
    required_perms = {
        "results": "inspections.change_inspection",
        "sign_off": "inspections.sign_off_inspection",
    }
    action_scopes = {"results": "change", "sign_off": "change"}

    def optimize(self, queryset):
        return queryset.select_related(
            "enterprise", "board", "checklist", "document", "signed_off_by"
        ).prefetch_related(
            Prefetch("team", InspectionOfficer.objects.select_related("officer")),
            "officers",
            "assistants",
            Prefetch("results", InspectionResult.objects.select_related("item")),
            "hazards",
        )

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = self.fresh(serializer.instance)

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.fresh(serializer.instance)

    def update(self, request, *args, **kwargs):
        if not self.get_object().is_draft:
            raise Conflict(SIGNED_READ_ONLY)
        return super().update(request, *args, **kwargs)

    @extend_schema(
        summary=_("保存检查结果"),
        description=_(
            "保存草稿的检查项结果（可只填一部分）。回传读取时的 version；若已在其他设备上修改，或记录已签署，返回 409。"
        ),
        request=SaveResultsSerializer,
        responses={200: InspectionSerializer, 409: STALE},
    )
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        inspection = self.get_object()
        if not inspection.is_draft:
            raise Conflict(SIGNED_READ_ONLY)
        form = SaveResultsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        rows = {r["item"]: (r["result"], r.get("note", "")) for r in form.validated_data["results"]}
        try:
            services.save_results(inspection, rows, expected_version=form.validated_data["version"])
        except services.RuleViolation as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc, {"non_field_errors": "results"})) from exc
        return self.respond(inspection)

    @extend_schema(
        summary=_("签署现场检查记录"),
        description=_(
            "签署并签发现场检查记录文书。记录须完整，且至少两名当日持有效执法证的执法人员；"
            "否则返回 400，non_field_errors 列出全部问题。已签署的记录返回 409。"
        ),
        request=None,
        responses={200: InspectionSerializer, 400: REFUSED, 409: SIGNED},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        inspection = self.get_object()
        if not inspection.is_draft:
            raise Conflict(SIGNED_READ_ONLY)
        try:
            signed = services.sign_off(inspection, user=request.user)
        except services.RuleViolation as exc:
            raise serializers.ValidationError(rule_errors(exc.messages)) from exc
        return self.respond(signed)


# --- Hazards ---------------------------------------------------------------------------------------


@extend_schema(
    tags=schema_tags(_("隐患")),
    description=_(
        "检查发现的隐患。状态经 transition 流转，销号只能经签署的整改复查完成；逾期由整改期限推算（overdue=true 筛选）。"
    ),
)
class HazardViewSet(
    ActionScopeMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Hazards: recorded from an inspection, moved along their workflow, referred towards a case."""

    queryset = Hazard.objects.all()
    serializer_class = HazardSerializer
    filterset_class = HazardFilterSet
    search_fields = ["description", "enterprise__name"]
    ordering_fields = ["created_at", "deadline", "level", "status"]
    required_perms = {
        "transition": "inspections.change_hazard",
        "refer_to_case": "inspections.add_casesource",
    }
    action_scopes = {"transition": "change", "refer_to_case": "view"}

    def optimize(self, queryset):
        return queryset.select_related("enterprise", "board").prefetch_related(
            Prefetch("events", HazardEvent.objects.select_related("actor"))
        )

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = self.fresh(serializer.instance)

    @extend_schema(
        summary=_("隐患状态流转"),
        description=_(
            "按隐患流转规则变更状态；规则不允许的变更（包括未经复查直接销号）返回 409 并说明原因。"
        ),
        request=HazardTransitionSerializer,
        responses={200: HazardSerializer, 409: FORBIDDEN_TRANSITION},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        hazard = self.get_object()
        form = HazardTransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            moved = services.move_hazard(
                hazard, form.validated_data["to_status"], user=request.user, note=form.validated_data["note"]
            )
        except services.RuleViolation as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        return self.respond(moved)

    @extend_schema(
        summary=_("移送立案审查"),
        description=_("把需要行政处罚的隐患列入立案审查队列；已在队列中的返回 409。"),
        request=ReferToCaseSerializer,
        responses={
            201: CaseSourceSerializer,
            409: OpenApiResponse(description=_("该线索已在立案审查队列中")),
        },
    )
    @action(detail=True, methods=["post"], url_path="refer-to-case")
    def refer_to_case(self, request, pk=None):
        hazard = self.get_object()
        form = ReferToCaseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            source = services.refer_to_case(
                user=request.user, description=form.validated_data["description"], hazard=hazard
            )
        except services.RuleViolation as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc)) from exc
        return Response(CaseSourceSerializer(source).data, status=status.HTTP_201_CREATED)


# --- Rectification orders --------------------------------------------------------------------------


def _order_prefetches():
    return [
        Prefetch("items", RectificationItem.objects.select_related("hazard")),
        Prefetch(
            "extensions",
            ExtensionRequest.objects.select_related("document", "decided_by").prefetch_related("hazards"),
        ),
        Prefetch("reinspections", ReInspection.objects.select_related("document")),
    ]


@extend_schema_view(
    create=extend_schema(
        description=_(
            "对已签署的现场检查记录中的隐患下达责令限期整改指令书，每项隐患给出整改期限（不早于今天）。"
        ),
        request=IssueOrderSerializer,
        responses={201: RectificationOrderSerializer},
    )
)
@extend_schema(
    tags=schema_tags(_("整改指令")),
    description=_("责令限期整改指令书，含整改事项、延期申请和整改复查。指令书不修改、不删除。"),
)
class RectificationOrderViewSet(
    ActionScopeMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Rectification orders; extension requests and re-inspections start from an order."""

    queryset = RectificationOrder.objects.all()
    serializer_class = RectificationOrderSerializer
    filterset_class = RectificationOrderFilterSet
    ordering_fields = ["issued_at"]
    required_perms = {
        "extensions": "inspections.add_extensionrequest",
        "reinspections": "inspections.add_reinspection",
    }
    action_scopes = {"extensions": "view", "reinspections": "view"}

    def optimize(self, queryset):
        return queryset.select_related("enterprise", "board", "document", "issued_by").prefetch_related(
            *_order_prefetches()
        )

    def get_serializer_class(self):
        return IssueOrderSerializer if self.action == "create" else RectificationOrderSerializer

    def create(self, request, *args, **kwargs):
        form = IssueOrderSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        order = form.save()
        return self.respond(order, status.HTTP_201_CREATED, RectificationOrderSerializer)

    @extend_schema(
        summary=_("申请整改延期"),
        description=_(
            "为本指令中未销号的隐患登记延期申请，由板块或区局领导审批（extensions/{id}/decide/）。"
        ),
        request=ExtensionInputSerializer,
        responses={201: ExtensionRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def extensions(self, request, pk=None):
        order = self.get_object()
        form = ExtensionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        hazards = list(Hazard.objects.filter(pk__in=data["hazards"]))
        if len(hazards) != len(set(data["hazards"])):
            raise serializers.ValidationError({"hazards": [_("只能为本指令中未销号的隐患申请延期")]})
        try:
            extension = services.request_extension(
                order,
                hazards,
                data["requested_deadline"],
                reason=data["reason"],
                applicant=data["applicant"],
                user=request.user,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc)) from exc
        fresh = ExtensionRequestViewSet.optimize_queryset(
            ExtensionRequest.objects.filter(pk=extension.pk)
        ).get()
        return Response(
            ExtensionRequestSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("开始整改复查"),
        description=_("为本指令中仍未销号的隐患开始一次整改复查（草稿）；隐患均已销号时返回 409。"),
        request=StartReInspectionSerializer,
        responses={
            201: ReInspectionSerializer,
            409: OpenApiResponse(description=_("隐患均已销号，无需复查")),
        },
    )
    @action(detail=True, methods=["post"])
    def reinspections(self, request, pk=None):
        order = self.get_object()
        form = StartReInspectionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            review = services.start_reinspection(
                order, user=request.user, officers=list(form.validated_data.get("officers", []))
            )
        except services.RuleViolation as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        fresh = ReInspectionViewSet.optimize_queryset(ReInspection.objects.filter(pk=review.pk)).get()
        return Response(
            ReInspectionSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(
    tags=schema_tags(_("整改指令")),
    description=_(
        "整改复查延期申请（由整改指令的 extensions 登记）。板块分管领导或区局领导审批，批准后签发审批表。"
    ),
)
class ExtensionRequestViewSet(
    ActionScopeMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ExtensionRequest.objects.all()
    serializer_class = ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilterSet
    ordering_fields = ["created_at", "requested_deadline"]
    required_perms = {"decide": "inspections.decide_extensionrequest"}
    action_scopes = {"decide": "view"}

    @staticmethod
    def optimize_queryset(queryset):
        return queryset.select_related("document", "decided_by").prefetch_related("hazards")

    def optimize(self, queryset):
        return self.optimize_queryset(queryset)

    @extend_schema(
        summary=_("审批延期申请"),
        description=_("批准或不予批准，须填写审批意见；批准的隐患整改期限延至申请日期。已审批的返回 409。"),
        request=DecideExtensionSerializer,
        responses={200: ExtensionRequestSerializer, 409: OpenApiResponse(description=_("该延期申请已审批"))},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        extension = self.get_object()
        form = DecideExtensionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            decided = services.decide_extension(
                extension,
                approve=form.validated_data["approve"],
                opinion=form.validated_data["opinion"],
                user=request.user,
            )
        except services.RuleViolation as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc)) from exc
        return self.respond(decided)


@extend_schema_view(
    update=extend_schema(responses={200: ReInspectionSerializer, 409: SIGNED}),
    partial_update=extend_schema(responses={200: ReInspectionSerializer, 409: SIGNED}),
)
@extend_schema(
    tags=schema_tags(_("整改复查")),
    description=_(
        "整改复查（由整改指令的 reinspections 开始）。草稿可填写复查时间、人员、意见和每项隐患的结论；"
        "签署后合格的隐患销号，未合格的按新期限继续整改，并签发整改复查意见书。"
    ),
)
class ReInspectionViewSet(
    ActionScopeMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ReInspection.objects.all()
    serializer_class = ReInspectionSerializer
    filterset_class = ReInspectionFilterSet
    ordering_fields = ["inspected_at", "created_at"]
    required_perms = {"sign_off": "inspections.change_reinspection"}
    action_scopes = {"sign_off": "change"}

    @staticmethod
    def optimize_queryset(queryset):
        return queryset.select_related("board", "order__enterprise", "document").prefetch_related(
            "officers", Prefetch("outcomes", ReInspectionOutcome.objects.select_related("hazard"))
        )

    def optimize(self, queryset):
        return self.optimize_queryset(queryset)

    def update(self, request, *args, **kwargs):
        if self.get_object().status != InspectionStatus.DRAFT:
            raise Conflict(REVIEW_SIGNED_READ_ONLY)
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.fresh(serializer.instance)

    @extend_schema(
        summary=_("签署整改复查意见"),
        description=_(
            "签署复查：须有复查时间、复查意见、每项隐患的结论（继续整改的须有新期限），且至少两名当日持有效执法证的人员；"
            "否则返回 400 并列出全部问题。"
        ),
        request=None,
        responses={200: ReInspectionSerializer, 400: REFUSED, 409: SIGNED},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        review = self.get_object()
        if review.status != InspectionStatus.DRAFT:
            raise Conflict(REVIEW_SIGNED_READ_ONLY)
        try:
            signed = services.sign_off_reinspection(review, user=request.user)
        except services.RuleViolation as exc:
            raise serializers.ValidationError(rule_errors(exc.messages)) from exc
        return self.respond(signed)


# --- Evidence --------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        description=_(
            "上传一个证据文件（multipart/form-data），归属于一次检查、一项隐患或一次复查。"
            "按文件内容识别格式，内容与类别不符或不是允许的格式时返回 400。"
        ),
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
    )
)
@extend_schema(
    tags=schema_tags(_("证据")),
    description=_(
        "执法全过程证据：照片、录音、视频和书证。文件按 SHA-256 存储，不覆盖、不删除；下载前校验哈希。"
    ),
)
class EvidenceViewSet(
    ActionScopeMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Evidence.objects.all()
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilterSet
    search_fields = ["original_name", "description"]
    ordering_fields = ["uploaded_at", "captured_at", "size"]
    parser_classes = [MultiPartParser, FormParser]

    def optimize(self, queryset):
        return queryset.select_related("recorder", "uploaded_by")

    def get_serializer_class(self):
        return EvidenceUploadSerializer if self.action == "create" else EvidenceSerializer

    def create(self, request, *args, **kwargs):
        form = EvidenceUploadSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        evidence = form.save()
        return self.respond(evidence, status.HTTP_201_CREATED, EvidenceSerializer)

    @extend_schema(
        summary=_("下载证据文件"),
        description=_(
            "下载原始文件。下载前按登记的 SHA-256 校验，不符时拒绝（409）；每次下载记入全过程记录。"
        ),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 409: INTEGRITY, 410: MISSING},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence = self.get_object()
        return verified_response(
            evidence.sha256,
            obj=evidence,
            filename=evidence.original_name,
            content_type=evidence.content_type,
            what=f"证据“{evidence.original_name}”",
        )

    @extend_schema(
        summary=_("照片缩略图"),
        description=_("照片的 JPEG 缩略图（最长边 320 像素）；没有缩略图时返回 404。"),
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description=_("没有缩略图")),
        },
    )
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, pk=None):
        evidence = self.get_object()
        if not evidence.thumbnail_sha256:
            raise NotFound(_("该证据没有缩略图"))
        return verified_response(
            evidence.thumbnail_sha256,
            obj=evidence,
            filename=f"{evidence.pk}-thumbnail.jpg",
            content_type="image/jpeg",
            what=f"证据“{evidence.original_name}”的缩略图",
            as_attachment=False,
            audit=False,
        )

"""Penalty cases under /api/v1/: read the cases in the user's jurisdiction, open one, and take the steps
of the procedure — one endpoint per step of ``zhifa.cases.workflow.STEPS``, generated from the table.

A step's body is validated by the step's own form (``zhifa.cases.forms``), then ``services.perform`` runs
it. Answers: 200 with the case; 400 with the form's errors by field; 403 without the step's permission;
404 outside the jurisdiction; 409 ``{"rule", "detail"}`` when the case is not in a state the step starts
from or a rule of the procedure (the legal-review gate among them) refuses it. A case is never edited or
deleted through the API.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case as Conditional
from django.db.models import IntegerField, Prefetch, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from zhifa.cases import forms as case_forms
from zhifa.cases import services, workflow
from zhifa.cases.api.filtersets import CaseDeadlineFilterSet, CaseFilterSet, LegalReviewFilterSet
from zhifa.cases.api.serializers import (
    CaseDeadlineSerializer,
    CaseDetailSerializer,
    CaseEventSerializer,
    CaseListSerializer,
    CaseRefusalSerializer,
    LegalReviewSerializer,
    form_serializer,
)
from zhifa.cases.casefile import case_documents
from zhifa.cases.choices import CaseStatus
from zhifa.cases.gate import GateClosed
from zhifa.cases.models import Case, CaseDeadline, CaseOfficer, LegalReview
from zhifa.core.api import ScopedViewSetMixin, schema_tags
from zhifa.core.personal import HashSearchFilter
from zhifa.documents.api.serializers import IssuedDocumentSerializer
from zhifa.orgs.models import Certificate

NON_FIELD = "non_field_errors"

BAD_INPUT = OpenApiResponse(description=_("输入有误：按字段列出错误，错误信息以字段的中文名称开头"))
FORBIDDEN = OpenApiResponse(description=_("无该环节的权限"))
NOT_FOUND = OpenApiResponse(description=_("案件不存在或不在您的管辖范围内"))
REFUSED = OpenApiResponse(
    response=CaseRefusalSerializer,
    description=_(
        "程序规则不允许：案件当前状态不能办理该环节，或某项规则（如法制审核前置、陈述申辩期限）拒绝；"
        "rule 为规则名称，detail 为具体原因"
    ),
)


# --- Answers shared by every step ------------------------------------------------------------------------


def labelled(form, errors: Mapping[str, list]) -> dict[str, list[str]]:
    """Errors by field, each message led by the field's Chinese name (as the page shows it)."""
    body: dict[str, list[str]] = {}
    for name, messages in errors.items():
        field = form.fields.get(name)
        if name in ("__all__", NON_FIELD) or field is None or not field.label:
            key = NON_FIELD if name in ("__all__", NON_FIELD) else name
            body.setdefault(key, []).extend(str(m) for m in messages)
            continue
        body.setdefault(name, []).extend(f"{field.label}：{m}" for m in messages)
    return body


def form_errors(form) -> dict[str, list[str]]:
    return labelled(form, form.errors)


def service_errors(form, exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError (not a refusal by a rule) as a 400 body, by the form's fields."""
    if hasattr(exc, "error_dict"):
        return labelled(form, exc.message_dict)
    return {NON_FIELD: [str(m) for m in exc.messages]}


def refusal_body(exc: DjangoValidationError) -> dict[str, str]:
    """``{"rule", "detail"}`` of a refusal (``workflow.Refused`` or the gate's ``GateClosed``)."""
    rule = str(getattr(exc, "rule", "") or workflow.RULE_STATE)
    text = str(exc.messages[0]) if exc.messages else rule
    detail = text.removeprefix(f"{rule}：") if text != rule else rule
    return {"rule": rule, "detail": detail}


def state_refusal(case: Case, st: workflow.Step) -> dict[str, str]:
    return {
        "rule": str(workflow.RULE_STATE),
        "detail": str(
            _("案件当前为“%(s)s”，不能%(step)s") % {"s": case.get_status_display(), "step": st.label}
        ),
    }


def case_queryset(user):
    """Cases the user may view, with what the list and detail read loaded in a constant number of
    queries."""
    today = timezone.localdate()
    officers = CaseOfficer.objects.select_related("officer").prefetch_related(
        Prefetch(
            "officer__certificates",
            queryset=Certificate.objects.valid_on(today).order_by("number"),
            to_attr="valid_certificates",
        )
    )
    return (
        Case.objects.restrict(user, "view")
        .select_related("board", "agency", "violation_type", "created_by")
        .prefetch_related(
            Prefetch(
                "deadlines",
                queryset=CaseDeadline.objects.running().order_by("due_on", "pk"),
                to_attr="running_deadlines",
            ),
            Prefetch("case_officers", queryset=officers),
        )
    )


# --- Cases -------------------------------------------------------------------------------------------------


def _step_action(st: workflow.Step):
    """The endpoint of one step: ``POST /api/v1/cases/{id}/<step-name>/``."""

    def run(self, request, pk=None):
        return self.run_step(request, st)

    run.__name__ = f"step_{st.name}"
    run.__doc__ = f"{st.label}"
    endpoint = action(detail=True, methods=["post"], url_path=st.url_name, url_name=st.url_name)(run)
    description = _(
        "办理“%(label)s”：请求体与页面表单相同。须具有相应权限，且案件处于可办理该环节的状态（%(sources)s）。"
    ) % {
        "label": st.label,
        "sources": "、".join(str(label) for value, label in CaseStatus.choices if value in st.sources),
    }
    if st.help:
        description = f"{description}{st.help}"
    return extend_schema(
        summary=st.label,
        description=description,
        request=form_serializer(st.form),
        responses={
            200: CaseDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
        },
    )(endpoint)


def with_step_endpoints(cls):
    """Adds one endpoint per step of the table (so a new step gets its endpoint without another edit)."""
    perms = dict(getattr(cls, "required_perms", {}))
    for st in workflow.STEPS:
        name = f"step_{st.name}"
        if hasattr(cls, name):
            raise AssertionError(f"{cls.__name__}.{name} already exists")
        setattr(cls, name, _step_action(st))
        perms[name] = st.perm
    cls.required_perms = perms
    cls.step_actions = {f"step_{st.name}": st for st in workflow.STEPS}
    return cls


@extend_schema_view(
    list=extend_schema(
        summary=_("案件列表"),
        description=_(
            "管辖范围内的行政处罚案件，可按状态、板块、程序、是否有逾期期限筛选，search 搜索当事人、案由和编号。"
        ),
    ),
    retrieve=extend_schema(
        summary=_("案件详情"),
        description=_(
            "案件详情：承办人及其执法证编号、处理意见、状态名称、正在计算的期限、请求用户当前可办理的环节"
            "（名称和提交地址）、卷宗尚缺的文书。"
        ),
    ),
    create=extend_schema(
        summary=_("登记案件"),
        description=_(
            "登记新案件（待提交立案，或简易程序案件）。请求体与页面“登记案件”表单相同：须有两名以上持证承办人。"
        ),
        request=form_serializer("CaseForm"),
        responses={201: CaseDetailSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 409: REFUSED},
    ),
    events=extend_schema(
        summary=_("案件流转记录"),
        description=_("每个环节的办理人、意见和时间，按时间先后。"),
        responses=CaseEventSerializer(many=True),
    ),
    deadlines=extend_schema(
        summary=_("案件期限"),
        description=_("案件的全部法定期限（含已完成和已不适用的），按届满日。"),
        responses=CaseDeadlineSerializer(many=True),
    ),
    documents=extend_schema(
        summary=_("案件文书"),
        description=_("案件及其调查记录、审核、听证、送达的现行有效文书，按签发先后。"),
        responses=IssuedDocumentSerializer(many=True),
    ),
    reviews=extend_schema(
        summary=_("法制审核记录"),
        description=_("案件各轮法制审核，按轮次。"),
        responses=LegalReviewSerializer(many=True),
    ),
)
@extend_schema(
    tags=schema_tags(_("行政处罚案件")),
    description=_("行政处罚案件：按管辖范围过滤；案件只能经办案环节变更，不修改、不删除。"),
)
@with_step_endpoints
class CaseViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = Case.objects.all()
    serializer_class = CaseDetailSerializer
    filterset_class = CaseFilterSet
    # ``search`` matches these in part; the party's ID number or credit code matches exactly (its hash).
    search_fields = ["party_name", "cause", "registration_number", "decision_number"]
    hash_search_fields = ("party_code",)
    filter_backends = [DjangoFilterBackend, HashSearchFilter, OrderingFilter]
    ordering_fields = ["created_at", "registered_on", "decided_on", "status"]
    http_method_names = ["get", "post", "head", "options"]
    required_perms: dict[str, str] = {
        "events": "cases.view_case",
        "deadlines": "cases.view_casedeadline",
        "documents": "documents.view_issueddocument",
        "reviews": "cases.view_legalreview",
    }
    step_actions: dict[str, workflow.Step]

    def get_queryset(self):
        # Every action reads the case in the view scope: a step is not an "add", and services.perform
        # checks the jurisdiction in the same scope.
        return case_queryset(self.request.user)

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseDetailSerializer

    def check_permissions(self, request):
        # PUT, PATCH and DELETE are not offered: answer 405 rather than a permission error for them.
        if self.action is None and request.user and request.user.is_authenticated:
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)

    def respond(self, case: Case, code=status.HTTP_200_OK) -> Response:
        fresh = case_queryset(self.request.user).get(pk=case.pk)
        return Response(CaseDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, Mapping):
            return Response({NON_FIELD: [str(_("请求体须为 JSON 对象"))]}, status=status.HTTP_400_BAD_REQUEST)
        form = case_forms.CaseForm(request.data, user=request.user)
        if not form.is_valid():
            return Response(form_errors(form), status=status.HTTP_400_BAD_REQUEST)
        data = dict(form.cleaned_data)
        enterprise, officers = data.pop("enterprise"), list(data.pop("officers"))
        # Blank party fields are filled from the enterprise by the service.
        fields = {k: v for k, v in data.items() if v not in ("", None)}
        try:
            case = services.create_case(user=request.user, enterprise=enterprise, officers=officers, **fields)
        except (workflow.Refused, GateClosed) as exc:
            return Response(refusal_body(exc), status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response(service_errors(form, exc), status=status.HTTP_400_BAD_REQUEST)
        return self.respond(case, status.HTTP_201_CREATED)

    def run_step(self, request, st: workflow.Step) -> Response:
        case = self.get_object()
        if case.status not in st.sources:
            return Response(state_refusal(case, st), status=status.HTTP_409_CONFLICT)
        if not isinstance(request.data, Mapping):
            return Response({NON_FIELD: [str(_("请求体须为 JSON 对象"))]}, status=status.HTTP_400_BAD_REQUEST)
        form = getattr(case_forms, st.form)(request.data, case=case, user=request.user)
        if not form.is_valid():
            return Response(form_errors(form), status=status.HTTP_400_BAD_REQUEST)
        try:
            case = services.perform(case, st.name, request.user, form.cleaned_data)
        except (workflow.Refused, GateClosed) as exc:
            return Response(refusal_body(exc), status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response(service_errors(form, exc), status=status.HTTP_400_BAD_REQUEST)
        return self.respond(case)

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)  # the whole list
    def events(self, request, pk=None):
        case = self.get_object()
        events = case.events.select_related("actor").order_by("at", "pk")
        return Response(CaseEventSerializer(events, many=True, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)  # the whole list
    def deadlines(self, request, pk=None):
        case = self.get_object()
        rows = case.deadlines.select_related("case__board").order_by("due_on", "pk")
        return Response(CaseDeadlineSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)  # the whole list
    def documents(self, request, pk=None):
        case = self.get_object()
        rows = case_documents(case).select_related(
            "agency", "board", "issued_by", "subject_type", "superseded_by"
        )
        return Response(IssuedDocumentSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)  # the whole list
    def reviews(self, request, pk=None):
        case = self.get_object()
        rows = case.legal_reviews.select_related(
            "case__board", "submitted_by", "reviewer", "document"
        ).order_by("round")
        return Response(LegalReviewSerializer(rows, many=True, context=self.get_serializer_context()).data)


# --- The review queue and the deadlines ----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("法制审核待办"),
        description=_("管辖范围内的法制审核：待审核的在前，按审核期限；可筛选待审核、审核意见、板块、案件。"),
    ),
    retrieve=extend_schema(summary=_("法制审核详情")),
)
@extend_schema(
    tags=schema_tags(_("法制审核")), description=_("法制审核：每次送审一轮；审核通过“法制审核”环节办理。")
)
class LegalReviewViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = LegalReview.objects.all()
    serializer_class = LegalReviewSerializer
    filterset_class = LegalReviewFilterSet
    search_fields = ["case__party_name", "case__registration_number", "case__cause"]

    def optimize(self, queryset):
        return (
            queryset.select_related("case__board", "submitted_by", "reviewer", "document")
            .annotate(
                decided=Conditional(
                    When(outcome="", then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("decided", "due_on", "pk")
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("办案期限"),
        description=_(
            "管辖范围内正在计算的办案期限，按届满日。due_within=N 为 N 日内（含今日）届满的，overdue=true 为已逾期的。"
        ),
    )
)
@extend_schema(tags=schema_tags(_("办案期限")))
class CaseDeadlineViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = CaseDeadline.objects.all()
    serializer_class = CaseDeadlineSerializer
    filterset_class = CaseDeadlineFilterSet

    def optimize(self, queryset):
        return queryset.running().select_related("case__board").order_by("due_on", "pk")

"""Serializers of penalty cases, their events, deadlines and legal reviews (read-only: a case changes only
through the steps of ``zhifa.cases.workflow``, whose request bodies are the step forms themselves).

``form_serializer`` describes a step form to the API schema: one serializer per form class, its fields
read from the form when the schema is generated, so a field added to a form appears in the schema without
another edit here. Requests are still validated by the form, never by these serializers.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms as django_forms
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhifa.cases import forms as case_forms
from zhifa.cases import workflow
from zhifa.cases.choices import ReviewItem
from zhifa.cases.models import Case, CaseDeadline, CaseEvent, LegalReview
from zhifa.core.personal import PersonalDataSerializerMixin

# --- Small shapes ------------------------------------------------------------------------------------


class CaseNamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("编号"))
    name = serializers.CharField(label=_("名称"))


class CaseViolationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("编号"))
    code = serializers.CharField(label=_("裁量基准编号"))
    name = serializers.CharField(label=_("违法行为"))
    penalty_article = serializers.CharField(label=_("处罚依据"))


class CaseOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("执法人员编号"))
    name = serializers.CharField(label=_("姓名"))
    certificates = serializers.ListField(
        child=serializers.CharField(), label=_("执法证编号"), help_text=_("今日有效的执法证")
    )


class CaseDeadlineBriefSerializer(serializers.Serializer):
    rule_code = serializers.CharField(label=_("期限规则"))
    label = serializers.CharField(label=_("期限"))  # type: ignore[assignment]  # a declared field
    due_on = serializers.DateField(label=_("届满日"))
    overdue = serializers.BooleanField(label=_("已逾期"))


class CaseStepLinkSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("环节"), help_text=_("办案环节代码，如 submit_registration"))
    label = serializers.CharField(label=_("环节名称"))  # type: ignore[assignment]  # a declared field
    url = serializers.CharField(label=_("地址"), help_text=_("以 POST 提交该环节的表单"))
    method = serializers.CharField(label=_("请求方法"))
    danger = serializers.BooleanField(label=_("终止性操作"))
    help = serializers.CharField(label=_("说明"), allow_blank=True)


class CaseLegalReviewStateSerializer(serializers.Serializer):
    required = serializers.BooleanField(label=_("须经法制审核"))  # type: ignore[assignment]  # a declared field
    approved = serializers.BooleanField(label=_("当前处理意见已审核同意"))


class CaseRefusalSerializer(serializers.Serializer):
    """The 409 body: which rule of the procedure refused the step, and why."""

    rule = serializers.CharField(label=_("规则"), help_text=_("拒绝该操作的程序规则名称（含法律依据）"))
    detail = serializers.CharField(label=_("说明"))


def _deadline_brief(deadline: CaseDeadline) -> dict:
    return {
        "rule_code": deadline.rule_code,
        "label": deadline.label,
        "due_on": deadline.due_on,
        "overdue": deadline.is_overdue,
    }


def running_deadlines(case: Case) -> list[CaseDeadline]:
    """The case's running deadlines, earliest first (prefetched by the viewsets as ``running_deadlines``)."""
    prefetched = getattr(case, "running_deadlines", None)
    if prefetched is not None:
        return list(prefetched)
    return list(case.deadlines.running().order_by("due_on", "pk"))


# --- Cases ---------------------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    procedure_label = serializers.CharField(
        source="get_procedure_display", read_only=True, label=_("程序名称")
    )
    board = serializers.SerializerMethodField(label=_("承办板块"))
    agency = serializers.SerializerMethodField(label=_("处罚机关"))
    next_deadline = serializers.SerializerMethodField(
        label=_("最近届满的期限"), help_text=_("正在计算的期限中最早届满的一个")
    )
    overdue = serializers.SerializerMethodField(label=_("有逾期期限"))

    class Meta:
        model = Case
        fields = [
            "id",
            "registration_number",
            "status",
            "status_label",
            "procedure",
            "procedure_label",
            "board",
            "agency",
            "source_kind",
            "enterprise",
            "party_kind",
            "party_name",
            "cause",
            "registered_on",
            "decision_kind",
            "proposed_fine",
            "fine_amount",
            "decided_on",
            "decision_number",
            "is_major",
            "next_deadline",
            "overdue",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseNamedRefSerializer)
    def get_board(self, case) -> dict:
        return {"id": case.board_id, "name": case.board.name}

    @extend_schema_field(CaseNamedRefSerializer)
    def get_agency(self, case) -> dict:
        return {"id": case.agency_id, "name": case.agency.agency_name or case.agency.name}

    @extend_schema_field(CaseDeadlineBriefSerializer(allow_null=True))
    def get_next_deadline(self, case) -> dict | None:
        deadlines = running_deadlines(case)
        return _deadline_brief(deadlines[0]) if deadlines else None

    def get_overdue(self, case) -> bool:
        return any(d.is_overdue for d in running_deadlines(case))


class CaseDetailSerializer(PersonalDataSerializerMixin, CaseListSerializer):
    """A case with what its page shows: officers and their certificates, the proposal, running deadlines,
    the steps the requesting user may take now, and the documents its file still lacks."""

    decision_kind_label = serializers.CharField(
        source="get_decision_kind_display", read_only=True, label=_("处理意见名称")
    )
    officers = serializers.SerializerMethodField(label=_("承办人"))
    violation_type = serializers.SerializerMethodField(label=_("违法行为（裁量基准）"))
    deadlines = serializers.SerializerMethodField(label=_("正在计算的期限"))
    steps = serializers.SerializerMethodField(
        label=_("可办理的环节"), help_text=_("当前状态下请求用户有权办理的环节及其提交地址")
    )
    missing_documents = serializers.SerializerMethodField(label=_("卷宗尚缺的文书"))
    legal_review = serializers.SerializerMethodField(label=_("法制审核"))
    created_by_name = serializers.SerializerMethodField(label=_("登记人"))

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "source",
            "source_note",
            "party_code",
            "party_address",
            "party_representative",
            "party_phone",
            "facts",
            "officers",
            "violation_type",
            "decision_kind_label",
            "penalty_kinds",
            "proposal",
            "deviation_reason",
            "proposal_version",
            "investigation_report",
            "discussion_participants",
            "discussion_record",
            "served_on",
            "paid_amount",
            "surcharge_paid",
            "payment_due_on",
            "extension_days",
            "simple_filed_on",
            "closed_on",
            "archived_on",
            "case_file_sha256",
            "end_reason",
            "transferred_to",
            "legal_review",
            "deadlines",
            "steps",
            "missing_documents",
            "created_by_name",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "party_code": {
                "help_text": _(
                    "当事人为个人时读取打码；有“查看当事人个人信息”权限者单条读取加 ?unmask=1 可见全文（记入审计日志）"
                )
            },
            "party_phone": {
                "help_text": _(
                    "读取时打码；有“查看当事人个人信息”权限者单条读取加 ?unmask=1 可见全文（记入审计日志）"
                )
            },
        }

    @extend_schema_field(CaseOfficerSerializer(many=True))
    def get_officers(self, case) -> list[dict]:
        rows = []
        for link in case.case_officers.all():
            officer = link.officer
            valid = getattr(officer, "valid_certificates", None)
            if valid is None:
                valid = officer.certificates.valid_on(timezone.localdate())
            rows.append({"id": officer.pk, "name": officer.name, "certificates": [c.number for c in valid]})
        return rows

    @extend_schema_field(CaseViolationRefSerializer(allow_null=True))
    def get_violation_type(self, case) -> dict | None:
        vt = case.violation_type
        if vt is None:
            return None
        return {"id": vt.pk, "code": vt.code, "name": vt.name, "penalty_article": vt.penalty_article}

    @extend_schema_field(CaseDeadlineBriefSerializer(many=True))
    def get_deadlines(self, case) -> list[dict]:
        return [_deadline_brief(d) for d in running_deadlines(case)]

    @extend_schema_field(CaseStepLinkSerializer(many=True))
    def get_steps(self, case) -> list[dict]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return []
        rows = []
        for st in workflow.available(case, user):
            path = reverse(f"case-{st.url_name}", args=[case.pk])
            rows.append(
                {
                    "name": st.name,
                    "label": str(st.label),
                    "url": request.build_absolute_uri(path) if request is not None else path,
                    "method": "POST",
                    "danger": st.danger,
                    "help": str(st.help),
                }
            )
        return rows

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_documents(self, case) -> list[str]:
        from zhifa.cases.casefile import missing_documents

        return [str(title) for title in missing_documents(case)]

    @extend_schema_field(CaseLegalReviewStateSerializer)
    def get_legal_review(self, case) -> dict:
        from zhifa.cases.gate import approved_review, review_required

        required = review_required(case)
        return {"required": required, "approved": bool(required and approved_review(case) is not None)}

    def get_created_by_name(self, case) -> str:
        user = case.created_by
        return user.get_full_name() or user.get_username()


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("案件编号"))
    registration_number = serializers.CharField(label=_("立案编号"))
    party_name = serializers.CharField(label=_("当事人"))
    cause = serializers.CharField(label=_("案由"))
    status = serializers.CharField(label=_("状态"))
    status_label = serializers.CharField(label=_("状态名称"))
    board = CaseNamedRefSerializer(label=_("承办板块"))


def case_ref(case: Case) -> dict:
    return {
        "id": case.pk,
        "registration_number": case.registration_number,
        "party_name": case.party_name,
        "cause": case.cause,
        "status": case.status,
        "status_label": case.get_status_display(),
        "board": {"id": case.board_id, "name": case.board.name},
    }


# --- Events, deadlines, reviews ----------------------------------------------------------------------------


class CaseEventSerializer(serializers.ModelSerializer):
    from_status_label = serializers.CharField(
        source="get_from_status_display", read_only=True, label=_("原状态名称")
    )
    to_status_label = serializers.CharField(
        source="get_to_status_display", read_only=True, label=_("新状态名称")
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "transition",
            "label",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "actor",
            "actor_name",
            "opinion",
            "outcome",
            "data",
            "at",
        ]
        read_only_fields = fields


class CaseDeadlineSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue", read_only=True, label=_("已逾期"))
    case = serializers.SerializerMethodField(label=_("案件"))

    class Meta:
        model = CaseDeadline
        fields = [
            "id",
            "case",
            "rule_code",
            "label",
            "source",
            "start",
            "due_on",
            "warnings",
            "met_at",
            "cancelled",
            "overdue",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseRefSerializer)
    def get_case(self, deadline) -> dict:
        return case_ref(deadline.case)


class LegalReviewSerializer(serializers.ModelSerializer):
    case = serializers.SerializerMethodField(label=_("案件"))
    outcome_label = serializers.CharField(
        source="get_outcome_display", read_only=True, label=_("审核意见名称")
    )
    pending = serializers.SerializerMethodField(label=_("待审核"))
    overdue = serializers.SerializerMethodField(label=_("已超过审核期限"))
    submitted_by_name = serializers.SerializerMethodField(label=_("送审人"))
    reviewer_name = serializers.SerializerMethodField(label=_("法制审核员"))
    document = serializers.SerializerMethodField(label=_("法制审核意见书"))

    class Meta:
        model = LegalReview
        fields = [
            "id",
            "case",
            "round",
            "submitted_at",
            "submitted_by_name",
            "due_on",
            "pending",
            "overdue",
            "proposal_version",
            "proposal_snapshot",
            "reviewer_name",
            "outcome",
            "outcome_label",
            "checklist",
            "opinion",
            "decided_at",
            "document",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseRefSerializer)
    def get_case(self, review) -> dict:
        return case_ref(review.case)

    def get_pending(self, review) -> bool:
        return not review.outcome

    def get_overdue(self, review) -> bool:
        end = timezone.localtime(review.decided_at).date() if review.decided_at else timezone.localdate()
        return end > review.due_on

    def get_submitted_by_name(self, review) -> str:
        return review.submitted_by.get_full_name() or review.submitted_by.get_username()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reviewer_name(self, review) -> str | None:
        user = review.reviewer
        return (user.get_full_name() or user.get_username()) if user is not None else None

    @extend_schema_field(CaseNamedRefSerializer(allow_null=True))
    def get_document(self, review) -> dict | None:
        doc = review.document
        return {"id": doc.pk, "name": doc.number or doc.title} if doc is not None else None


# --- Step forms in the schema --------------------------------------------------------------------------------


def _schema_field(name: str, field: django_forms.Field, declared: django_forms.Field | None):
    """The API field that documents one form field (labels, help and choices as the form has them)."""
    common: dict[str, Any] = {
        "required": field.required,
        "label": field.label,
        "help_text": field.help_text or None,
    }
    if isinstance(field, django_forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, django_forms.ModelChoiceField):
        return serializers.IntegerField(**common)
    # Choices filled from the database when the form is built (e.g. the discretion factors) are codes.
    static = declared if declared is not None else field
    static_choices = list(getattr(static, "choices", []) or [])
    if isinstance(field, django_forms.MultipleChoiceField):
        if static_choices:
            return serializers.MultipleChoiceField(choices=static_choices, **common)
        return serializers.ListField(child=serializers.CharField(), **common)
    if isinstance(field, django_forms.ChoiceField):
        return serializers.ChoiceField(choices=static_choices, **common)
    if isinstance(field, django_forms.BooleanField):
        return serializers.BooleanField(**{**common, "required": False})
    if isinstance(field, django_forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(field, django_forms.DateField):
        return serializers.DateField(**common)
    bounds: dict[str, Any] = {"min_value": getattr(field, "min_value", None)}
    if isinstance(field, django_forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            coerce_to_string=False,
            **bounds,
            **common,
        )
    if isinstance(field, django_forms.IntegerField):
        bounds["max_value"] = field.max_value
        return serializers.IntegerField(**bounds, **common)
    return serializers.CharField(
        max_length=getattr(field, "max_length", None), allow_blank=not field.required, **common
    )


class FormSerializer(serializers.Serializer):
    """Describes ``form_class`` to the schema; its fields are those of a form built without a case."""

    form_class: type[django_forms.Form]

    def get_fields(self):
        form_class = type(self).form_class
        try:
            fields = form_class(user=None).fields
        except DatabaseError:  # a schema written without a migrated database: the declared fields
            fields = form_class.base_fields
        return {
            name: _schema_field(name, field, form_class.base_fields.get(name))
            for name, field in fields.items()
        }


@cache
def form_serializer(form_name: str) -> type[FormSerializer]:
    """One serializer class per form (steps sharing a form share the schema component)."""
    form_class = getattr(case_forms, form_name)
    component = form_name.removesuffix("Form")
    return type(
        f"Case{component}FormSerializer",
        (FormSerializer,),
        {"form_class": form_class, "__doc__": "办案环节的请求体：字段、校验规则和提示与页面表单相同。"},
    )


#: The 符合/存在问题 answer every point of the legal review checklist takes (one enum in the schema,
#: named in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
REVIEW_CHECK_CHOICES = getattr(
    case_forms.LegalReviewForm().fields[f"check_{ReviewItem.AUTHORITY.value}"], "choices", []
)

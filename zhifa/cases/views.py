"""Pages of penalty cases: the work queue, registering a case (from the queue of case sources or
directly), the case page with every record and the steps the user may take now, the legal-review queue,
the deadlines board, the case file and the procedure's configurable figures.

Every view declares its permission and reads rows through ``restrict(user, action)`` (403 without the
permission, 404 outside the jurisdiction). Every change is a call into ``zhifa.cases.services``: a step
of the transition table through ``services.perform`` with the step's own form, so a refusal comes back
as ``Refused`` (the rule named, in Chinese) or ``ValidationError`` and the page shows it, never a 500.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case as DbCase
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from zhifa.cases import forms as step_forms
from zhifa.cases import services, workflow
from zhifa.cases.choices import (
    CaseStatus,
    PartyKind,
    PenaltyKind,
    RecordKind,
    ReviewItem,
    ReviewOutcome,
    SourceKind,
)
from zhifa.cases.filtersets import DEFAULT_DAYS, CaseFilterSet, DeadlineFilterSet, ReviewFilterSet
from zhifa.cases.forms import CaseForm, EvidenceForm, ProcedureRulesForm
from zhifa.cases.models import (
    Case,
    CaseDeadline,
    CaseEvidence,
    LegalReview,
    ProcedureRules,
)
from zhifa.cases.tables import CaseTable, DeadlineTable, ProcedureRulesTable, ReviewTable
from zhifa.cases.workflow import Refused
from zhifa.core import personal
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.views import ObjectDetailView, ObjectEditView, ObjectListView, PermissionMixin
from zhifa.inspections.choices import CaseSourceStatus, EvidenceKind
from zhifa.inspections.models import CaseSource

CASE_RELATED = ("board", "agency", "enterprise", "source", "violation_type", "created_by")


def error_text(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def add_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: under the field it names, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(exc))


def field_errors(form) -> list[str]:
    """“证据名称：该字段是必填项。” — each error with the label of its field, for a message."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines += [f"{label}：{e}" if label else str(e) for e in errors]
    return lines


def with_next_deadline(queryset):
    """Each case's earliest running deadline (date and label) as two subqueries: no query per row."""
    running = CaseDeadline.objects.running().filter(case=OuterRef("pk")).order_by("due_on", "pk")
    return queryset.annotate(
        next_due=Subquery(running.values("due_on")[:1]),
        next_label=Subquery(running.values("label")[:1]),
    )


def scoped_cases(user):
    return Case.objects.restrict(user, "view")


def case_or_404(request, pk, *related):
    return get_object_or_404(scoped_cases(request.user).select_related(*related), pk=pk)


def own_officer(user):
    officer = getattr(user, "officer", None)
    return officer if officer is not None and officer.active else None


# ======================================================================================== the queue


class CaseListView(ObjectListView):
    """The work queue: a board's open cases for board roles, the district's for district roles."""

    permission = "cases.view_case"
    queryset = Case.objects.select_related("board")
    filterset = CaseFilterSet
    table = CaseTable
    title = gettext_lazy("行政处罚案件")
    template_name = "cases/case_list.html"
    add_url_name = "cases:case_add"
    add_permission = "cases.add_case"

    def get_queryset(self, request):
        return with_next_deadline(super().get_queryset(request)).order_by(
            F("next_due").asc(nulls_last=True), "-created_at", "-pk"
        )


# ===================================================================================== registering


class CaseAddView(PermissionMixin, View):
    """A new case (待提交立案), entered directly or from a queued case source (案件线索)."""

    permission = "cases.add_case"
    template_name = "cases/case_form.html"

    def get_source(self, request, source_pk) -> CaseSource | None:
        if source_pk is None:
            return None
        return get_object_or_404(
            CaseSource.objects.restrict(request.user, "view").select_related(
                "enterprise", "board", "hazard", "inspection"
            ),
            pk=source_pk,
        )

    def make_form(self, request, source, data=None) -> CaseForm:
        initial: dict[str, Any] = {}
        officer = own_officer(request.user)
        if officer is not None:
            initial["officers"] = [officer.pk]
        if source is not None:
            enterprise = source.enterprise
            initial.update(
                enterprise=enterprise.pk,
                source_kind=SourceKind.HAZARD if source.hazard_id else SourceKind.INSPECTION,
                party_kind=PartyKind.UNIT,
                party_name=enterprise.name,
                party_code=enterprise.uscc,
                party_address=getattr(enterprise, "address", "") or "",
                party_representative=getattr(enterprise, "legal_representative", "") or "",
                party_phone=personal.masked(enterprise, "contact_phone"),
                facts=source.description,
            )
        form = CaseForm(data, user=request.user, initial=initial)
        if source is not None:
            # The finding decides the party and the source; the officer completes the rest.
            form.fields["enterprise"].disabled = True
            form.fields["source_kind"].disabled = True
        return form

    def show(self, request, form, source, status=200):
        return render(request, self.template_name, {"form": form, "source": source}, status=status)

    def get(self, request, pk=None):
        source = self.get_source(request, pk)
        if source is not None and source.status != CaseSourceStatus.QUEUED:
            messages.error(
                request, _("该线索已处理（%(s)s），不能再立案") % {"s": source.get_status_display()}
            )
            return redirect("inspections:casesource_list")
        return self.show(request, self.make_form(request, source), source)

    def post(self, request, pk=None):
        source = self.get_source(request, pk)
        form = self.make_form(request, source, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            officers = list(data.pop("officers"))
            enterprise = data.pop("enterprise")
            # Blank party fields are filled from the enterprise by the service.
            fields = {k: v for k, v in data.items() if v not in ("", None)}
            try:
                case = services.create_case(
                    user=request.user, officers=officers, enterprise=enterprise, source=source, **fields
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已登记案件，待提交立案审批：%(c)s") % {"c": case.party_name})
                return redirect(case)
        return self.show(request, form, source, status=400)


# ===================================================================================== the case page


OUTCOME_LABELS = [
    ("agree", gettext_lazy("同意")),
    ("disagree", gettext_lazy("不同意")),
    *ReviewOutcome.choices,
]


def labelled(rows, attr: str, choices) -> list:
    """Rows with ``<attr>_label`` set from ``choices`` (fields stored without choices on the model)."""
    labels = dict(choices)
    rows = list(rows)
    for row in rows:
        value = getattr(row, attr)
        setattr(row, f"{attr}_label", labels.get(value, value))
    return rows


def checklist_rows(checklist: dict) -> list[dict]:
    labels = dict(ReviewItem.choices)
    return [
        {"label": labels.get(key, key), "ok": value.get("result") == "pass", "note": value.get("note", "")}
        for key, value in (checklist or {}).items()
    ]


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def proposal_view(case: Case) -> dict | None:
    """The discretion benchmark's proposal beside the officer's, and whether the fine leaves it."""
    proposal = case.proposal or {}
    if not proposal and not case.decision_kind:
        return None
    suggested = _decimal(proposal.get("suggested_fine"))
    low, high = _decimal(proposal.get("min_fine")), _decimal(proposal.get("max_fine"))
    fine = case.proposed_fine
    outside = fine is not None and low is not None and high is not None and not (low <= fine <= high)
    # Outside the tier the engine demands a written reason; any reason given is shown for the reviewer.
    deviates = bool(case.deviation_reason) or outside
    kinds = dict(PenaltyKind.choices)
    return {
        "data": proposal,
        "suggested": suggested,
        "low": low,
        "high": high,
        "outside": outside,
        "deviates": deviates,
        "differs": fine is not None and suggested is not None and fine != suggested,
        "penalty_kinds": [kinds.get(k, k) for k in case.penalty_kinds or []],
    }


def certificate_numbers(officer_ids) -> dict[int, str]:
    from zhifa.orgs.models import Certificate

    rows = Certificate.objects.valid_on(timezone.localdate()).filter(officer_id__in=officer_ids)
    return dict(rows.order_by("officer_id", "valid_to").values_list("officer_id", "number"))


def step_buttons(case: Case, user) -> list[dict]:
    return [
        {
            "step": st,
            "url": reverse("cases:case_step", args=[case.pk, st.name]),
        }
        for st in workflow.available(case, user)
    ]


class CaseDetailView(PermissionMixin, View):
    permission = "cases.view_case"
    template_name = "cases/case_detail.html"

    def get(self, request, pk):
        case = case_or_404(request, pk, *CASE_RELATED)
        return render(request, self.template_name, case_context(request, case))


def case_context(request, case: Case, evidence_form=None) -> dict:
    from zhifa.cases.casefile import case_documents, missing_documents

    user = request.user
    today = timezone.localdate()
    handlers = list(case.case_officers.select_related("officer", "officer__unit"))
    numbers = certificate_numbers([co.officer_id for co in handlers])
    officers = [{"officer": co.officer, "certificate": numbers.get(co.officer_id, "")} for co in handlers]
    deadlines = list(case.deadlines.order_by("due_on", "pk"))
    running = []
    for d in deadlines:
        if d.met_at is None and not d.cancelled:
            left = (d.due_on - today).days
            running.append({"d": d, "left": left, "late": -left, "overdue": left < 0, "soon": 0 <= left <= 3})
    reviews = [
        {"r": review, "rows": checklist_rows(review.checklist)}
        for review in case.legal_reviews.select_related("reviewer", "submitted_by", "document").order_by(
            "round"
        )
    ]
    can_add_evidence = (
        user.has_perm("cases.add_caseevidence") and case.status not in workflow.TERMINAL_FOR_EVIDENCE
    )
    if can_add_evidence and evidence_form is None:
        evidence_form = EvidenceForm(case=case, user=user)
    surcharge = services.surcharge_due(case) if case.fine_amount else Decimal("0")
    return {
        "object": case,
        "officers": officers,
        "proposal": proposal_view(case),
        "running": running,
        "past_deadlines": [d for d in deadlines if d.met_at is not None or d.cancelled],
        "events": labelled(case.events.order_by("at", "pk"), "outcome", OUTCOME_LABELS),
        "documents": case_documents(case).select_related("kind"),
        "missing": missing_documents(case) if case.status != CaseStatus.DRAFT else [],
        "reviews": reviews,
        "records": labelled(
            case.records.select_related("document").prefetch_related("officers"), "kind", RecordKind.choices
        ),
        "evidence": labelled(case.evidence.all(), "kind", EvidenceKind.choices),
        "evidence_form": evidence_form if can_add_evidence else None,
        "preservations": case.preservations.select_related("approved_by", "notice", "decision"),
        "payments": case.payments.select_related("recorded_by"),
        "instalments": case.instalments.all(),
        "hearings": case.hearings.select_related("chair", "notice", "minutes"),
        "surcharge": surcharge,
        "steps": step_buttons(case, user),
        "can_download_file": user.has_perm("cases.view_case"),
    }


# ========================================================================================= steps


class CaseStepView(PermissionMixin, View):
    """One step of the transition table: GET renders its form (a partial for htmx, the page otherwise),
    POST runs it through ``services.perform``. The step's permission decides 403; the guards are checked
    on submit so that a refusal can name the rule."""

    template_name = "cases/step.html"
    partial_name = "cases/_step_form.html"

    def dispatch(self, request, *args, **kwargs):
        step = workflow.BY_NAME.get(kwargs.get("name", ""))
        if step is None:
            raise Http404(_("未知的办案环节"))
        self.step = step
        self.permission = step.perm
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, request, case, data=None):
        form_class = getattr(step_forms, self.step.form)
        form = form_class(data, files=request.FILES or None, case=case, user=request.user)
        if self.step.danger:
            form.fields["confirm"] = django_forms.BooleanField(
                label=_("我已核实，确认%(s)s") % {"s": self.step.label},
                error_messages={"required": _("请勾选确认")},
            )
        return form

    def show(self, request, case, form, *, refusal: ValidationError | None = None, status=200):
        context = {
            "object": case,
            "step": self.step,
            "form": form,
            "refusal": error_text(refusal) if refusal is not None else [],
            "refusal_rule": getattr(refusal, "rule", ""),
            "action": reverse("cases:case_step", args=[case.pk, self.step.name]),
        }
        if self.step.form == "LegalReviewForm":
            context["review_rows"] = [
                (form[f"check_{item.value}"], form[f"note_{item.value}"]) for item in ReviewItem
            ]
            context["review_other"] = [
                form[name] for name in form.fields if not name.startswith(("check_", "note_"))
            ]
            context["pending_review"] = case.legal_reviews.pending().first()
        template = self.partial_name if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context, status=status)

    def not_now(self, request, case):
        return _("案件当前为“%(s)s”，不能%(step)s") % {
            "s": case.get_status_display(),
            "step": self.step.label,
        }

    def get(self, request, pk, name):
        case = case_or_404(request, pk, *CASE_RELATED)
        if case.status not in self.step.sources:
            messages.error(request, self.not_now(request, case))
            return redirect(case)
        return self.show(request, case, self.make_form(request, case))

    def post(self, request, pk, name):
        case = case_or_404(request, pk, *CASE_RELATED)
        form = self.make_form(request, case, request.POST)
        if not form.is_valid():
            return self.show(request, case, form, status=400)
        data = dict(form.cleaned_data)
        data.pop("confirm", None)
        try:
            services.perform(case, self.step.name, request.user, data)
        except Refused as exc:
            return self.show(request, case, form, refusal=exc, status=409)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.show(request, case, form, status=400)
        messages.success(request, _("已办理：%(s)s") % {"s": self.step.label})
        return redirect("cases:case_detail", pk=case.pk)


# ====================================================================================== evidence


class EvidenceAddView(PermissionMixin, View):
    permission = "cases.add_caseevidence"

    def post(self, request, pk):
        case = case_or_404(request, pk, "board")
        back = reverse("cases:case_detail", args=[case.pk]) + "#evidence"
        form = EvidenceForm(request.POST, request.FILES, case=case, user=request.user)
        if not form.is_valid():
            messages.error(request, _("证据未添加：%(e)s") % {"e": "；".join(field_errors(form))})
            return redirect(back)
        data = form.cleaned_data
        try:
            item = services.add_evidence(
                case,
                user=request.user,
                title=data["title"],
                kind=data["kind"],
                collected_on=data["collected_on"],
                collected_by=data["collected_by"],
                description=data["description"],
                upload=data.get("upload"),
                inspection_evidence=data.get("inspection_evidence"),
            )
        except ValidationError as exc:
            messages.error(request, _("证据未添加：%(e)s") % {"e": "；".join(error_text(exc))})
        else:
            messages.success(request, _("已添加证据：%(t)s") % {"t": item.title})
        return redirect(back)


class EvidenceDownloadView(PermissionMixin, View):
    """The evidence file as an attachment, checked against its SHA-256 before it is served."""

    permission = "cases.view_caseevidence"

    def get(self, request, pk):
        from zhifa.inspections.evidence import open_verified

        item = get_object_or_404(
            CaseEvidence.objects.filter(case__in=scoped_cases(request.user)).select_related("case"), pk=pk
        )
        if item.inspection_evidence_id:
            return redirect("inspections:evidence_download", pk=item.inspection_evidence_id)
        stream = open_verified(item.sha256) if item.sha256 else None
        if stream is None:
            record(AuditAction.SYSTEM, item, message=f"案件证据文件校验失败：{item.sha256}")
            raise Http404(_("证据文件不存在或与登记的 SHA-256 不符，已记录"))
        record(AuditAction.EXPORT, item, after={"sha256": item.sha256}, message=f"下载案件证据“{item.title}”")
        response = FileResponse(
            stream,
            as_attachment=True,
            filename=item.filename or f"evidence-{item.pk}",
            content_type=item.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


# ================================================================================== legal review


class ReviewQueueView(ObjectListView):
    """法制审核: what awaits review, the overdue first (due dates count working days)."""

    permission = "cases.view_legalreview"
    queryset = LegalReview.objects.select_related("case", "case__board")
    filterset = ReviewFilterSet
    table = ReviewTable
    title = gettext_lazy("法制审核")

    def get_queryset(self, request):
        pending_first = DbCase(When(outcome="", then=Value(0)), default=Value(1), output_field=IntegerField())
        return super().get_queryset(request).order_by(pending_first, "due_on", "pk")


class ReviewDetailView(PermissionMixin, View):
    """One round of review: what was submitted, the checklist and the opinion (read-only once decided)."""

    permission = "cases.view_legalreview"
    template_name = "cases/review_detail.html"

    def get(self, request, pk):
        review = get_object_or_404(
            LegalReview.objects.restrict(request.user, "view").select_related(
                "case", "case__board", "case__agency", "reviewer", "submitted_by", "document"
            ),
            pk=pk,
        )
        case = review.case
        snapshot = review.proposal_snapshot or {}
        kinds = dict(PenaltyKind.choices)
        can_review = (
            not review.outcome
            and case.status == CaseStatus.LEGAL_REVIEW
            and request.user.has_perm("cases.legal_review_case")
        )
        context = {
            "object": review,
            "case": case,
            "snapshot": snapshot,
            "snapshot_proposal": snapshot.get("proposal") or {},
            "snapshot_kinds": [kinds.get(k, k) for k in snapshot.get("penalty_kinds") or []],
            "rows": checklist_rows(review.checklist),
            "overdue": not review.outcome and review.due_on < timezone.localdate(),
            "days_left": (review.due_on - timezone.localdate()).days,
            "review_url": reverse("cases:case_step", args=[case.pk, "legal_review"]) if can_review else "",
            "stale": review.proposal_version != case.proposal_version,
        }
        return render(request, self.template_name, context)


# ===================================================================================== deadlines


class DeadlineListView(PermissionMixin, View):
    """办案期限: running deadlines due within N days (default 7) and those overdue, per board in scope."""

    permission = "cases.view_casedeadline"
    template_name = "cases/deadline_list.html"
    per_page = 50

    def get(self, request):
        today = timezone.localdate()
        running = CaseDeadline.objects.restrict(request.user, "view").running()
        filterset = DeadlineFilterSet(
            request.GET, queryset=running.select_related("case", "case__board"), request=request
        )
        table = DeadlineTable(filterset.qs)
        RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
        if request.headers.get("HX-Request"):
            return render(request, "generic/_table.html", {"table": table})
        horizon = today + timedelta(days=DEFAULT_DAYS)
        by_board = [
            {
                **row,
                "overdue_url": f"{reverse('cases:deadline_list')}?overdue=true&board={row['case__board']}",
                "soon_url": f"{reverse('cases:deadline_list')}?days={DEFAULT_DAYS}&board={row['case__board']}",
            }
            for row in running.values("case__board", "case__board__name")
            .annotate(
                overdue=Count("pk", filter=Q(due_on__lt=today)),
                soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=horizon)),
            )
            .filter(Q(overdue__gt=0) | Q(soon__gt=0))
            .order_by("case__board__sort_order", "case__board__code")
        ]
        context = {
            "title": _("办案期限"),
            "table": table,
            "filterset": filterset,
            "by_board": by_board,
            "days": DEFAULT_DAYS,
        }
        return render(request, self.template_name, context)


# ===================================================================================== case file


class CaseFileUnavailable(Exception):
    """A stored file or a document of the case no longer matches its hash: the message says which."""


def case_file_pdf(case: Case) -> tuple[bytes, str]:
    """The bound case file and its SHA-256 (``casefile.case_file_for_download``: the archived file,
    checked against the hash recorded at archiving, or a preview bound now for a case not yet archived)."""
    from zhifa.cases.binder import CaseFileError
    from zhifa.cases.casefile import case_file_for_download

    try:
        return case_file_for_download(case)
    except CaseFileError as exc:
        record(AuditAction.SYSTEM, case, message=f"电子卷宗无法提供：{'；'.join(error_text(exc))}")
        raise CaseFileUnavailable("；".join(error_text(exc))) from exc


class CaseFileView(PermissionMixin, View):
    """电子卷宗 (PDF) as an attachment, its SHA-256 in the ``X-Content-SHA256`` header; every download
    is written to the audit chain."""

    permission = "cases.view_case"

    def get(self, request, pk):
        case = case_or_404(request, pk, *CASE_RELATED)
        try:
            pdf, sha = case_file_pdf(case)
        except CaseFileUnavailable as exc:
            messages.error(request, str(exc))
            return redirect(case)
        name = case.registration_number or f"案件{case.pk}"
        filename = f"电子卷宗-{name}.pdf"
        # The file prints an individual party's ID number and phone in full, as the law requires.
        shown = [f for f in ("party_code", "party_phone") if personal.is_personal(case, f)]
        record(
            AuditAction.EXPORT,
            case,
            after={
                "sha256": sha,
                "size": len(pdf),
                "filename": filename,
                **({"personal": dict.fromkeys(shown, "full")} if shown else {}),
            },
            message=f"下载电子卷宗：{name}" + ("（含当事人个人信息，完整）" if shown else ""),
        )
        response = FileResponse(
            io.BytesIO(pdf), as_attachment=True, filename=filename, content_type="application/pdf"
        )
        response["X-Content-SHA256"] = sha
        response["Cache-Control"] = "private, no-store"
        return response


# ============================================================================== procedure rules


class RulesListView(ObjectListView):
    permission = "cases.view_procedurerules"
    queryset = ProcedureRules.objects.all()
    table = ProcedureRulesTable
    title = gettext_lazy("办案程序参数")
    add_url_name = "cases:rules_add"
    add_permission = "cases.add_procedurerules"


class RulesDetailView(ObjectDetailView):
    permission = "cases.view_procedurerules"
    queryset = ProcedureRules.objects.all()
    template_name = "cases/rules_detail.html"
    change_permission = "cases.change_procedurerules"

    def get_extra_context(self, request, obj) -> dict[str, Any]:
        fields = [f for f in obj._meta.fields if f.name not in ("id",)]
        rows = [{"label": f.verbose_name, "value": _display(obj, f), "help": f.help_text} for f in fields]
        in_force = ProcedureRules.in_force()
        return {"rows": rows, "in_force": in_force.pk == obj.pk}


def _display(obj, field) -> str:
    value = getattr(obj, field.name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value) if value not in (None, "") else "—"


class RulesEditView(ObjectEditView):
    """The system administrator keeps the figures (a new row for a change in the law, with its date)."""

    queryset = ProcedureRules.objects.all()
    form = ProcedureRulesForm

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        form = self.get_form(request, obj, request.POST)
        if form.is_valid():
            try:
                saved = self.save(request, form)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存：%(obj)s") % {"obj": saved})
                return redirect("cases:rules_detail", pk=saved.pk)
        return self.render_form(request, form, obj)

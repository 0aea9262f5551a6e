"""Pages of inspections in the field: the draft record on a phone, hazards, rectification, re-inspection,
evidence and checklists.

Every view declares its permission and reads rows through ``restrict(user, action)`` (403 without the
permission, 404 outside the jurisdiction). Every state change is a call into ``services`` (or
``evidence``); a refusal comes back as ``RuleViolation``/``ValidationError`` and is shown in Chinese.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.fields import with_hashes
from zhifa.core.formfields import record_id
from zhifa.core.views import ObjectEditView, ObjectListView, PermissionMixin
from zhifa.enterprises.models import Enterprise
from zhifa.inspections import evidence as evidence_service
from zhifa.inspections import services
from zhifa.inspections.choices import (
    ChecklistStatus,
    ExtensionStatus,
    HazardStatus,
    InspectionStatus,
    ItemResult,
)
from zhifa.inspections.filtersets import (
    CaseSourceFilterSet,
    ChecklistFilterSet,
    ExtensionRequestFilterSet,
    HazardFilterSet,
    InspectionFilterSet,
    RectificationOrderFilterSet,
)
from zhifa.inspections.forms import (
    ITEM_RESULT_CHOICES,
    ChecklistItemFormSet,
    ChecklistTemplateForm,
    EvidenceUploadForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    HazardForm,
    InspectionForm,
    MoveHazardForm,
    RectificationForm,
    ReferForm,
    ReInspectionForm,
    StartInspectionForm,
    results_from,
)
from zhifa.inspections.models import (
    CaseSource,
    ChecklistTemplate,
    Evidence,
    ExtensionRequest,
    Hazard,
    Inspection,
    InspectionOfficer,
    RectificationItem,
    RectificationOrder,
    ReInspection,
)
from zhifa.inspections.tables import (
    CaseSourceTable,
    ChecklistTable,
    ExtensionRequestTable,
    HazardTable,
    InspectionTable,
    RectificationOrderTable,
)
from zhifa.orgs.choices import Post


def document_url(document) -> str:
    return document.get_absolute_url() if document is not None else ""


def error_text(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def add_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: under the field it names, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(exc))


def own_officer(user):
    """The acting user's officer record when it may sit on a team (not a safety manager)."""
    officer = getattr(user, "officer", None)
    if officer is not None and officer.active and officer.post != Post.SAFETY_MANAGER:
        return officer
    return None


def evidence_of(queryset):
    return queryset.select_related("recorder", "uploaded_by").order_by("uploaded_at", "pk")


def upload_form(user, board):
    return EvidenceUploadForm(board=board) if user.has_perm("inspections.add_evidence") else None


# ================================================================================== inspections


class InspectionListView(ObjectListView):
    permission = "inspections.view_inspection"
    queryset = (
        Inspection.objects.select_related("enterprise", "board")
        .prefetch_related(Prefetch("team", queryset=InspectionOfficer.objects.select_related("officer")))
        .annotate(hazard_count=Count("hazards"))
    )
    filterset = InspectionFilterSet
    table = InspectionTable
    title = gettext_lazy("现场检查")
    add_url_name = "inspections:inspection_start"
    add_permission = "inspections.add_inspection"


class InspectionStartView(PermissionMixin, View):
    """Pick the enterprise (by name or credit code, within the jurisdiction) and open a draft."""

    permission = "inspections.add_inspection"
    template_name = "inspections/inspection_start.html"
    max_matches = 20

    def enterprises(self, request):
        return Enterprise.objects.restrict(request.user, "view").select_related("board")

    def get(self, request):
        q = request.GET.get("q", "").strip()
        matches = self.enterprises(request)
        if q:
            matches = matches.filter(Q(name__icontains=q) | Q(uscc__iexact=q))
        elif record_id(request.GET.get("enterprise")):
            matches = matches.filter(pk=record_id(request.GET["enterprise"]))
        else:
            matches = matches.none()
        matches = list(matches.order_by("name")[: self.max_matches])
        form = StartInspectionForm(
            user=request.user,
            enterprises=self.enterprises(request).filter(pk__in=[e.pk for e in matches]),
            initial={"enterprise": matches[0].pk if len(matches) == 1 else None},
        )
        return self.show(request, form, q, searched=bool(q), matches=matches)

    def show(self, request, form, q, *, searched, matches):
        context = {"form": form, "q": q, "searched": searched, "matches": matches, "limit": self.max_matches}
        return render(request, self.template_name, context)

    def post(self, request):
        form = StartInspectionForm(request.POST, user=request.user, enterprises=self.enterprises(request))
        if form.is_valid():
            data = form.cleaned_data
            officer = own_officer(request.user)
            try:
                inspection = services.start_inspection(
                    enterprise=data["enterprise"],
                    checklist=data["checklist"],
                    user=request.user,
                    officers=[officer] if officer else [],
                    origin=data["origin"],
                    cross_enforcement=data.get("cross_enforcement", False),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已开始检查：%(e)s") % {"e": inspection.enterprise})
                return redirect("inspections:inspection_edit", pk=inspection.pk)
        # Show again only the enterprise chosen, not every one of the jurisdiction.
        chosen = request.POST.get("enterprise", "")
        matches = list(self.enterprises(request).filter(pk=record_id(chosen))) if record_id(chosen) else []
        form.fields["enterprise"].queryset = self.enterprises(request).filter(pk__in=[e.pk for e in matches])
        return self.show(request, form, "", searched=False, matches=matches)


class DraftMixin(PermissionMixin):
    """The draft record: load it within the jurisdiction, save it whole, render the page."""

    permission = "inspections.change_inspection"
    template_name = "inspections/inspection_edit.html"

    def get_inspection(self, request, pk) -> Inspection:
        return get_object_or_404(
            Inspection.objects.restrict(request.user, "change").select_related(
                "enterprise", "board", "checklist", "checklist__expert_group"
            ),
            pk=pk,
        )

    def item_rows(self, inspection, hazard_forms=None, posted=None):
        """The checklist rows with each item's hazards and, for an unrecorded 不符合, a hazard form."""
        hazard_forms = hazard_forms or {}
        hazards: dict[int | None, list[Hazard]] = {}
        for hazard in inspection.hazards.order_by("pk"):
            hazards.setdefault(hazard.item_id, []).append(hazard)
        rows = list(inspection.results.select_related("item").order_by("item__order"))
        for row in rows:
            if posted and row.item_id in posted:
                row.result, row.note = posted[row.item_id]
            row.hazards = hazards.get(row.item_id, [])
            row.hazard_form = None
            if row.result == ItemResult.NON_COMPLIANT and not row.hazards:
                row.hazard_form = hazard_forms.get(row.item_id) or HazardForm(
                    prefix=f"hazard-{row.item_id}", item=row.item
                )
        return rows, hazards.get(None, [])

    def render_draft(
        self, request, inspection, form=None, *, problems=(), title="", hazard_forms=None, posted=None
    ):
        user = request.user
        form = form or InspectionForm(instance=inspection, user=user)
        rows, other_hazards = self.item_rows(inspection, hazard_forms, posted)
        can_sign = user.has_perm("inspections.sign_off_inspection")
        readiness = []
        if can_sign and not problems:
            readiness = services.completeness_problems(inspection)
            if inspection.started_at:
                team = [m.officer for m in inspection.team.select_related("officer__unit")]
                readiness = (
                    services.check_team(
                        team,
                        inspection.board,
                        inspection.inspection_date,
                        cross_enforcement=inspection.cross_enforcement,
                    ).problems
                    + readiness
                )
        context = {
            "object": inspection,
            "form": form,
            "rows": rows,
            "other_hazards": other_hazards,
            "other_hazard_form": (hazard_forms or {}).get("other") or HazardForm(prefix="hazard-other"),
            "result_choices": ITEM_RESULT_CHOICES,
            "problems": list(problems),
            "problems_title": title,
            "readiness": readiness,
            "can_sign": can_sign,
            "evidence": evidence_of(inspection.evidence.all()),
            "upload_form": upload_form(user, inspection.board),
            "upload_url": reverse("inspections:inspection_evidence", args=[inspection.pk]),
        }
        return render(request, self.template_name, context)

    def save_draft(self, request, inspection):
        """Save header, team, results and an optional new hazard in one transaction, refusing a stale
        version. Returns (form, problems, hazard_forms, posted); ``problems`` empty on success."""
        user = request.user
        form = InspectionForm(request.POST, instance=inspection, user=user)
        rows = list(inspection.results.all())
        posted = results_from(request.POST, rows)
        hazard_forms: dict[Any, HazardForm] = {}
        add = request.POST.get("add_hazard", "")
        item = None
        if add:
            item = next((r.item for r in rows if str(r.item_id) == add), None)
            key = item.pk if item else "other"
            hazard_forms[key] = HazardForm(request.POST, prefix=f"hazard-{key}", item=item)
        if not form.is_valid() or any(not f.is_valid() for f in hazard_forms.values()):
            return form, [_("请更正下面标出的错误，记录尚未保存")], hazard_forms, posted
        try:
            with transaction.atomic():
                current = Inspection.objects.select_for_update().get(pk=inspection.pk)
                if current.version != form.cleaned_data["version"]:
                    raise services.RuleViolation(
                        _(
                            "该检查记录已在其他设备上修改（版本 %(v)s），本次内容未保存。"
                            "下面保留了您填写的内容，核对后再次保存将以此为准。"
                        )
                        % {"v": current.version}
                    )
                changed = [f for f in form.changed_data if f not in ("version", "officers", "assistants")]
                form.save(commit=False)
                if changed:
                    inspection.save(update_fields=[*with_hashes(Inspection, changed), "updated_at"])
                if "assistants" in form.changed_data:
                    inspection.assistants.set(form.cleaned_data["assistants"])
                services.set_team(inspection, list(form.cleaned_data["officers"]))
                services.save_results(inspection, posted, expected_version=current.version)
                for form_key, hazard_form in hazard_forms.items():
                    services.add_hazard(
                        inspection,
                        item=item if form_key != "other" else None,
                        user=user,
                        **hazard_form.cleaned_data,
                    )
        except ValidationError as exc:
            inspection.refresh_from_db()
            data = request.POST.copy()
            data["version"] = inspection.version
            form = InspectionForm(data, instance=inspection, user=user)
            form.is_valid()
            return form, error_text(exc), hazard_forms, posted
        return form, [], {}, None


class InspectionEditView(DraftMixin, View):
    def get(self, request, pk):
        inspection = self.get_inspection(request, pk)
        if not inspection.is_draft:
            return redirect(inspection)
        return self.render_draft(request, inspection)

    def post(self, request, pk):
        inspection = self.get_inspection(request, pk)
        if not inspection.is_draft:
            messages.error(request, _("现场检查记录已签署，不能再修改"))
            return redirect(inspection)
        form, problems, hazard_forms, posted = self.save_draft(request, inspection)
        if request.headers.get("HX-Request"):
            # Autosave of the header and team: report, and hand the page its new version.
            response = render(
                request,
                "inspections/_save_status.html",
                {"problems": problems, "version": inspection.version, "saved_at": timezone.localtime()},
                status=409 if problems else 200,
            )
            if not problems and "cross_enforcement" in form.changed_data:
                response["HX-Refresh"] = "true"  # who may be on the team changed
            return response
        if problems:
            return self.render_draft(
                request,
                inspection,
                form,
                problems=problems,
                title=_("未保存："),
                hazard_forms=hazard_forms,
                posted=posted,
            )
        added = request.POST.get("add_hazard", "")
        messages.success(request, _("已登记隐患并保存") if added else _("已保存"))
        url = reverse("inspections:inspection_edit", args=[inspection.pk])
        return redirect(f"{url}#item-{added}" if added and added != "other" else url)


class InspectionItemView(DraftMixin, View):
    """Autosave of one checklist item (htmx): refuses a stale version so no device overwrites another."""

    def post(self, request, pk):
        inspection = self.get_inspection(request, pk)
        item_id = request.POST.get("item", "")
        row = (
            inspection.results.select_related("item").filter(item_id=item_id).first()
            if record_id(item_id)
            else None
        )
        version = request.POST.get("version", "")
        if row is None or not (version.isascii() and version.isdecimal() and len(version) < 10):
            return HttpResponse(_("请求不完整：缺少检查项或版本号"), status=400)
        result = request.POST.get(f"result-{row.item_id}", row.result)
        note = request.POST.get(f"note-{row.item_id}", row.note).strip()[:300]
        status, error = 200, ""
        try:
            services.save_results(inspection, {row.item_id: (result, note)}, expected_version=int(version))
        except services.RuleViolation as exc:
            status, error = 409, "；".join(error_text(exc))
        except ValidationError as exc:
            status, error = 400, "；".join(error_text(exc))
        if not request.headers.get("HX-Request"):
            (messages.error if error else messages.success)(request, error or _("已保存"))
            return redirect(
                reverse("inspections:inspection_edit", args=[inspection.pk]) + f"#item-{row.item_id}"
            )
        rows, _other = self.item_rows(inspection, posted={row.item_id: (result, note)} if error else None)
        context = {
            "row": next(r for r in rows if r.item_id == row.item_id),
            "object": inspection,
            "result_choices": ITEM_RESULT_CHOICES,
            "item_error": error,
            "version": inspection.version,
            "oob_version": not error,
        }
        return render(request, "inspections/_item.html", context, status=status)


class InspectionSignOffView(DraftMixin, View):
    """Save what the page holds, then sign; every problem the rule finds is listed at the top."""

    permission = "inspections.sign_off_inspection"

    def post(self, request, pk):
        inspection = self.get_inspection(request, pk)
        if not inspection.is_draft:
            messages.error(request, _("现场检查记录已签署，不能再修改"))
            return redirect(inspection)
        if "version" in request.POST:
            form, problems, hazard_forms, posted = self.save_draft(request, inspection)
            if problems:
                return self.render_draft(
                    request,
                    inspection,
                    form,
                    problems=problems,
                    title=_("未保存，也未签署："),
                    hazard_forms=hazard_forms,
                    posted=posted,
                )
            inspection.refresh_from_db()
        try:
            signed = services.sign_off(inspection, user=request.user)
        except ValidationError as exc:
            inspection.refresh_from_db()
            return self.render_draft(request, inspection, problems=error_text(exc))
        number = signed.document.number if signed.document_id else ""
        messages.success(request, _("现场检查记录已签署 %(n)s") % {"n": number})
        return redirect(signed)


class InspectionDetailView(PermissionMixin, View):
    permission = "inspections.view_inspection"
    template_name = "inspections/inspection_detail.html"

    def get(self, request, pk):
        user = request.user
        inspection = get_object_or_404(
            Inspection.objects.restrict(user, "view").select_related(
                "enterprise", "board", "checklist", "expert", "recorder", "document", "signed_off_by"
            ),
            pk=pk,
        )
        hazards = list(inspection.hazards.select_related("item").order_by("pk"))
        signed = not inspection.is_draft
        context = {
            "object": inspection,
            "team": inspection.team.select_related("officer", "officer__unit"),
            "assistants": inspection.assistants.all(),
            "results": inspection.results.select_related("item").order_by("item__order"),
            "hazards": hazards,
            "orders": inspection.rectification_orders.select_related("document"),
            "case_sources": inspection.case_sources.all(),
            "evidence": evidence_of(inspection.evidence.all()),
            "document_url": document_url(inspection.document),
            "can_edit": inspection.is_draft and user.has_perm("inspections.change_inspection"),
            "can_order": signed
            and user.has_perm("inspections.add_rectificationorder")
            and any(h.status != HazardStatus.CLOSED for h in hazards),
            "refer_form": ReferForm() if signed and user.has_perm("inspections.add_casesource") else None,
            "upload_form": upload_form(user, inspection.board),
            "upload_url": reverse("inspections:inspection_evidence", args=[inspection.pk]),
        }
        return render(request, self.template_name, context)


# ====================================================================================== hazards


class HazardListView(ObjectListView):
    permission = "inspections.view_hazard"
    queryset = Hazard.objects.select_related("enterprise", "board")
    filterset = HazardFilterSet
    table = HazardTable
    title = gettext_lazy("隐患")


class HazardDetailView(PermissionMixin, View):
    permission = "inspections.view_hazard"
    template_name = "inspections/hazard_detail.html"

    def get(self, request, pk):
        user = request.user
        hazard = get_object_or_404(
            Hazard.objects.restrict(user, "view").select_related("enterprise", "board", "inspection", "item"),
            pk=pk,
        )
        move_form = MoveHazardForm(hazard=hazard) if user.has_perm("inspections.change_hazard") else None
        context = {
            "object": hazard,
            "overdue": hazard.is_overdue(),
            "events": hazard.events.select_related("actor"),
            "evidence": evidence_of(hazard.evidence.all()),
            "orders": RectificationOrder.objects.filter(items__hazard=hazard).select_related("document"),
            "case_sources": hazard.case_sources.all(),
            "move_form": move_form if move_form and move_form.fields["to_status"].choices else None,
            "refer_form": ReferForm(initial={"description": hazard.description})
            if user.has_perm("inspections.add_casesource")
            else None,
            "upload_form": upload_form(user, hazard.board),
            "upload_url": reverse("inspections:hazard_evidence", args=[hazard.pk]),
        }
        return render(request, self.template_name, context)


class HazardMoveView(PermissionMixin, View):
    """A workflow step of a hazard (never 销号: that is the signed re-inspection's)."""

    permission = "inspections.change_hazard"

    def post(self, request, pk):
        hazard = get_object_or_404(Hazard.objects.restrict(request.user, "change"), pk=pk)
        form = MoveHazardForm(request.POST, hazard=hazard)
        if not form.is_valid():
            messages.error(request, _("请选择隐患的新状态"))
            return redirect(hazard)
        try:
            services.move_hazard(
                hazard, form.cleaned_data["to_status"], user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(error_text(exc)))
        else:
            messages.success(request, _("隐患状态已更新"))
        return redirect(hazard)


class ReferView(PermissionMixin, View):
    """转为案件线索: queue the hazard (or the inspection) for case registration."""

    permission = "inspections.add_casesource"
    model: Any = None

    def post(self, request, pk):
        target = get_object_or_404(self.model.objects.restrict(request.user, "view"), pk=pk)
        form = ReferForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写违法事实摘要"))
            return redirect(target)
        kind = "hazard" if isinstance(target, Hazard) else "inspection"
        try:
            services.refer_to_case(
                user=request.user, description=form.cleaned_data["description"], **{kind: target}
            )
        except ValidationError as exc:
            messages.error(request, "；".join(error_text(exc)))
        else:
            messages.success(request, _("已转为案件线索，进入立案审查队列"))
        return redirect(target)


class CaseSourceListView(ObjectListView):
    permission = "inspections.view_casesource"
    queryset = CaseSource.objects.select_related("enterprise", "board", "hazard", "inspection", "created_by")
    filterset = CaseSourceFilterSet
    table = CaseSourceTable
    title = gettext_lazy("案件线索（立案审查队列）")


# ================================================================================ rectification


class RectificationIssueView(PermissionMixin, View):
    """下达整改指令: choose hazards of a signed inspection, each with its deadline."""

    permission = "inspections.add_rectificationorder"
    template_name = "inspections/order_issue.html"

    def get_inspection(self, request, pk):
        return get_object_or_404(
            Inspection.objects.restrict(request.user, "view").select_related("enterprise", "board"), pk=pk
        )

    def hazards(self, inspection):
        ordered = RectificationItem.objects.filter(hazard=OuterRef("pk"))
        return inspection.hazards.open().annotate(already_ordered=Exists(ordered)).order_by("pk")

    def get(self, request, pk):
        inspection = self.get_inspection(request, pk)
        if inspection.is_draft:
            messages.error(request, _("现场检查记录签署后才能下达整改指令"))
            return redirect("inspections:inspection_edit", pk=inspection.pk)
        form = RectificationForm(hazards=self.hazards(inspection))
        return render(request, self.template_name, {"object": inspection, "form": form})

    def post(self, request, pk):
        inspection = self.get_inspection(request, pk)
        form = RectificationForm(request.POST, hazards=self.hazards(inspection))
        if form.is_valid():
            try:
                order = services.issue_rectification_order(
                    inspection, form.cleaned_data["deadlines"], user=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已下达责令限期整改指令书"))
                return redirect(order)
        return render(request, self.template_name, {"object": inspection, "form": form})


class RectificationOrderListView(ObjectListView):
    permission = "inspections.view_rectificationorder"
    queryset = RectificationOrder.objects.select_related("enterprise", "board", "document").annotate(
        item_count=Count("items"),
        open_count=Count("items", filter=~Q(items__hazard__status=HazardStatus.CLOSED)),
        next_deadline=Min("items__hazard__deadline", filter=~Q(items__hazard__status=HazardStatus.CLOSED)),
    )
    filterset = RectificationOrderFilterSet
    table = RectificationOrderTable
    title = gettext_lazy("整改指令")


class RectificationOrderDetailView(PermissionMixin, View):
    permission = "inspections.view_rectificationorder"
    template_name = "inspections/order_detail.html"

    def get(self, request, pk):
        user = request.user
        order = get_object_or_404(
            RectificationOrder.objects.restrict(user, "view").select_related(
                "enterprise", "board", "inspection", "document", "issued_by"
            ),
            pk=pk,
        )
        items = list(order.items.select_related("hazard").order_by("pk"))
        today = timezone.localdate()
        for item in items:
            item.overdue = item.hazard.is_overdue(today)
        has_open = any(i.hazard.status != HazardStatus.CLOSED for i in items)
        reinspections = list(order.reinspections.select_related("document").order_by("pk"))
        draft_review = next((r for r in reinspections if r.status == InspectionStatus.DRAFT), None)
        context = {
            "object": order,
            "items": items,
            "document_url": document_url(order.document),
            "extensions": order.extensions.prefetch_related("hazards").select_related("decided_by"),
            "reinspections": reinspections,
            "draft_review": draft_review,
            "can_extend": has_open and user.has_perm("inspections.add_extensionrequest"),
            "can_review": has_open and draft_review is None and user.has_perm("inspections.add_reinspection"),
            "can_decide": user.has_perm("inspections.decide_extensionrequest"),
            "decision_form": ExtensionDecisionForm(),
        }
        return render(request, self.template_name, context)


class ExtensionRequestView(PermissionMixin, View):
    """整改复查延期申请, recorded for the enterprise by an officer."""

    permission = "inspections.add_extensionrequest"
    template_name = "inspections/extension_form.html"

    def get_order(self, request, pk):
        return get_object_or_404(
            RectificationOrder.objects.restrict(request.user, "view").select_related("enterprise"), pk=pk
        )

    def get(self, request, pk):
        order = self.get_order(request, pk)
        return render(
            request, self.template_name, {"object": order, "form": ExtensionRequestForm(order=order)}
        )

    def post(self, request, pk):
        order = self.get_order(request, pk)
        form = ExtensionRequestForm(request.POST, order=order)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_extension(
                    order,
                    list(data["hazards"]),
                    data["requested_deadline"],
                    reason=data["reason"],
                    applicant=data["applicant"],
                    user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已登记延期申请，待领导审批"))
                return redirect(order)
        return render(request, self.template_name, {"object": order, "form": form})


class ExtensionListView(ObjectListView):
    permission = "inspections.view_extensionrequest"
    queryset = ExtensionRequest.objects.select_related("order__enterprise", "board")
    filterset = ExtensionRequestFilterSet
    table = ExtensionRequestTable
    title = gettext_lazy("整改延期申请")


class ExtensionDetailView(PermissionMixin, View):
    permission = "inspections.view_extensionrequest"
    template_name = "inspections/extension_detail.html"

    def get(self, request, pk):
        extension = get_object_or_404(
            ExtensionRequest.objects.restrict(request.user, "view").select_related(
                "order", "order__enterprise", "decided_by", "document", "created_by"
            ),
            pk=pk,
        )
        can_decide = extension.status == ExtensionStatus.PENDING and request.user.has_perm(
            "inspections.decide_extensionrequest"
        )
        context = {
            "object": extension,
            "hazards": extension.hazards.order_by("pk"),
            "document_url": document_url(extension.document),
            "decision_form": ExtensionDecisionForm() if can_decide else None,
        }
        return render(request, self.template_name, context)


class ExtensionDecideView(PermissionMixin, View):
    permission = "inspections.decide_extensionrequest"

    def post(self, request, pk):
        extension = get_object_or_404(ExtensionRequest.objects.restrict(request.user, "view"), pk=pk)
        form = ExtensionDecisionForm(request.POST)
        back = reverse("inspections:extension_detail", args=[extension.pk])
        if not form.is_valid():
            messages.error(request, _("请选择审批结论并填写审批意见"))
            return redirect(back)
        try:
            services.decide_extension(
                extension,
                approve=form.cleaned_data["approve"],
                opinion=form.cleaned_data["opinion"],
                user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(error_text(exc)))
        else:
            messages.success(request, _("已审批延期申请"))
        return redirect(back)


# ================================================================================ re-inspection


class ReInspectionStartView(PermissionMixin, View):
    permission = "inspections.add_reinspection"
    template_name = "inspections/reinspection_start.html"

    def get_order(self, request, pk):
        return get_object_or_404(
            RectificationOrder.objects.restrict(request.user, "view").select_related("enterprise"), pk=pk
        )

    def get(self, request, pk):
        order = self.get_order(request, pk)
        open_hazards = order.hazards.exclude(status=HazardStatus.CLOSED).order_by("pk")
        return render(request, self.template_name, {"object": order, "open_hazards": open_hazards})

    def post(self, request, pk):
        order = self.get_order(request, pk)
        officer = own_officer(request.user)
        try:
            review = services.start_reinspection(
                order, user=request.user, officers=[officer] if officer else []
            )
        except ValidationError as exc:
            messages.error(request, "；".join(error_text(exc)))
            return redirect(order)
        return redirect("inspections:reinspection_edit", pk=review.pk)


class ReInspectionMixin(PermissionMixin):
    permission = "inspections.change_reinspection"
    template_name = "inspections/reinspection_edit.html"

    def get_review(self, request, pk) -> ReInspection:
        return get_object_or_404(
            ReInspection.objects.restrict(request.user, "change").select_related(
                "order", "order__enterprise", "order__document", "board"
            ),
            pk=pk,
        )

    def outcomes(self, review):
        return review.outcomes.select_related("hazard").order_by("pk")

    def render_form(self, request, review, form=None, problems=(), title=""):
        form = form or ReInspectionForm(instance=review, user=request.user, outcomes=self.outcomes(review))
        context = {
            "object": review,
            "form": form,
            "problems": list(problems),
            "problems_title": title,
            "evidence": evidence_of(review.evidence.all()),
            "upload_form": upload_form(request.user, review.board),
            "upload_url": reverse("inspections:reinspection_evidence", args=[review.pk]),
        }
        return render(request, self.template_name, context)

    def save(self, request, review):
        """Save the draft; returns the bound form and the problems (empty on success)."""
        form = ReInspectionForm(
            request.POST, instance=review, user=request.user, outcomes=self.outcomes(review)
        )
        if not form.is_valid():
            return form, [_("请更正下面标出的错误，记录尚未保存")]
        with transaction.atomic():
            form.save()
            review.officers.set(form.cleaned_data["officers"])
            form.save_outcomes()
        return form, []


class ReInspectionEditView(ReInspectionMixin, View):
    def get(self, request, pk):
        review = self.get_review(request, pk)
        if review.status != InspectionStatus.DRAFT:
            return redirect(review)
        return self.render_form(request, review)

    def post(self, request, pk):
        review = self.get_review(request, pk)
        if review.status != InspectionStatus.DRAFT:
            messages.error(request, _("整改复查意见已签署，不能再修改"))
            return redirect(review)
        form, problems = self.save(request, review)
        if problems:
            return self.render_form(request, review, form, problems, _("未保存："))
        messages.success(request, _("已保存"))
        return redirect("inspections:reinspection_edit", pk=review.pk)


class ReInspectionSignOffView(ReInspectionMixin, View):
    def post(self, request, pk):
        review = self.get_review(request, pk)
        if review.status != InspectionStatus.DRAFT:
            messages.error(request, _("整改复查意见已签署，不能再修改"))
            return redirect(review)
        if "opinion" in request.POST:
            form, problems = self.save(request, review)
            if problems:
                return self.render_form(request, review, form, problems, _("未保存，也未签署："))
            review.refresh_from_db()
        try:
            signed = services.sign_off_reinspection(review, user=request.user)
        except ValidationError as exc:
            review.refresh_from_db()
            return self.render_form(request, review, problems=error_text(exc))
        messages.success(request, _("整改复查意见已签署"))
        return redirect(signed)


class ReInspectionDetailView(PermissionMixin, View):
    permission = "inspections.view_reinspection"
    template_name = "inspections/reinspection_detail.html"

    def get(self, request, pk):
        review = get_object_or_404(
            ReInspection.objects.restrict(request.user, "view").select_related(
                "order", "order__enterprise", "document", "signed_off_by"
            ),
            pk=pk,
        )
        context = {
            "object": review,
            "officers": review.officers.select_related("unit"),
            "outcomes": review.outcomes.select_related("hazard").order_by("pk"),
            "evidence": evidence_of(review.evidence.all()),
            "document_url": document_url(review.document),
            "can_edit": review.status == InspectionStatus.DRAFT
            and request.user.has_perm("inspections.change_reinspection"),
            "upload_form": upload_form(request.user, review.board),
            "upload_url": reverse("inspections:reinspection_evidence", args=[review.pk]),
        }
        return render(request, self.template_name, context)


# ===================================================================================== evidence


class EvidenceUploadView(PermissionMixin, View):
    """Several files at once from the phone's camera or gallery; each accepted or refused on its own."""

    permission = "inspections.add_evidence"
    model: Any = None

    def post(self, request, pk):
        target = get_object_or_404(self.model.objects.restrict(request.user, "view"), pk=pk)
        back = self.back_url(target)
        form = EvidenceUploadForm(request.POST, request.FILES, board=target.board)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, "；".join(errors))
            return redirect(back)
        data = form.cleaned_data
        where = {self.model._meta.model_name: target}
        stored = 0
        for upload in data["files"]:
            try:
                evidence_service.add_evidence(
                    upload,
                    kind=data["kind"],
                    user=request.user,
                    recorder=data["recorder"],
                    description=data["description"],
                    **where,
                )
            except ValidationError as exc:
                messages.error(request, "；".join(error_text(exc)))
            else:
                stored += 1
        if stored:
            messages.success(request, _("已上传 %(n)s 个文件") % {"n": stored})
        return redirect(back)

    def back_url(self, target) -> str:
        if isinstance(target, Inspection) and target.is_draft:
            return reverse("inspections:inspection_edit", args=[target.pk]) + "#evidence"
        if isinstance(target, ReInspection) and target.status == InspectionStatus.DRAFT:
            return reverse("inspections:reinspection_edit", args=[target.pk]) + "#evidence"
        return target.get_absolute_url() + "#evidence"


def _integrity_failure(evidence) -> HttpResponse:
    record(AuditAction.SYSTEM, evidence, message=f"证据文件校验失败：{evidence.sha256}")
    return HttpResponse(
        _("证据文件校验失败：存储的内容与登记的 SHA-256 不符，已记录。请联系系统管理员。"),
        status=500,
        content_type="text/plain; charset=utf-8",
    )


class EvidenceFileView(PermissionMixin, View):
    """The original (as an attachment) or the thumbnail, checked against its SHA-256 before serving."""

    permission = "inspections.view_evidence"
    thumbnail = False

    def get(self, request, pk):
        evidence = get_object_or_404(Evidence.objects.restrict(request.user, "view"), pk=pk)
        sha256 = evidence.thumbnail_sha256 if self.thumbnail else evidence.sha256
        if not sha256:
            raise Http404
        stream = evidence_service.open_verified(sha256)
        if stream is None:
            return _integrity_failure(evidence)
        if self.thumbnail:
            response = FileResponse(stream, content_type="image/jpeg")
            response["Cache-Control"] = "private, max-age=86400"
        else:
            record(AuditAction.EXPORT, evidence, message=f"下载证据“{evidence.original_name}”")
            response = FileResponse(
                stream,
                as_attachment=True,
                filename=evidence.original_name,
                content_type=evidence.content_type or "application/octet-stream",
            )
            response["Cache-Control"] = "private, no-store"
        # Uploaded bytes are never run: no sniffing, no scripts, no plugins, even if opened inline.
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# =================================================================================== checklists


class ChecklistListView(ObjectListView):
    permission = "inspections.view_checklisttemplate"
    queryset = ChecklistTemplate.objects.select_related("expert_group").annotate(item_count=Count("items"))
    filterset = ChecklistFilterSet
    table = ChecklistTable
    title = gettext_lazy("检查表")
    add_url_name = "inspections:checklist_add"
    add_permission = "inspections.add_checklisttemplate"


class ChecklistDetailView(PermissionMixin, View):
    permission = "inspections.view_checklisttemplate"
    template_name = "inspections/checklist_detail.html"

    def get(self, request, pk):
        template = get_object_or_404(
            ChecklistTemplate.objects.restrict(request.user, "view").select_related("expert_group"), pk=pk
        )
        can_change = request.user.has_perm("inspections.change_checklisttemplate")
        context = {
            "object": template,
            "items": template.items.order_by("order"),
            "versions": ChecklistTemplate.objects.filter(code=template.code).order_by("-version"),
            "is_draft": template.status == ChecklistStatus.DRAFT,
            "can_change": can_change,
        }
        return render(request, self.template_name, context)


class ChecklistAddView(ObjectEditView):
    """A new checklist family (its first draft version)."""

    queryset = ChecklistTemplate.objects.all()
    form = ChecklistTemplateForm

    def save(self, request, form):
        if ChecklistTemplate.objects.filter(code=form.cleaned_data["code"]).exists():
            raise ValidationError({"code": _("该代码的检查表已存在，请在其详情页新建版本")})
        return super().save(request, form)


class ChecklistEditView(PermissionMixin, View):
    """A draft version's header and items; a published version is read-only."""

    permission = "inspections.change_checklisttemplate"
    template_name = "inspections/checklist_edit.html"

    def get_template(self, request, pk):
        template = get_object_or_404(ChecklistTemplate.objects.restrict(request.user, "change"), pk=pk)
        if template.status != ChecklistStatus.DRAFT:
            messages.error(request, _("已发布的检查表只读；如需修改，请新建版本"))
            return None, redirect(template)
        return template, None

    def get(self, request, pk):
        template, refused = self.get_template(request, pk)
        if refused:
            return refused
        form = ChecklistTemplateForm(instance=template, user=request.user)
        formset = ChecklistItemFormSet(instance=template, queryset=template.items.order_by("order"))
        return render(request, self.template_name, {"object": template, "form": form, "formset": formset})

    def post(self, request, pk):
        template, refused = self.get_template(request, pk)
        if refused:
            return refused
        form = ChecklistTemplateForm(request.POST, instance=template, user=request.user)
        formset = ChecklistItemFormSet(
            request.POST, instance=template, queryset=template.items.order_by("order")
        )
        if form.is_valid() and formset.is_valid():
            with transaction.atomic():
                form.save()
                formset.save()
            messages.success(request, _("已保存"))
            return redirect(template)
        return render(request, self.template_name, {"object": template, "form": form, "formset": formset})


class ChecklistActionView(PermissionMixin, View):
    """新建版本 / 发布: one POST each, through the services."""

    permission = "inspections.change_checklisttemplate"
    action = ""

    def post(self, request, pk):
        template = get_object_or_404(ChecklistTemplate.objects.restrict(request.user, "change"), pk=pk)
        try:
            if self.action == "new_version":
                created = services.new_checklist_version(template, user=request.user)
                messages.success(request, _("已新建第 %(v)s 版草稿") % {"v": created.version})
                return redirect("inspections:checklist_edit", pk=created.pk)
            services.publish_checklist(template, user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(error_text(exc)))
        else:
            messages.success(request, _("已发布；同一检查表的旧版本停用"))
        return redirect(template)

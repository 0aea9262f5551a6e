"""Case-file review pages: rounds (settings, drawing the files with a committed seed, verification, results,
Excel), the reviewer's queue and scoring sheet (with the automatic pre-check beside it), corrections by the
organiser, and the versioned scoring standard.

Every view declares its permission and reads rows through ``restrict(user, action)`` (403 without the
permission, 404 outside the jurisdiction). A reviewer of another board reaches a case only through the
assignment: its page shows the case and serves the case file; the case's own pages stay out of reach.
Every change is a call into ``zhifa.reviews.services``; refusals are shown in Chinese.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhifa.cases.models import Case, CaseOfficer
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids
from zhifa.core.views import ObjectDetailView, ObjectEditView, ObjectListView, PermissionMixin
from zhifa.core.xlsx import bytes_response
from zhifa.reviews import services
from zhifa.reviews.choices import AssignmentStatus, RoundStatus, RubricStatus
from zhifa.reviews.export import round_workbook
from zhifa.reviews.filtersets import ReviewAssignmentFilterSet, ReviewRoundFilterSet
from zhifa.reviews.forms import CorrectionForm, RoundForm, RubricForm, RubricItemFormSet, ScoreForm
from zhifa.reviews.models import ReviewAssignment, ReviewRound, Rubric, Score, ScoreSheet
from zhifa.reviews.tables import ReviewAssignmentTable, ReviewRoundTable, RubricTable


def error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    return str(exc) or _("您的角色无权执行此操作")


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def visible_boards(user) -> set[int] | None:
    """Boards whose results the user reads: all (None) for the district, else the own boards."""
    return None if is_district_wide(user) else set(board_ids(user))


# ========================================================================================= rounds


class RoundListView(ObjectListView):
    permission = "reviews.view_reviewround"
    queryset = ReviewRound.objects.select_related("rubric", "organiser")
    filterset = ReviewRoundFilterSet
    table = ReviewRoundTable
    title = gettext_lazy("案卷评审与评比")
    add_url_name = "reviews:round_add"
    add_permission = "reviews.add_reviewround"


class RoundEditView(ObjectEditView):
    queryset = ReviewRound.objects.select_related("rubric")
    form = RoundForm

    def get_form(self, request, obj, data=None):
        if obj.pk is None and data is None:
            rubric = Rubric.objects.published().order_by("-published_at", "-pk").first()
            today = timezone.localdate()
            initial = {"rubric": rubric, "period_start": today.replace(month=1, day=1), "period_end": today}
            return self.form(instance=obj, user=request.user, initial=initial)
        return self.form(data, instance=obj, user=request.user)

    def save(self, request, form):
        return services.save_round(form.instance, user=request.user, pool=form.cleaned_data["reviewer_pool"])

    def get(self, request, pk=None):
        obj = self.get_object(request, pk)
        if obj.pk and obj.status != RoundStatus.DRAFT:
            messages.info(request, _("本轮已抽取案卷，设置不能再修改"))
            return redirect(obj)
        return self.render_form(request, self.get_form(request, obj), obj)

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        if obj.pk and obj.status != RoundStatus.DRAFT:
            messages.error(request, _("本轮已抽取案卷，设置不能再修改"))
            return redirect(obj)
        return super().post(request, pk)


def round_or_404(request, pk, action: str = "view") -> ReviewRound:
    return get_object_or_404(
        ReviewRound.objects.restrict(request.user, action).select_related("rubric", "organiser"), pk=pk
    )


class RoundDetailView(PermissionMixin, View):
    permission = "reviews.view_reviewround"
    template_name = "reviews/round_detail.html"

    def context(self, request, round_: ReviewRound, verification=None) -> dict:
        user = request.user
        boards = visible_boards(user)
        files = list(round_.assignments.select_related("case", "board", "reviewer").order_by("position"))
        assignments = [a for a in files if boards is None or a.board_id in boards]
        # Scores of a round still being scored are the organisers'; a board sees its results at the end.
        show_scores = is_district_wide(user) or round_.status == RoundStatus.FINISHED
        visible = set(
            ReviewAssignment.objects.restrict(user, "view").filter(round=round_).values_list("pk", flat=True)
        )
        organiser = user.has_perm(services.ORGANISE)
        return {
            "object": round_,
            "assignments": assignments,
            "visible": visible,
            "show_scores": show_scores,
            "results": services.results(round_, boards, assignments=files) if show_scores else [],
            "awards": services.awards(round_, boards, assignments=files) if show_scores else [],
            "can_edit": organiser and round_.status == RoundStatus.DRAFT,
            "can_sample": organiser and round_.status == RoundStatus.DRAFT,
            "can_start": organiser and round_.status == RoundStatus.SAMPLED,
            "can_finish": organiser and round_.status == RoundStatus.SCORING,
            "pending": sum(1 for a in files if a.status != AssignmentStatus.SUBMITTED),
            "pool": list(round_.reviewer_pool.select_related("region").order_by("username")),
            "verification": verification,
        }

    def get(self, request, pk):
        round_ = round_or_404(request, pk)
        return render(request, self.template_name, self.context(request, round_))


class RoundVerifyView(RoundDetailView):
    """Recompute the files and reviewers from the revealed seed and show every check (read-only)."""

    def get(self, request, pk):
        return redirect("reviews:round_detail", pk=pk)

    def post(self, request, pk):
        round_ = round_or_404(request, pk)
        verification = services.verify_round(round_)
        return render(request, self.template_name, self.context(request, round_, verification))


class RoundStepView(PermissionMixin, View):
    """Draw the files (commit, draw, reveal), open scoring (after the pre-check), or finish the round."""

    permission = services.ORGANISE
    step = ""
    done = {
        "sample": gettext_lazy("已抽取案卷并公布种子"),
        "start": gettext_lazy("已完成自动预检，开始评分"),
        "finish": gettext_lazy("本轮已结束"),
    }

    def post(self, request, pk):
        round_ = round_or_404(request, pk, "change")
        action = {"sample": services.sample, "start": services.start_scoring, "finish": services.finish}[
            self.step
        ]
        try:
            action(round_, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, str(self.done[self.step]))
        return redirect("reviews:round_detail", pk=round_.pk)


class RoundCandidatesView(PermissionMixin, View):
    """The frozen candidates (canonical JSON) as stored: its SHA-256 is the one shown and recorded."""

    permission = "reviews.view_reviewround"

    def get(self, request, pk):
        round_ = round_or_404(request, pk)
        if not round_.candidates_json:
            raise Http404(_("候选案卷尚未冻结"))
        response = HttpResponse(
            round_.candidates_json.encode("utf-8"), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="review-{round_.pk}-candidates.json"'
        return response


class RoundExportView(PermissionMixin, View):
    """The round's files, scores, board ranking and awards as Excel (what the user may read of them)."""

    permission = "reviews.view_reviewround"

    def get(self, request, pk):
        round_ = round_or_404(request, pk)
        boards = visible_boards(request.user)
        show_scores = is_district_wide(request.user) or round_.status == RoundStatus.FINISHED
        data = round_workbook(round_, boards=boards, show_scores=show_scores)
        filename = f"案卷评审-{round_.pk}-{round_.name}.xlsx"
        record(
            AuditAction.EXPORT,
            round_,
            after={"filename": filename, "size": len(data)},
            message=f"导出案卷评审结果：{round_.name}",
        )
        return bytes_response(filename, data)


# ==================================================================================== assignments


class AssignmentQueueView(ObjectListView):
    """The reviewer's queue: the files assigned to the user, those still to score first."""

    permission = "reviews.view_reviewassignment"
    queryset = ReviewAssignment.objects.select_related("case", "board", "round")
    filterset = ReviewAssignmentFilterSet
    table = ReviewAssignmentTable
    title = gettext_lazy("我的评查案卷")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reviewer=request.user)


def assignment_or_404(request, pk) -> ReviewAssignment:
    return get_object_or_404(
        ReviewAssignment.objects.restrict(request.user, "view").select_related(
            "round",
            "round__rubric",
            "round__organiser",
            "case",
            "case__board",
            "case__agency",
            "case__violation_type",
            "board",
            "reviewer",
        ),
        pk=pk,
    )


def sheets_of(assignment: ReviewAssignment) -> list[ScoreSheet]:
    scores = Score.objects.select_related("item").order_by("item__order", "item_id")
    return list(
        assignment.sheets.select_related("author")
        .prefetch_related(Prefetch("scores", queryset=scores))
        .order_by("-version")
    )


def initial_from(sheet: ScoreSheet | None) -> dict:
    if sheet is None:
        return {}
    initial: dict = {"comment": sheet.comment}
    for score in sheet.scores.all():
        initial[score.item.code] = score.vetoed if score.item.is_veto else score.points
        initial[f"{score.item.code}_note"] = score.note
    return initial


class AssignmentDetailView(PermissionMixin, View):
    """One drawn file: the case, the pre-check findings, the scoring sheet (or the scores given)."""

    permission = "reviews.view_reviewassignment"
    template_name = "reviews/assignment_detail.html"

    def items(self, assignment):
        return list(assignment.round.rubric.items.order_by("order", "pk"))

    def can_score(self, request, assignment) -> bool:
        return (
            request.user.has_perm(services.SCORE)
            and assignment.reviewer_id == request.user.pk
            and assignment.status == AssignmentStatus.PENDING
            and assignment.round.status == RoundStatus.SCORING
        )

    def render_page(self, request, assignment, form=None, status=200):
        user = request.user
        round_ = assignment.round
        can_score = self.can_score(request, assignment)
        if form is None and can_score:
            form = ScoreForm(items=self.items(assignment))
        organiser_view = is_district_wide(user) or round_.status == RoundStatus.FINISHED
        sheets = sheets_of(assignment) if (assignment.reviewer_id == user.pk or organiser_view) else []
        case = assignment.case
        context = {
            "object": assignment,
            "round": round_,
            "case": case,
            "officers": CaseOfficer.objects.filter(case=case)
            .select_related("officer")
            .order_by("order", "pk"),
            "case_url_visible": Case.objects.restrict(user, "view").filter(pk=case.pk).exists(),
            "form": form if can_score else None,
            "items": self.items(assignment),
            "sheets": sheets,
            "can_correct": assignment.status == AssignmentStatus.SUBMITTED
            and round_.status in (RoundStatus.SCORING, RoundStatus.FINISHED)
            and services.may_correct(user, round_),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(request, assignment_or_404(request, pk))


class AssignmentScoreView(AssignmentDetailView):
    """Submit the score (once: the sheet is locked on submission)."""

    permission = services.SCORE

    def get(self, request, pk):
        return redirect("reviews:assignment_detail", pk=pk)

    def post(self, request, pk):
        assignment = assignment_or_404(request, pk)
        if not self.can_score(request, assignment):
            if assignment.reviewer_id != request.user.pk:
                raise PermissionDenied(_("只有被指派的评查人可以为该案卷评分"))
            messages.error(request, _("该案卷当前不能评分（已提交，或本轮不在评分中）"))
            return redirect(assignment)
        form = ScoreForm(request.POST, items=self.items(assignment))
        if form.is_valid():
            try:
                services.submit_score(
                    assignment,
                    user=request.user,
                    entries=form.entries(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("评分已提交"))
                return redirect(assignment)
        return self.render_page(request, assignment, form)


class AssignmentCorrectView(AssignmentDetailView):
    """The organiser's correction: a new version of the sheet, with the reason; the old one is kept."""

    permission = services.CORRECT
    template_name = "reviews/assignment_correct.html"

    def get_assignment(self, request, pk):
        assignment = assignment_or_404(request, pk)
        if not services.may_correct(request.user, assignment.round):
            raise PermissionDenied(_("只有本轮组织者可以更正评分"))
        return assignment

    def show(self, request, assignment, form):
        context = {"object": assignment, "round": assignment.round, "case": assignment.case, "form": form}
        return render(request, self.template_name, context)

    def get(self, request, pk):
        assignment = self.get_assignment(request, pk)
        if assignment.status != AssignmentStatus.SUBMITTED:
            messages.info(request, _("该案卷尚未提交评分，不能更正"))
            return redirect(assignment)
        current = assignment.sheets.order_by("-version").prefetch_related("scores__item").first()
        form = CorrectionForm(items=self.items(assignment), initial=initial_from(current))
        return self.show(request, assignment, form)

    def post(self, request, pk):
        assignment = self.get_assignment(request, pk)
        form = CorrectionForm(request.POST, items=self.items(assignment))
        if form.is_valid():
            try:
                sheet = services.correct_score(
                    assignment,
                    user=request.user,
                    entries=form.entries(),
                    reason=form.cleaned_data["reason"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已更正为第 %(v)s 版") % {"v": sheet.version})
                return redirect(assignment)
        return self.show(request, assignment, form)


class AssignmentCaseFileView(PermissionMixin, View):
    """电子卷宗 of an assigned file: the assignment is the grant, so a reviewer of another board reads it
    here without reaching the case's own pages. Every download is written to the audit chain."""

    permission = "reviews.view_reviewassignment"

    def get(self, request, pk):
        from zhifa.cases.views import CaseFileUnavailable, case_file_pdf

        assignment = assignment_or_404(request, pk)
        case = assignment.case
        try:
            pdf, sha = case_file_pdf(case)
        except CaseFileUnavailable as exc:
            messages.error(request, str(exc))
            return redirect(assignment)
        name = case.registration_number or f"案件{case.pk}"
        filename = f"电子卷宗-{name}.pdf"
        record(
            AuditAction.EXPORT,
            case,
            after={"sha256": sha, "size": len(pdf), "filename": filename, "review_assignment": assignment.pk},
            message=f"案卷评查下载电子卷宗：{name}",
        )
        response = FileResponse(
            io.BytesIO(pdf), as_attachment=True, filename=filename, content_type="application/pdf"
        )
        response["X-Content-SHA256"] = sha
        response["Cache-Control"] = "private, no-store"
        return response


# ======================================================================================== rubrics


class RubricListView(ObjectListView):
    permission = "reviews.view_rubric"
    queryset = Rubric.objects.all()
    table = RubricTable
    title = gettext_lazy("案卷评查标准")


class RubricDetailView(ObjectDetailView):
    permission = "reviews.view_rubric"
    queryset = Rubric.objects.select_related("created_by")
    template_name = "reviews/rubric_detail.html"

    def get_extra_context(self, request, obj):
        user = request.user
        return {
            "items": list(obj.items.order_by("order", "pk")),
            "can_copy": obj.is_published and user.has_perm("reviews.add_rubric"),
            "can_edit": obj.status == RubricStatus.DRAFT and user.has_perm("reviews.change_rubric"),
        }


class RubricNewVersionView(PermissionMixin, View):
    permission = "reviews.add_rubric"

    def post(self, request, pk):
        rubric = get_object_or_404(Rubric.objects.restrict(request.user, "view"), pk=pk)
        try:
            draft = services.new_rubric_version(rubric, user=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect(rubric)
        messages.success(request, _("已复制为草稿第 %(v)s 版") % {"v": draft.version})
        return redirect("reviews:rubric_edit", pk=draft.pk)


class RubricEditView(PermissionMixin, View):
    """A draft's figures and items, in one form; published versions are read-only."""

    permission = "reviews.change_rubric"
    template_name = "reviews/rubric_form.html"

    def get_object(self, request, pk):
        return get_object_or_404(Rubric.objects.restrict(request.user, "change"), pk=pk)

    def show(self, request, rubric, form, formset):
        return render(request, self.template_name, {"object": rubric, "form": form, "formset": formset})

    def get(self, request, pk):
        rubric = self.get_object(request, pk)
        if rubric.status != RubricStatus.DRAFT:
            messages.info(request, _("已发布的评查标准不能修改，请另立新版本"))
            return redirect(rubric)
        return self.show(request, rubric, RubricForm(instance=rubric), RubricItemFormSet(instance=rubric))

    def post(self, request, pk):
        rubric = self.get_object(request, pk)
        if rubric.status != RubricStatus.DRAFT:
            messages.error(request, _("已发布的评查标准不能修改，请另立新版本"))
            return redirect(rubric)
        form = RubricForm(request.POST, instance=rubric)
        formset = RubricItemFormSet(request.POST, instance=rubric)
        if form.is_valid() and formset.is_valid():
            try:
                services.save_rubric_draft(
                    form.instance,
                    user=request.user,
                    items=formset.save(commit=False),
                    removed=formset.deleted_objects,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存草稿"))
                return redirect(rubric)
        return self.show(request, rubric, form, formset)


class RubricPublishView(PermissionMixin, View):
    permission = "reviews.change_rubric"

    def post(self, request, pk):
        rubric = get_object_or_404(Rubric.objects.restrict(request.user, "change"), pk=pk)
        try:
            services.publish_rubric(rubric, user=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已发布：%(r)s") % {"r": rubric})
        return redirect(rubric)

"""Training pages: sessions (list, detail, create/edit), the attendance register of a session, officers'
yearly hours against the requirement, and certificate-renewal readiness. Rows are read through
``restrict`` (404 outside the jurisdiction); changes go through ``zhifa.training.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from zhifa.core.formfields import record_id
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids
from zhifa.core.views import ObjectDetailView, ObjectEditView, ObjectListView, PermissionMixin
from zhifa.orgs.models import Certificate, Officer, Region
from zhifa.training import services
from zhifa.training.filtersets import TrainingSessionFilterSet
from zhifa.training.forms import AttendanceFormSet, HoursFilterForm, TrainingSessionForm
from zhifa.training.hours import RENEWAL_DAYS, renewal_candidates, standard, trainees, with_hours
from zhifa.training.models import Attendance, TrainingSession
from zhifa.training.tables import OfficerHoursTable, ReadinessTable, TrainingSessionTable


class SessionListView(ObjectListView):
    permission = "training.view_trainingsession"
    queryset = TrainingSession.objects.select_related("board", "lecturer")
    filterset = TrainingSessionFilterSet
    table = TrainingSessionTable
    title = gettext_lazy("执法培训")
    add_url_name = "training:session_add"
    add_permission = "training.add_trainingsession"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(attendees=Count("attendances", filter=Q(attendances__attended=True)))
        )


def can_record(user, session) -> bool:
    return user.has_perm("training.add_attendance") and (
        TrainingSession.objects.restrict(user, "change").filter(pk=session.pk).exists()
    )


class SessionDetailView(ObjectDetailView):
    permission = "training.view_trainingsession"
    queryset = TrainingSession.objects.select_related("board", "lecturer", "lecturer__unit")
    template_name = "training/session_detail.html"
    change_permission = "training.change_trainingsession"

    def get_extra_context(self, request, obj):
        attendances = (
            Attendance.objects.restrict(request.user, "view")
            .filter(session=obj)
            .select_related("officer", "officer__unit")
            .order_by("officer__unit__sort_order", "officer__name")
        )
        return {
            "attendances": attendances,
            "can_record": can_record(request.user, obj),
            "standard": standard(obj.date.year),
        }


class SessionEditView(ObjectEditView):
    queryset = TrainingSession.objects.select_related("board", "lecturer")
    form = TrainingSessionForm

    def get_form(self, request, obj, data=None):
        return self.form(data, instance=obj, user=request.user)

    def save(self, request, form):
        return services.save_session(form.instance, user=request.user)


def candidates(session: TrainingSession, user):
    """Who the register lists: the board's staffed officers (for a district session, those the user
    sees), plus anyone already recorded."""
    base = Officer.objects.filter(unit=session.board) if session.board_id else Officer.objects.restrict(user)
    recorded = Attendance.objects.filter(session=session).values("officer")
    return (
        Officer.objects.filter(Q(pk__in=trainees(base).values("pk")) | Q(pk__in=recorded))
        .select_related("unit")
        .order_by("unit__sort_order", "post", "name")
    )


class AttendanceView(PermissionMixin, View):
    """The attendance register of a session: attended, hours counted, exam score, per officer."""

    permission = "training.add_attendance"
    template_name = "training/attendance.html"

    def get_session(self, request, pk):
        return get_object_or_404(
            TrainingSession.objects.restrict(request.user, "change").select_related("board"), pk=pk
        )

    def render_page(self, request, session, officers, formset, errors=()):
        by_id = {o.pk: o for o in officers}
        rows = []
        for form in formset.forms:
            raw = str(form["officer"].value() or "")
            officer = by_id.get(record_id(raw))
            if officer is None:
                raise Http404  # a register row for someone who is not on this session's list
            rows.append((officer, form))
        context = {"session": session, "formset": formset, "rows": rows, "errors": errors}
        return render(request, self.template_name, context)

    def get(self, request, pk):
        session = self.get_session(request, pk)
        officers = list(candidates(session, request.user))
        existing = {a.officer_id: a for a in Attendance.objects.filter(session=session)}
        initial = []
        for officer in officers:
            record = existing.get(officer.pk)
            initial.append(
                {
                    "officer": officer.pk,
                    "attended": record.attended if record else False,
                    "hours": record.hours if record else None,
                    "exam_score": record.exam_score if record else None,
                }
            )
        return self.render_page(request, session, officers, AttendanceFormSet(initial=initial))

    def post(self, request, pk):
        session = self.get_session(request, pk)
        officers = list(candidates(session, request.user))
        by_id = {o.pk: o for o in officers}
        formset = AttendanceFormSet(request.POST)
        if not formset.is_valid():
            return self.render_page(request, session, officers, formset)
        recorded = set(Attendance.objects.filter(session=session).values_list("officer_id", flat=True))
        rows = []
        for data in formset.cleaned_data:
            officer = by_id.get(data["officer"])
            if officer is None:
                raise Http404
            if not data["attended"] and officer.pk not in recorded and data["exam_score"] is None:
                continue  # nobody to record
            rows.append(services.AttendanceRow(officer, data["attended"], data["hours"], data["exam_score"]))
        try:
            saved = services.record_attendance(session, rows, user=request.user)
        except ValidationError as exc:
            errors = [m for messages_ in exc.message_dict.values() for m in messages_]
            return self.render_page(request, session, officers, formset, errors)
        messages.success(request, _("已登记 %(n)s 人的出勤") % {"n": len(saved)})
        return redirect(session.get_absolute_url())


def visible_units(user):
    """Units whose officers' hours the user may see: every unit for district roles, else their boards."""
    units = Region.objects.all()
    return units if is_district_wide(user) else units.filter(pk__in=board_ids(user))


class HoursView(PermissionMixin, View):
    """Each officer's training hours in a year against the requirement, by unit."""

    permission = "training.view_attendance"
    template_name = "training/hours.html"

    def get(self, request):
        today = timezone.localdate()
        form = HoursFilterForm(request.GET or None, units=visible_units(request.user))
        year, unit = today.year, None
        if form.is_bound and form.is_valid():
            year = form.cleaned_data["year"] or today.year
            unit = form.cleaned_data["unit"]
        officers = trainees(Officer.objects.restrict(request.user, "view")).select_related("unit")
        if unit is not None:
            officers = officers.filter(unit=unit)
        rule = standard(year)
        table = OfficerHoursTable(with_hours(officers, year), standard=rule)
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        context = {
            "title": _("%(y)s 年度培训学时") % {"y": year},
            "form": form,
            "table": table,
            "standard": rule,
        }
        return render(request, self.template_name, context)


class ReadinessView(PermissionMixin, View):
    """Certificates expiring within 90 days: has the holder met this year's hours and passed an exam?"""

    permission = "training.view_attendance"
    template_name = "training/readiness.html"

    def get(self, request):
        today = timezone.localdate()
        certificates = renewal_candidates(Certificate.objects.restrict(request.user, "view"), today)
        rule = standard(today.year)
        table = ReadinessTable(certificates, standard=rule)
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        context = {
            "title": _("执法证换证准备"),
            "table": table,
            "standard": rule,
            "days": RENEWAL_DAYS,
            "today": today,
        }
        return render(request, self.template_name, context)

"""Accident pages: the list, the record with its casualty updates and deadlines, create/edit, casualty
updates and the double-decline (双下降) table. Rows are read through ``restrict`` (404 outside the
jurisdiction); changes go through ``zhifa.accidents.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhifa.accidents import services
from zhifa.accidents.filtersets import AccidentFilterSet
from zhifa.accidents.forms import AccidentForm, CasualtyUpdateForm
from zhifa.accidents.models import Accident
from zhifa.accidents.statistics import YearError, double_decline, visible_boards
from zhifa.accidents.tables import AccidentTable, wan_yuan
from zhifa.core.formfields import record_id
from zhifa.core.permissions import is_district_wide
from zhifa.core.views import ObjectDetailView, ObjectEditView, ObjectListView, PermissionMixin

ACCIDENT_RELATED = ("board",)


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class AccidentListView(ObjectListView):
    permission = "accidents.view_accident"
    queryset = Accident.objects.select_related(*ACCIDENT_RELATED)
    filterset = AccidentFilterSet
    table = AccidentTable
    title = gettext_lazy("生产安全事故")
    add_url_name = "accidents:accident_add"
    add_permission = "accidents.add_accident"


class AccidentDetailView(ObjectDetailView):
    permission = "accidents.view_accident"
    queryset = Accident.objects.select_related("board", "enterprise", "industry")
    template_name = "accidents/accident_detail.html"
    change_permission = "accidents.change_accident"

    def get_extra_context(self, request, obj):
        updates = list(obj.casualty_updates.all())
        return {
            "updates": updates,
            "deadlines": services.deadlines(obj, updates),
            "loss_wan": wan_yuan(obj.direct_loss),
            "can_update": request.user.has_perm("accidents.add_casualtyupdate")
            and Accident.objects.restrict(request.user, "change").filter(pk=obj.pk).exists(),
        }


class AccidentEditView(ObjectEditView):
    queryset = Accident.objects.select_related("board", "enterprise")
    form = AccidentForm

    def get_form(self, request, obj, data=None):
        return self.form(data, instance=obj, user=request.user)

    def save(self, request, form):
        return services.save_accident(form.instance, user=request.user)


class CasualtyUpdateView(PermissionMixin, View):
    """补报伤亡人数: the latest update sets the accident's figures (and so its level)."""

    permission = "accidents.add_casualtyupdate"
    template_name = "accidents/casualty_update.html"

    def get_accident(self, request, pk):
        return get_object_or_404(
            Accident.objects.restrict(request.user, "change").select_related("board"), pk=pk
        )

    def render_form(self, request, accident, form):
        return render(request, self.template_name, {"accident": accident, "form": form})

    def get(self, request, pk):
        accident = self.get_accident(request, pk)
        return self.render_form(request, accident, CasualtyUpdateForm(accident=accident))

    def post(self, request, pk):
        accident = self.get_accident(request, pk)
        form = CasualtyUpdateForm(request.POST, accident=accident)
        if form.is_valid():
            try:
                update = services.add_casualty_update(
                    accident,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                    user=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if update.late:
                    messages.warning(request, _("已补报；本次补报已超过补报期限，标记为逾期"))
                else:
                    messages.success(request, _("已补报伤亡人数"))
                return redirect(accident.get_absolute_url())
        return self.render_form(request, accident, form)


class DoubleDeclineView(PermissionMixin, View):
    """双下降: per board, accidents and deaths this year to date against the same period last year."""

    permission = "accidents.view_accident"
    template_name = "accidents/double_decline.html"

    def get(self, request):
        today = timezone.localdate()
        year, error = today.year, ""
        raw = request.GET.get("year", "").strip()
        if raw:
            try:
                year = int(raw)
                if year < 1950:
                    raise ValueError
            except ValueError:
                year, error = today.year, _("年度应为四位数字年份，如 %(y)s") % {"y": today.year}
        boards = visible_boards(request.user)
        board = None
        if record_id(request.GET.get("board")):
            board = get_object_or_404(boards, pk=record_id(request.GET["board"]))
        try:
            figures = double_decline(year, board, boards=boards, today=today)
        except YearError as exc:
            error = str(exc)
            year = today.year
            figures = double_decline(year, board, boards=boards, today=today)
        context = {
            "title": _("事故起数和死亡人数“双下降”"),
            "figures": figures,
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "boards": boards,
            "board": board,
            "error": error,
            "district_wide": is_district_wide(request.user),
        }
        return render(request, self.template_name, context)

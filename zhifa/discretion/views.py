"""Benchmark pages: versions (list, detail with every entry and its tiers), an entry with its tiers and
factors and the 试算 form, and the system administrator's draft editing (new version, header, entries
with tiers, factors, publish, withdraw).

Every view declares its permission; a draft is visible to the system administrator only (the managers'
``restrict``). A published version is read-only: edit pages send back to it with the rule. Changes go
through ``zhifa.discretion.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhifa.core.views import ObjectListView, PermissionMixin
from zhifa.discretion import engine, services
from zhifa.discretion.choices import TIER_RANK, CatalogueStatus
from zhifa.discretion.filtersets import CatalogueFilterSet
from zhifa.discretion.forms import CatalogueForm, FactorForm, ProposeForm, TierFormSet, ViolationTypeForm
from zhifa.discretion.models import Catalogue, Factor, Tier, ViolationType
from zhifa.discretion.tables import CatalogueTable

READ_ONLY = gettext_lazy("已发布的裁量基准只读；如需修改，请新建版本")


def error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(exc))


# ==================================================================================== versions


class CatalogueListView(ObjectListView):
    permission = "discretion.view_catalogue"
    queryset = Catalogue.objects.annotate(type_count=Count("violation_types"))
    filterset = CatalogueFilterSet
    table = CatalogueTable
    title = gettext_lazy("行政处罚裁量基准")
    add_url_name = "discretion:catalogue_add"
    add_permission = "discretion.add_catalogue"


class CatalogueDetailView(PermissionMixin, View):
    permission = "discretion.view_catalogue"
    template_name = "discretion/catalogue_detail.html"

    def get(self, request, pk):
        user = request.user
        catalogue = get_object_or_404(
            Catalogue.objects.restrict(user, "view").select_related("previous"), pk=pk
        )
        types = catalogue.violation_types.order_by("order", "code").prefetch_related(
            Prefetch("tiers", queryset=Tier.objects.order_by("order", "pk"))
        )
        in_force = Catalogue.objects.in_force(timezone.localdate())
        can_change = user.has_perm("discretion.change_catalogue")
        context = {
            "object": catalogue,
            "types": types,
            "factors": catalogue.factors.select_related("violation_type").order_by("kind", "order", "pk"),
            "versions": Catalogue.objects.restrict(user, "view").order_by("-effective_from", "-pk"),
            "in_force": in_force is not None and in_force.pk == catalogue.pk,
            "is_draft": catalogue.is_draft,
            "can_change": can_change,
            "can_copy": user.has_perm("discretion.add_catalogue") and not catalogue.is_draft,
            "can_retire": can_change and catalogue.status == CatalogueStatus.PUBLISHED,
        }
        return render(request, self.template_name, context)


class CatalogueFormView(PermissionMixin, View):
    """A blank draft (pk None) or a draft's header (name, effective date, note)."""

    template_name = "discretion/edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.permission = "discretion.change_catalogue" if kwargs.get("pk") else "discretion.add_catalogue"
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, request, pk):
        if pk is None:
            return Catalogue(status=CatalogueStatus.DRAFT)
        return get_object_or_404(Catalogue.objects.restrict(request.user, "change"), pk=pk)

    def render_form(self, request, form, obj):
        title = _("编辑：%(c)s") % {"c": obj} if obj.pk else _("新建裁量基准（草稿）")
        return render(request, self.template_name, {"title": title, "form": form, "object": obj})

    def get(self, request, pk=None):
        obj = self.get_object(request, pk)
        if obj.pk and not obj.is_draft:
            messages.error(request, READ_ONLY)
            return redirect(obj)
        return self.render_form(request, CatalogueForm(instance=obj, user=request.user), obj)

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        if obj.pk and not obj.is_draft:
            messages.error(request, READ_ONLY)
            return redirect(obj)
        form = CatalogueForm(request.POST, instance=obj, user=request.user)
        if form.is_valid():
            try:
                saved = (
                    services.save_in_draft(form.instance)
                    if obj.pk
                    else services.create_draft(form.instance, user=request.user)
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect(saved)
        return self.render_form(request, form, obj)


class CatalogueActionView(PermissionMixin, View):
    """新建版本 / 发布 / 撤销: one POST each, through the services."""

    action = ""

    def dispatch(self, request, *args, **kwargs):
        self.permission = (
            "discretion.add_catalogue" if self.action == "new_version" else "discretion.change_catalogue"
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        catalogue = get_object_or_404(Catalogue.objects.restrict(request.user, "view"), pk=pk)
        try:
            if self.action == "new_version":
                draft = services.new_version(catalogue, user=request.user)
                messages.success(
                    request,
                    _("已复制为新版本草稿，生效日期暂定 %(d)s，请修改后发布")
                    % {"d": f"{draft.effective_from:%Y-%m-%d}"},
                )
                return redirect(draft)
            if self.action == "publish":
                services.publish(catalogue, user=request.user)
                messages.success(request, _("已发布；此前的版本在本版本生效前一日失效"))
            else:
                services.retire(catalogue, user=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("已撤销该版本；此前的版本恢复有效"))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect(catalogue)


# ==================================================================================== entries


def applicable_factors(violation_type: ViolationType):
    return engine.applicable_factors(violation_type).order_by("kind", "order", "pk")


class ViolationTypeDetailView(PermissionMixin, View):
    """An entry: the law, its tiers and the factors that apply; business roles try a proposal on it
    (the form submits to ``type_propose``, which shows the result on the same page)."""

    permission = "discretion.view_violationtype"
    template_name = "discretion/violationtype_detail.html"

    def get_object(self, request, pk) -> ViolationType:
        return get_object_or_404(
            ViolationType.objects.restrict(request.user, "view").select_related("catalogue"), pk=pk
        )

    def context(self, request, vt: ViolationType, form: ProposeForm, factors, **extra) -> dict[str, Any]:
        return {
            "object": vt,
            "catalogue": vt.catalogue,
            "tiers": vt.tiers.order_by("order", "pk"),
            "factors": factors,
            "form": form,
            "can_propose": request.user.has_perm("discretion.propose_violationtype"),
            "can_change": request.user.has_perm("discretion.change_violationtype") and vt.catalogue.is_draft,
            **extra,
        }

    def get(self, request, pk):
        vt = self.get_object(request, pk)
        factors = applicable_factors(vt)
        form = ProposeForm(factors=factors)
        return render(request, self.template_name, self.context(request, vt, form, factors))


class ViolationTypeProposeView(ViolationTypeDetailView):
    """试算: the proposal for the circumstances entered, and the check of an amount when one is given."""

    permission = "discretion.propose_violationtype"

    def get(self, request, pk):
        vt = self.get_object(request, pk)
        factors = applicable_factors(vt)
        form = ProposeForm(request.GET or None, factors=factors)
        extra: dict[str, Any] = {"tried": True}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                proposal = engine.propose(
                    vt,
                    first_offence=data["first_offence"],
                    minor=data["minor"],
                    corrected_in_time=data["corrected_in_time"],
                    factors=list(data["factors"]),
                    circumstances=data["circumstances"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                extra["proposal"] = proposal
                if data.get("amount") is not None:
                    extra["amount"] = data["amount"]
                    extra["problems"] = engine.check_decision(vt, data["amount"], proposal, data["reason"])
        return render(request, self.template_name, self.context(request, vt, form, factors, **extra))


class ViolationTypeFormView(PermissionMixin, View):
    """A draft's entry with its tiers on one page (pk: the entry, or the version when ``adding``)."""

    template_name = "discretion/violationtype_edit.html"
    adding = False

    def dispatch(self, request, *args, **kwargs):
        self.permission = "discretion.add_violationtype" if self.adding else "discretion.change_violationtype"
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, request, pk) -> ViolationType:
        if not self.adding:
            return get_object_or_404(
                ViolationType.objects.restrict(request.user, "change").select_related("catalogue"), pk=pk
            )
        catalogue = get_object_or_404(Catalogue.objects.restrict(request.user, "change"), pk=pk)
        return ViolationType(catalogue=catalogue, example_values=True)

    def render_forms(self, request, vt, form, formset):
        return render(request, self.template_name, {"object": vt, "form": form, "formset": formset})

    def tiers(self, vt):
        return vt.tiers.order_by("order", "pk") if vt.pk else Tier.objects.none()

    def get(self, request, pk):
        vt = self.get_object(request, pk)
        if not vt.catalogue.is_draft:
            messages.error(request, READ_ONLY)
            return redirect(vt.catalogue)
        form = ViolationTypeForm(instance=vt, user=request.user)
        formset = TierFormSet(instance=vt, queryset=self.tiers(vt))
        return self.render_forms(request, vt, form, formset)

    def post(self, request, pk):
        vt = self.get_object(request, pk)
        if not vt.catalogue.is_draft:
            messages.error(request, READ_ONLY)
            return redirect(vt.catalogue)
        form = ViolationTypeForm(request.POST, instance=vt, user=request.user)
        formset = TierFormSet(request.POST, instance=vt, queryset=self.tiers(vt))
        form_ok = form.is_valid()  # first: the tiers are checked against the edited statutory range
        formset_ok = formset.is_valid()
        if form_ok and formset_ok:
            try:
                with transaction.atomic():
                    services.save_in_draft(form.instance)
                    tiers = formset.save(commit=False)
                    for tier in formset.deleted_objects:
                        tier.delete()
                    for tier in tiers:
                        tier.order = TIER_RANK.get(tier.level, 0)
                        tier.save()
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect(form.instance)
        return self.render_forms(request, vt, form, formset)


class FactorFormView(PermissionMixin, View):
    """A draft's factor (pk: the factor, or the version when ``adding``)."""

    template_name = "discretion/edit.html"
    adding = False

    def dispatch(self, request, *args, **kwargs):
        self.permission = "discretion.add_factor" if self.adding else "discretion.change_factor"
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, request, pk) -> Factor:
        if not self.adding:
            return get_object_or_404(
                Factor.objects.restrict(request.user, "change").select_related("catalogue"), pk=pk
            )
        catalogue = get_object_or_404(Catalogue.objects.restrict(request.user, "change"), pk=pk)
        return Factor(catalogue=catalogue)

    def render_form(self, request, form, obj):
        title = _("编辑裁量情节：%(f)s") % {"f": obj} if obj.pk else _("新增裁量情节")
        return render(
            request,
            self.template_name,
            {"title": title, "form": form, "object": obj, "back": obj.catalogue.get_absolute_url()},
        )

    def get(self, request, pk):
        factor = self.get_object(request, pk)
        if not factor.catalogue.is_draft:
            messages.error(request, READ_ONLY)
            return redirect(factor.catalogue)
        return self.render_form(request, FactorForm(instance=factor, user=request.user), factor)

    def post(self, request, pk):
        factor = self.get_object(request, pk)
        if not factor.catalogue.is_draft:
            messages.error(request, READ_ONLY)
            return redirect(factor.catalogue)
        form = FactorForm(request.POST, instance=factor, user=request.user)
        if form.is_valid():
            try:
                services.save_in_draft(form.instance)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect(factor.catalogue)
        return self.render_form(request, form, factor)

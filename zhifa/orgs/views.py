"""Pages of the organisation: boards, officers, certificates, equipment, assignments and staffing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_tables2 import RequestConfig

from zhifa.core.formfields import record_id
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids
from zhifa.core.views import ObjectDetailView, ObjectEditView, ObjectListView, PermissionMixin, _url_if
from zhifa.orgs.choices import STAFFING_TARGET, CertificateStatus, Post, RegionKind
from zhifa.orgs.filtersets import (
    EXPIRING_DAYS,
    CertificateFilterSet,
    EquipmentFilterSet,
    OfficerFilterSet,
    PairingFilterSet,
    RegionFilterSet,
    SecondmentFilterSet,
)
from zhifa.orgs.forms import (
    CertificateForm,
    EquipmentForm,
    OfficerForm,
    PairingForm,
    RegionForm,
    SecondmentForm,
)
from zhifa.orgs.models import Certificate, Equipment, Officer, Pairing, Region, Secondment
from zhifa.orgs.tables import (
    CertificateTable,
    EquipmentTable,
    OfficerTable,
    PairingTable,
    RegionTable,
    SecondmentTable,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


def _count_by(queryset, field_name: str):
    """A correlated ``COUNT`` of ``queryset`` rows whose ``field_name`` is the outer row (0 when none)."""
    counted = (
        queryset.filter(**{field_name: OuterRef("pk")})
        .order_by()
        .values(field_name)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# ---------------------------------------------------------------------------------------------- regions


class RegionListView(ObjectListView):
    permission = "orgs.view_region"
    queryset = Region.objects.select_related("parent")
    filterset = RegionFilterSet
    table = RegionTable
    title = _("区划/板块")

    def get_queryset(self, request):
        from zhifa.enterprises.models import Enterprise

        officers = Officer.objects.restrict(request.user, "view").filter(active=True)
        enterprises = Enterprise.objects.restrict(request.user, "view")
        return (
            super()
            .get_queryset(request)
            .annotate(
                officer_count=_count_by(officers, "unit"), enterprise_count=_count_by(enterprises, "board")
            )
        )


class RegionDetailView(ObjectDetailView):
    permission = "orgs.view_region"
    queryset = Region.objects.select_related("parent")
    template_name = "orgs/region_detail.html"
    change_permission = "orgs.change_region"

    def get_extra_context(self, request, obj):
        from zhifa.enterprises.models import Enterprise

        user, today = request.user, timezone.localdate()
        context = {"today": today, "children": obj.children.all()}
        if user.has_perm("orgs.view_officer"):
            context["officers"] = (
                Officer.objects.restrict(user, "view")
                .filter(unit=obj)
                .with_certified(today)
                .select_related("unit")
            )
        if user.has_perm("enterprises.view_enterprise"):
            context["enterprise_count"] = Enterprise.objects.restrict(user, "view").filter(board=obj).count()
        if obj.is_board and user.has_perm("orgs.view_secondment"):
            context["secondments"] = (
                Secondment.objects.restrict(user, "view")
                .active_on(today)
                .filter(region=obj)
                .select_related("officer", "officer__unit")
            )
        if obj.is_board and user.has_perm("orgs.view_pairing"):
            context["pairings"] = (
                Pairing.objects.restrict(user, "view")
                .active_on(today)
                .filter(region=obj)
                .select_related("officer", "officer__unit")
            )
        if (
            obj.is_board
            and user.has_perm("orgs.view_staffing")
            and (is_district_wide(user) or obj.pk in board_ids(user))
        ):
            context["show_staffing"] = True
        return context


class RegionEditView(ObjectEditView):
    queryset = Region.objects.all()
    form = RegionForm


# --------------------------------------------------------------------------------------------- officers


class OfficerListView(ObjectListView):
    permission = "orgs.view_officer"
    queryset = Officer.objects.select_related("unit")
    filterset = OfficerFilterSet
    table = OfficerTable
    title = _("执法人员")
    add_url_name = "orgs:officer_add"
    add_permission = "orgs.add_officer"
    export_url_name = "io:officer_export"
    export_permission = "orgs.export_officer"
    import_url_name = "io:officer_import"
    import_permission = "orgs.import_officer"

    def get_queryset(self, request):
        # ``with_certified`` here, not in the class attribute: "today" is the day of the request.
        return super().get_queryset(request).with_certified(timezone.localdate())


class OfficerDetailView(ObjectDetailView):
    permission = "orgs.view_officer"
    queryset = Officer.objects.select_related("unit")
    template_name = "orgs/officer_detail.html"
    change_permission = "orgs.change_officer"

    def get_extra_context(self, request, obj):
        user, today = request.user, timezone.localdate()
        context = {
            "today": today,
            "can_add_certificate": user.has_perm("orgs.add_certificate"),
            "can_change_certificate": user.has_perm("orgs.change_certificate"),
            "can_change_secondment": user.has_perm("orgs.change_secondment"),
            "can_change_pairing": user.has_perm("orgs.change_pairing"),
        }
        certificates = (
            list(obj.certificates.all().order_by("-valid_to"))
            if user.has_perm("orgs.view_certificate")
            else []
        )
        for certificate in certificates:
            certificate.valid_today = certificate.is_valid_on(today)
        context["certificates"] = certificates
        # The rule of the platform: an officer enforces on a date only with a certificate valid that day.
        context["certified_today"] = any(c.valid_today for c in certificates)
        context["current_certificate"] = next((c for c in certificates if c.valid_today), None)
        if user.has_perm("orgs.view_equipment"):
            context["equipment"] = obj.equipment.select_related("unit")
        for relation in ("secondments", "pairings"):
            if user.has_perm(f"orgs.view_{relation[:-1]}"):
                assignments = list(getattr(obj, relation).select_related("region").order_by("-start"))
                for assignment in assignments:
                    assignment.active_today = assignment.is_active_on(today)
                context[relation] = assignments
        return context


class OfficerEditView(ObjectEditView):
    queryset = Officer.objects.select_related("unit")
    form = OfficerForm

    def get_object(self, request, pk):
        obj = super().get_object(request, pk)
        # A board leader sees officers seconded or paired to the board but edits only the board's own.
        if (
            pk is not None
            and not is_district_wide(request.user)
            and obj.unit_id not in board_ids(request.user)
        ):
            raise Http404
        return obj


# ----------------------------------------------------------------------------------------- certificates


class CertificateListView(ObjectListView):
    permission = "orgs.view_certificate"
    queryset = Certificate.objects.select_related("officer", "officer__unit")
    filterset = CertificateFilterSet
    table = CertificateTable
    title = _("执法证")
    add_url_name = "orgs:certificate_add"
    add_permission = "orgs.add_certificate"


class CertificateEditView(ObjectEditView):
    queryset = Certificate.objects.select_related("officer", "officer__unit")
    form = CertificateForm

    def get_form(self, request, obj, data=None):
        initial = {}
        if obj.pk is None and record_id(request.GET.get("officer")):
            initial["officer"] = record_id(request.GET["officer"])
        return self.form(data, instance=obj, user=request.user, initial=initial)


# -------------------------------------------------------------------------------------------- equipment


class EquipmentListView(ObjectListView):
    permission = "orgs.view_equipment"
    queryset = Equipment.objects.select_related("unit", "officer")
    filterset = EquipmentFilterSet
    table = EquipmentTable
    title = _("装备")
    add_url_name = "orgs:equipment_add"
    add_permission = "orgs.add_equipment"


class EquipmentDetailView(ObjectDetailView):
    permission = "orgs.view_equipment"
    queryset = Equipment.objects.select_related("unit", "officer")
    template_name = "orgs/equipment_detail.html"
    change_permission = "orgs.change_equipment"


class EquipmentEditView(ObjectEditView):
    queryset = Equipment.objects.select_related("unit", "officer")
    form = EquipmentForm


# ------------------------------------------------------------------------------------------ assignments


class AssignmentListView(PermissionMixin, View):
    """派驻与挂钩 on one page: two tables, one filter form (both read the same GET parameters)."""

    permission = "orgs.view_secondment"
    template_name = "orgs/assignment_list.html"
    per_page = 25
    sections = (
        (Secondment, SecondmentFilterSet, SecondmentTable, "s-", "orgs:secondment_add"),
        (Pairing, PairingFilterSet, PairingTable, "p-", "orgs:pairing_add"),
    )

    def get(self, request):
        user = request.user
        sections, filterset = [], None
        for model, filterset_class, table_class, prefix, add_url_name in self.sections:
            opts = model._meta
            if not user.has_perm(f"orgs.view_{opts.model_name}"):
                continue
            queryset = model.objects.restrict(user, "view").select_related("officer", "region")
            section_filter = filterset_class(request.GET, queryset=queryset, request=request)
            table = table_class(section_filter.qs, prefix=prefix)
            RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
            filterset = filterset or section_filter
            sections.append(
                {
                    "id": opts.model_name,
                    "title": opts.verbose_name,
                    "table": table,
                    "add_url": _url_if(user, add_url_name, f"orgs.add_{opts.model_name}"),
                }
            )
        context = {"title": _("派驻与挂钩"), "sections": sections, "filterset": filterset}
        return render(request, self.template_name, context)


class SecondmentEditView(ObjectEditView):
    queryset = Secondment.objects.select_related("officer", "region")
    form = SecondmentForm


class PairingEditView(ObjectEditView):
    queryset = Pairing.objects.select_related("officer", "region")
    form = PairingForm


# --------------------------------------------------------------------------------------------- staffing

STAFFING_POSTS = tuple(STAFFING_TARGET)
#: The district's own posts (局机关 and 执法大队), shown for the brigade.
DISTRICT_POSTS = tuple(p for p in Post if p not in STAFFING_TARGET)


@dataclass
class PostFill:
    post: Post
    actual: int
    target: int

    @property
    def label(self) -> StrOrPromise:
        return self.post.label

    @property
    def short(self) -> bool:
        return self.actual < self.target


@dataclass
class StaffingRow:
    """One board's figures (or the sum of several), from the annotated Region rows."""

    region: Region | None
    fills: list[PostFill]
    active: int
    certified: int
    expiring: int
    seconded: int
    paired: int
    boards: int = 1

    @property
    def target(self) -> int:
        return sum(f.target for f in self.fills)

    @property
    def filled(self) -> int:
        """Posts filled towards the target: a surplus in one post does not hide a gap in another."""
        return sum(min(f.actual, f.target) for f in self.fills)

    @property
    def fill_rate(self) -> int:
        return round(100 * self.filled / self.target) if self.target else 0

    @property
    def complete(self) -> bool:
        return self.filled == self.target


@dataclass
class DistrictFigures:
    posts: list[tuple[StrOrPromise, int]] = field(default_factory=list)
    active: int = 0
    certified: int = 0
    expiring: int = 0
    seconded_out: int = 0
    paired_out: int = 0


def staffing_annotations(today: date) -> dict:
    """Per region, one pass: active officers by post, certified today, expiring certificates, assignments."""
    soon = today + timedelta(days=EXPIRING_DAYS)
    active = Q(officers__active=True)
    valid_today = Q(
        officers__certificates__status=CertificateStatus.VALID,
        officers__certificates__valid_from__lte=today,
        officers__certificates__valid_to__gte=today,
    )
    annotations = {
        f"n_{post.value}": Count("officers", filter=active & Q(officers__post=post), distinct=True)
        for post in Post
    }
    annotations["n_active"] = Count("officers", filter=active, distinct=True)
    annotations["n_certified"] = Count("officers", filter=active & valid_today, distinct=True)
    annotations["n_expiring"] = Count(
        "officers__certificates",
        filter=active & valid_today & Q(officers__certificates__valid_to__lte=soon),
        distinct=True,
    )
    for relation in ("secondments", "pairings"):
        in_force = Q(**{f"{relation}__start__lte": today}) & (
            Q(**{f"{relation}__end__isnull": True}) | Q(**{f"{relation}__end__gte": today})
        )
        annotations[f"n_{relation}"] = Count(f"{relation}__officer", filter=in_force, distinct=True)
    return annotations


class StaffingCounts(TypedDict):
    """What ``staffing_annotations`` adds to each Region (besides ``n_<post>`` for every post)."""

    n_active: int
    n_certified: int
    n_expiring: int
    n_secondments: int
    n_pairings: int


def staffing_row(region: WithAnnotations[Region, StaffingCounts]) -> StaffingRow:
    return StaffingRow(
        region=region,
        fills=[
            PostFill(post, getattr(region, f"n_{post.value}"), target)
            for post, target in STAFFING_TARGET.items()
        ],
        active=region.n_active,
        certified=region.n_certified,
        expiring=region.n_expiring,
        seconded=region.n_secondments,
        paired=region.n_pairings,
    )


def total_row(rows: list[StaffingRow]) -> StaffingRow:
    fills = [
        PostFill(post, sum(r.fills[i].actual for r in rows), target * len(rows))
        for i, (post, target) in enumerate(STAFFING_TARGET.items())
    ]
    return StaffingRow(
        region=None,
        fills=fills,
        active=sum(r.active for r in rows),
        certified=sum(r.certified for r in rows),
        expiring=sum(r.expiring for r in rows),
        seconded=sum(r.seconded for r in rows),
        paired=sum(r.paired for r in rows),
        boards=len(rows),
    )


def staffing_boards(user):
    """The boards whose staffing the user may see: every board for district roles, else their own."""
    boards = Region.objects.boards()
    if not is_district_wide(user):
        boards = boards.filter(pk__in=board_ids(user))
    return boards


class StaffingView(PermissionMixin, View):
    """人员配备: the "1+3+6" fill of each board, its certified officers and its assignments."""

    permission = "orgs.view_staffing"

    def get(self, request):
        today = timezone.localdate()
        district_wide = is_district_wide(request.user)
        regions = Region.objects.all() if district_wide else staffing_boards(request.user)
        regions = list(regions.annotate(**staffing_annotations(today)))
        rows = [staffing_row(r) for r in regions if r.is_board]
        context = {
            "title": _("人员配备"),
            "today": today,
            "expiring_days": EXPIRING_DAYS,
            "rows": rows,
            "targets": [(post.label, target) for post, target in STAFFING_TARGET.items()],
            "district_wide": district_wide,
        }
        if district_wide:
            context["total"] = total_row(rows)
            context["district"] = self.district_figures(regions, today)
        return render(request, "orgs/staffing.html", context)

    @staticmethod
    def district_figures(regions, today) -> DistrictFigures:
        figures = DistrictFigures()
        for region in regions:
            if region.is_board:
                continue
            figures.posts += [(post.label, getattr(region, f"n_{post.value}")) for post in DISTRICT_POSTS]
            figures.active += region.n_active
            figures.certified += region.n_certified
            figures.expiring += region.n_expiring
        in_force = {
            relation: Q(**{f"{relation}__start__lte": today})
            & (Q(**{f"{relation}__end__isnull": True}) | Q(**{f"{relation}__end__gte": today}))
            for relation in ("secondments", "pairings")
        }
        out = Officer.objects.filter(unit__kind=RegionKind.DISTRICT).aggregate(
            seconded=Count("pk", filter=in_force["secondments"], distinct=True),
            paired=Count("pk", filter=in_force["pairings"], distinct=True),
        )
        figures.seconded_out, figures.paired_out = out["seconded"], out["paired"]
        if len(figures.posts) > len(DISTRICT_POSTS):  # more than one district row: sum post by post
            merged: dict[StrOrPromise, int] = {}
            for label, n in figures.posts:
                merged[label] = merged.get(label, 0) + n
            figures.posts = list(merged.items())
        return figures


class StaffingBoardView(PermissionMixin, View):
    """One board: its figures, its people by post, expiring certificates, seconded and paired officers."""

    permission = "orgs.view_staffing"

    def get(self, request, pk):
        today = timezone.localdate()
        board = get_object_or_404(
            staffing_boards(request.user).annotate(**staffing_annotations(today)), pk=pk
        )
        officers = (
            Officer.objects.filter(unit=board, active=True).with_certified(today).order_by("post", "name")
        )
        context = {
            "title": _("%(board)s 人员配备") % {"board": board},
            "board": board,
            "row": staffing_row(board),
            "today": today,
            "expiring_days": EXPIRING_DAYS,
            "officers": officers,
            "expiring": Certificate.objects.expiring_within(EXPIRING_DAYS, today)
            .filter(officer__unit=board, officer__active=True)
            .select_related("officer")
            .order_by("valid_to"),
            "secondments": Secondment.objects.active_on(today)
            .filter(region=board)
            .select_related("officer__unit"),
            "pairings": Pairing.objects.active_on(today).filter(region=board).select_related("officer__unit"),
        }
        return render(request, "orgs/staffing_board.html", context)

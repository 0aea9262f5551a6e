"""Pages of the expert pool: professional groups and experts (with availability and conflicts)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from zhifa.experts.filtersets import ExpertFilterSet, ExpertGroupFilterSet
from zhifa.experts.forms import ExpertForm
from zhifa.experts.models import Expert, ExpertGroup
from zhifa.experts.tables import ExpertGroupTable, ExpertTable


class ExpertGroupListView(ObjectListView):
    permission = "experts.view_expertgroup"
    queryset = ExpertGroup.objects.all()
    filterset = ExpertGroupFilterSet
    table = ExpertGroupTable
    title = _("专家组")

    def get_queryset(self, request):
        # Counted within the user's view of the pool (an expert's own account sees its own record only).
        visible = Expert.objects.restrict(request.user, "view").filter(active=True).values("pk")
        return (
            super()
            .get_queryset(request)
            .annotate(expert_count=Count("experts", filter=Q(experts__in=visible), distinct=True))
        )


class ExpertGroupDetailView(ObjectDetailView):
    permission = "experts.view_expertgroup"
    queryset = ExpertGroup.objects.all()
    template_name = "experts/group_detail.html"

    def get_extra_context(self, request, obj):
        experts = (
            Expert.objects.restrict(request.user, "view")
            .filter(groups=obj)
            .prefetch_related("groups")
            .order_by("-active", "name")
        )
        return {"experts": experts}


class ExpertListView(ObjectListView):
    permission = "experts.view_expert"
    queryset = Expert.objects.prefetch_related("groups")
    filterset = ExpertFilterSet
    table = ExpertTable
    template_name = "experts/expert_list.html"
    title = _("专家库")
    add_url_name = "experts:expert_add"
    add_permission = "experts.add_expert"
    export_url_name = "io:expert_export"
    export_permission = "experts.export_expert"
    import_url_name = "io:expert_import"
    import_permission = "experts.import_expert"

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()  # the group filter joins the many-to-many table


class ExpertDetailView(ObjectDetailView):
    permission = "experts.view_expert"
    queryset = Expert.objects.all()
    template_name = "experts/expert_detail.html"
    change_permission = "experts.change_expert"

    def get_extra_context(self, request, obj):
        today = timezone.localdate()
        periods = list(obj.availability.order_by("start"))
        for period in periods:
            period.current = period.start <= today <= period.end
        return {
            "today": today,
            "groups": obj.groups.all(),
            "periods": periods,
            "available_today": not periods or any(p.current for p in periods),
            "conflicts": obj.conflicts.select_related("enterprise", "enterprise__board").order_by(
                "enterprise__name"
            ),
            "can_view_enterprise": request.user.has_perm("enterprises.view_enterprise"),
        }


class ExpertEditView(ObjectEditView):
    queryset = Expert.objects.all()
    form = ExpertForm
    template_name = "experts/expert_edit.html"

"""The home page's figures for each role, computed by aggregate queries."""

from __future__ import annotations

from datetime import datetime, time
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.roles import ADMIN_ROLES, Role
from zhifa.core.scoping import board_ids


def dashboard_for(user) -> dict:
    from zhifa.enterprises.models import Enterprise
    from zhifa.experts.models import Expert
    from zhifa.orgs.models import Certificate, Officer, Region

    context: dict = {"role": user.role, "today": timezone.localdate()}
    if user.role in ADMIN_ROLES:
        if user.role == Role.AUDIT_ADMIN:
            from zhifa.core.models import AuditEntry

            context["recent_audit"] = AuditEntry.objects.all()[:10]
        return context
    if user.role == Role.EXPERT:
        context["expert"] = user.expert
        return context
    enterprises = Enterprise.objects.restrict(user, "view")
    context["enterprise_count"] = enterprises.count()
    context["by_class"] = list(
        enterprises.values("enforcement_class").annotate(n=Count("pk")).order_by("enforcement_class")
    )
    officers = Officer.objects.restrict(user, "view").filter(active=True)
    context["officer_count"] = officers.count()
    context["certified_count"] = officers.certified_on(context["today"]).count()
    context["expiring"] = (
        Certificate.objects.restrict(user, "view")
        .expiring_within(60)
        .select_related("officer", "officer__unit")[:10]
    )
    context["expert_count"] = Expert.objects.restrict(user, "view").filter(active=True).count()
    if user.role in (Role.BOARD_LEADER, Role.BOARD_OFFICER, Role.SAFETY_MANAGER):
        context["boards"] = list(Region.objects.filter(pk__in=board_ids(user)))
    if user.has_perm("inspections.view_hazard"):
        context.update(inspection_figures(user, context["today"]))
    if user.has_perm("cases.view_casedeadline"):
        from zhifa.cases.dashboard import case_figures

        context.update(case_figures(user, context["today"]))
    if user.has_perm("bulletins.view_figures"):
        from zhifa.bulletins.dashboard import home_panel

        context.update(home_panel(user, context["today"]))
    return context


def _link(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def inspection_figures(user, today) -> dict:
    """Hazards and inspections: for the district, supervision across boards (one grouped query per
    figure); for a board, its own open work. Every figure carries the link to its filtered list."""
    from zhifa.core.permissions import is_district_wide
    from zhifa.inspections.choices import ExtensionStatus, HazardLevel, InspectionStatus
    from zhifa.inspections.models import ExtensionRequest, Hazard, Inspection

    hazards = Hazard.objects.restrict(user, "view")
    inspections = Inspection.objects.restrict(user, "view")
    figures: dict = {"inspection_figures": True}
    if is_district_wide(user):
        major = hazards.open().filter(level=HazardLevel.MAJOR)
        figures["major_open"] = {
            "n": major.count(),
            "url": _link("inspections:hazard_list", level=HazardLevel.MAJOR, open="true"),
            "rows": major.select_related("enterprise", "board").order_by("deadline", "pk")[:10],
        }
        figures["overdue_by_board"] = [
            {**row, "url": _link("inspections:hazard_list", overdue="true", board=row["board"])}
            for row in hazards.overdue(today)
            .values("board", "board__name")
            .annotate(n=Count("pk"))
            .order_by("board__sort_order", "board__code")
        ]
        month_start = today.replace(day=1)
        since = timezone.make_aware(datetime.combine(month_start, time.min))
        figures["month_by_board"] = [
            {
                **row,
                "url": _link(
                    "inspections:inspection_list",
                    board=row["board"],
                    status=InspectionStatus.SIGNED_OFF,
                    date_from=month_start.isoformat(),
                ),
            }
            for row in inspections.filter(status=InspectionStatus.SIGNED_OFF, started_at__gte=since)
            .values("board", "board__name")
            .annotate(n=Count("pk"))
            .order_by("board__sort_order", "board__code")
        ]
        return figures
    overdue = hazards.overdue(today).count()
    figures["board_figures"] = [
        {
            "label": _("未销号隐患"),
            "n": hazards.open().count(),
            "url": _link("inspections:hazard_list", open="true"),
        },
        {
            "label": _("逾期未整改隐患"),
            "n": overdue,
            "url": _link("inspections:hazard_list", overdue="true"),
            "warn": bool(overdue),
        },
        {
            "label": _("填写中的检查记录"),
            "n": inspections.filter(status=InspectionStatus.DRAFT).count(),
            "url": _link("inspections:inspection_list", status=InspectionStatus.DRAFT),
        },
    ]
    if user.has_perm("inspections.decide_extensionrequest"):
        figures["board_figures"].append(
            {
                "label": _("待审批的延期申请"),
                "n": ExtensionRequest.objects.restrict(user, "view")
                .filter(status=ExtensionStatus.PENDING)
                .count(),
                "url": _link("inspections:extension_list", status=ExtensionStatus.PENDING),
            }
        )
    return figures

"""The home page's figures for each role, computed by aggregate queries."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

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
    return context

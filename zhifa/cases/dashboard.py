"""The home page's 办案期限 panel: overdue and due-soon deadlines in the user's jurisdiction and of the
cases the user handles, and for legal reviewers (and the district leader) the reviews awaiting them.
Each figure is one aggregate query and carries the link to its filtered list."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifa.cases.filtersets import DEFAULT_DAYS
from zhifa.core.roles import Role


def _link(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def _counts(deadlines, today: date) -> dict:
    horizon = today + timedelta(days=DEFAULT_DAYS)
    return deadlines.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=horizon)),
    )


def case_figures(user, today: date) -> dict:
    from zhifa.cases.models import CaseDeadline, LegalReview

    if not user.has_perm("cases.view_casedeadline"):
        return {}
    running = CaseDeadline.objects.restrict(user, "view").running()
    figures = []
    officer_id = getattr(user, "officer_id", None)
    if officer_id and user.has_perm("cases.handle_case"):
        mine = _counts(running.filter(case__case_officers__officer_id=officer_id), today)
        figures += [
            {
                "label": _("我承办案件的逾期期限"),
                "n": mine["overdue"],
                "url": _link("cases:deadline_list", overdue="true", mine="true"),
                "warn": bool(mine["overdue"]),
            },
            {
                "label": _("我承办案件 %(d)s 日内届满") % {"d": DEFAULT_DAYS},
                "n": mine["soon"],
                "url": _link("cases:deadline_list", days=DEFAULT_DAYS, mine="true"),
            },
        ]
    scope = _counts(running, today)
    figures += [
        {
            "label": _("逾期的办案期限"),
            "n": scope["overdue"],
            "url": _link("cases:deadline_list", overdue="true"),
            "warn": bool(scope["overdue"]),
        },
        {
            "label": _("%(d)s 日内届满的办案期限") % {"d": DEFAULT_DAYS},
            "n": scope["soon"],
            "url": _link("cases:deadline_list", days=DEFAULT_DAYS),
        },
    ]
    if user.has_perm("cases.legal_review_case") or user.role == Role.DISTRICT_LEADER:
        pending = LegalReview.objects.restrict(user, "view").pending()
        counts = pending.aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        figures.append(
            {
                "label": _("待法制审核（其中逾期 %(n)s）") % {"n": counts["late"]},
                "n": counts["n"],
                "url": _link("cases:review_queue"),
                "warn": bool(counts["late"]),
            }
        )
    return {"case_figures": figures}

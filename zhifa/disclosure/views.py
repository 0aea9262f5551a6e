"""The public portal (/public/: anonymous, read-only) and the district's publication queue (signed in).

Public pages read only what ``zhifa.disclosure.services`` selects for the public: bodies and their powers,
officers with their certificates, published decisions (or their withdrawal notices) and draws. They
render ``disclosure/public_base.html``, which carries no navigation of the internal platform and nothing
of the visitor. Every list runs a constant number of queries (a count and a page, plus prefetches).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from zhifa.cases.models import Case
from zhifa.core.views import PermissionMixin
from zhifa.disclosure import services
from zhifa.disclosure.choices import CertificateState
from zhifa.disclosure.models import Publication
from zhifa.disclosure.tables import AwaitingTable, PublishedTable
from zhifa.orgs.choices import PenaltyAuthority, RegionKind
from zhifa.orgs.models import Region
from zhifa.planning.choices import DrawStatus

PER_PAGE = 25


def _int(value) -> int | None:
    """A positive id from a query string, or None (a bad filter is ignored, never a 500)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 2**63 else None


class PublicView(View):
    """A read-only page of the portal, open to everyone."""

    template_name = ""
    http_method_names = ["get", "head"]

    def get_context(self, request, **kwargs) -> dict[str, Any]:
        return {}

    def get(self, request, **kwargs):
        district = Region.objects.filter(kind=RegionKind.DISTRICT).order_by("code").first()
        context = {
            "portal_agency": services.agency_name(district) if district else _("应急管理部门"),
            # the list's filters, carried by the page links
            "filters": urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v]),
            **self.get_context(request, **kwargs),
        }
        return render(request, self.template_name, context)

    @staticmethod
    def page(request, queryset, per_page: int = PER_PAGE):
        return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class IndexView(PublicView):
    template_name = "disclosure/public_index.html"

    def get_context(self, request, **kwargs):
        return {
            "decisions": list(Publication.objects.live()[:5]),
            "draws": list(
                services.public_draws()
                .exclude(status=DrawStatus.COMMITTED)
                .order_by("-revealed_at", "-pk")[:5]
            ),
        }


class BodyListView(PublicView):
    template_name = "disclosure/public_bodies.html"

    def get_context(self, request, **kwargs):
        bodies = []
        for region in services.public_bodies():
            disclosure = getattr(region, "disclosure", None)
            bodies.append(
                {
                    "region": region,
                    "name": services.agency_name(region) if not region.is_board else region.name,
                    "is_board": region.is_board,
                    "own_name": region.is_board and region.penalty_authority == PenaltyAuthority.OWN,
                    "authority": region.get_penalty_authority_display() if region.is_board else "",
                    "delegated": services.delegated_lines(region) if region.is_board else [],
                    "powers": disclosure.power_lines if disclosure else [],
                    "basis": disclosure.basis_lines if disclosure else [],
                }
            )
        return {"bodies": bodies}


class OfficerListView(PublicView):
    template_name = "disclosure/public_officers.html"

    def get_context(self, request, **kwargs):
        officers = services.public_officers()
        unit = _int(request.GET.get("unit"))
        if unit:
            officers = officers.filter(unit_id=unit)
        q = services.search_text(request.GET.get("q"), 32)
        if q:
            officers = officers.filter(Q(name__icontains=q) | Q(certificates__number__iexact=q)).distinct()
        page = self.page(request, officers, 50)
        today = timezone.localdate()
        rows = []
        for officer in page:
            certificate = officer.public_certs[0]
            state = services.certificate_state(certificate, today)
            rows.append(
                {
                    "name": officer.name,
                    "unit": services.agency_name(officer.unit)
                    if not officer.unit.is_board
                    else officer.unit.name,
                    "certificate": certificate.number,
                    "valid_to": certificate.valid_to,
                    "state": state,
                    "state_label": CertificateState(state).label,
                }
            )
        return {
            "page": page,
            "rows": rows,
            "units": Region.objects.order_by("sort_order", "code"),
            "unit": unit,
            "q": q,
        }


class DecisionListView(PublicView):
    template_name = "disclosure/public_decisions.html"

    def get_context(self, request, **kwargs):
        year = services.parse_year(request.GET.get("year"))
        q = services.search_text(request.GET.get("q"), 64)
        publications = services.public_decisions(q=q, year=year)
        return {"page": self.page(request, publications), "year": year, "q": q}


class DecisionDetailView(PublicView):
    template_name = "disclosure/public_decision.html"

    def get_context(self, request, pk=None, **kwargs):
        publication = get_object_or_404(Publication, pk=pk)
        return {"publication": publication, "content": publication.public_content}


class DrawListView(PublicView):
    template_name = "disclosure/public_draws.html"

    def get_context(self, request, **kwargs):
        draws = services.public_draws()
        year = services.parse_year(request.GET.get("year"))
        if year:
            draws = draws.filter(year=year)
        return {"page": self.page(request, draws), "year": year}


class DrawDetailView(PublicView):
    template_name = "disclosure/public_draw.html"

    def get_context(self, request, pk=None, **kwargs):
        draw = get_object_or_404(services.public_draws(), pk=pk)
        revealed = services.is_revealed(draw)
        enterprises = []
        if revealed:
            enterprises = list(
                draw.assignments.select_related("enterprise", "board").order_by(
                    "board__sort_order", "board__code", "enterprise__name", "pk"
                )
            )
        return {"draw": draw, "revealed": revealed, "assignments": enterprises}


# --- Internal: decisions awaiting publication ----------------------------------------------------------


class QueueView(PermissionMixin, View):
    """Decisions awaiting publication (with the end of their seven working days) and those published."""

    permission = "disclosure.view_publication"

    def get(self, request):
        awaiting = AwaitingTable(
            services.awaiting(request.user),
            can_publish=request.user.has_perm("disclosure.add_publication"),
            prefix="a-",
        )
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(awaiting)
        published = PublishedTable(
            Publication.objects.restrict(request.user, "view").select_related("case__board"), prefix="p-"
        )
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(published)
        return render(
            request,
            "disclosure/queue.html",
            {"title": _("行政处罚决定公示"), "awaiting": awaiting, "published": published},
        )


class PublishView(PermissionMixin, View):
    permission = "disclosure.add_publication"
    http_method_names = ["post"]

    def post(self, request, pk):
        case = get_object_or_404(Case.objects.restrict(request.user, "view"), pk=pk)
        try:
            publication = services.publish_decision(case, request.user)
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, _("未能公示：%(e)s") % {"e": text})
        else:
            messages.success(request, _("已公示：%(n)s") % {"n": publication.decision_number})
        return redirect("publications:queue")

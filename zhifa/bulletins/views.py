"""Bulletin pages: the list (drafts for the district's roles, published bulletins for everyone), a
bulletin with its tables and charts and the district leader's approve and publish buttons, its PDF and
workbook, generating a month's draft, the live figures, the dashboards and the ranking's weighting.

Rows are read through ``Bulletin.objects.restrict`` (a draft is not found by a board's user); every
change goes through ``zhifa.bulletins.services``.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhifa.bulletins import charts, links, present, services
from zhifa.bulletins import figures as F
from zhifa.bulletins.choices import BulletinStatus
from zhifa.bulletins.dashboard import dashboard, month_or_error
from zhifa.bulletins.filtersets import BulletinFilterSet
from zhifa.bulletins.forms import MonthForm
from zhifa.bulletins.models import Bulletin, RankingWeights
from zhifa.bulletins.tables import BulletinTable
from zhifa.bulletins.xlsx import workbook
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.views import ObjectDetailView, ObjectListView, PermissionMixin
from zhifa.core.xlsx import bytes_response

VIEW = "bulletins.view_bulletin"


def _bulletins(user):
    return Bulletin.objects.restrict(user, "view").select_related(
        "generated_by", "approved_by", "published_by"
    )


def chart_data(figures: dict) -> dict:
    """What the page's script draws (the same numbers as the server-side SVG it replaces)."""
    ranking = figures.get("ranking") or {}
    district = figures["district"]
    return {
        "score_label": _("得分"),
        "months": figures["trend_months"],
        "trend": [
            {"label": F.indicator_label(code), "values": district["trend"][code]} for code in F.TREND_CODES
        ],
        "ranking": [
            {"label": row["name"], "value": row["score"], "rank": row["rank"]}
            for row in ranking.get("rows", [])
        ],
    }


def figures_context(figures: dict, *, today, linked: bool) -> dict:
    """Tables, charts and links of a set of figures (a bulletin's snapshot or the live figures)."""
    period = figures["periods"][F.MONTH]
    start, end = (date.fromisoformat(period[k]) for k in ("start", "end"))

    def url_for(board_id):
        return links.figure_link("inspections", board_id, start, end, today=today)["url"] if linked else ""

    tables = []
    for codes in (present.INSPECTION_CODES, present.CASE_CODES):
        table = present.board_table(figures, codes)
        for row in table["rows"]:
            row["items"] = [
                {
                    "text": text,
                    "url": links.figure_link(c["code"], row["id"], start, end, today=today)["url"]
                    if linked
                    else "",
                }
                for c, text in zip(table["columns"], row["cells"], strict=True)
            ]
        tables.append(table)
    ranking = figures.get("ranking") or {}
    return {
        "figures": figures,
        "month_label": present.month_label(figures),
        "summary": present.summary(figures) if "district" in figures else "",
        "district_rows": present.district_rows(figures),
        "tables": tables,
        "ranking_rows": present.ranking_rows(ranking),
        "weights": ranking.get("weights") or {},
        "highlights": present.highlight_lines(figures),
        # Drawn from numbers and escaped labels only (zhifa.bulletins.charts).
        "ranking_svg": mark_safe(charts.ranking_chart(ranking, url_for=url_for))
        if ranking.get("rows")
        else "",  # noqa: S308
        "trend_svg": mark_safe(charts.trend_chart(figures)),  # noqa: S308
        "chart_data": chart_data(figures),
    }


class BulletinListView(ObjectListView):
    permission = VIEW
    # The list never reads the snapshot (a few hundred KB of JSON per bulletin).
    queryset = Bulletin.objects.select_related("generated_by", "approved_by", "published_by").defer("figures")
    filterset = BulletinFilterSet
    table = BulletinTable
    title = gettext_lazy("执法工作通报")
    template_name = "bulletins/bulletin_list.html"


class BulletinDetailView(ObjectDetailView):
    permission = VIEW
    queryset = Bulletin.objects.select_related("generated_by", "approved_by", "published_by")
    template_name = "bulletins/bulletin_detail.html"

    def get_extra_context(self, request, obj):
        user = request.user
        context = figures_context(obj.figures, today=timezone.localdate(), linked=True)
        context.update(
            {
                "events": obj.events.select_related("actor").order_by("at", "pk"),
                "can_generate": user.has_perm("bulletins.add_bulletin")
                and obj.status != BulletinStatus.PUBLISHED,
                "can_approve": user.has_perm("bulletins.approve_bulletin")
                and obj.status == BulletinStatus.DRAFT,
                "can_publish": user.has_perm("bulletins.publish_bulletin")
                and obj.status == BulletinStatus.APPROVED,
            }
        )
        return context


class BulletinGenerateView(PermissionMixin, View):
    """生成（或重新生成）某月的通报草稿：计算数据、生成 PDF。"""

    permission = "bulletins.add_bulletin"
    template_name = "bulletins/bulletin_generate.html"

    def get(self, request):
        initial = {"month": request.GET.get("month") or f"{timezone.localdate():%Y-%m}"}
        return render(request, self.template_name, {"form": MonthForm(initial=initial)})

    def post(self, request):
        form = MonthForm(request.POST)
        if form.is_valid():
            try:
                bulletin = services.generate(form.cleaned_data["month"], user=request.user)
            except services.BulletinRefused as exc:
                form.add_error("month", exc.messages)
            except F.FiguresError as exc:
                form.add_error("month", str(exc))
            else:
                messages.success(
                    request, _("已生成：%(b)s（第 %(v)s 版）") % {"b": bulletin, "v": bulletin.version}
                )
                return redirect(bulletin.get_absolute_url())
        return render(request, self.template_name, {"form": form})


class _BulletinStepView(PermissionMixin, View):
    step = ""

    def post(self, request, pk):
        bulletin = get_object_or_404(_bulletins(request.user), pk=pk)
        try:
            done = getattr(services, self.step)(bulletin, user=request.user)
        except services.BulletinRefused as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(b)s：%(s)s") % {"b": done, "s": done.get_status_display()})
        return redirect(bulletin.get_absolute_url())


class BulletinApproveView(_BulletinStepView):
    permission = "bulletins.approve_bulletin"
    step = "approve"


class BulletinPublishView(_BulletinStepView):
    permission = "bulletins.publish_bulletin"
    step = "publish"


def _filename(bulletin: Bulletin, ext: str) -> str:
    return f"执法工作通报-{bulletin.label}-第{bulletin.version}版.{ext}"


class BulletinPdfView(PermissionMixin, View):
    """The stored PDF, re-hashed before it is handed out; every download is audited."""

    permission = VIEW

    def get(self, request, pk):
        bulletin = get_object_or_404(_bulletins(request.user), pk=pk)
        try:
            data = services.pdf_bytes(bulletin)
        except services.BulletinRefused as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(bulletin.get_absolute_url())
        filename = _filename(bulletin, "pdf")
        record(AuditAction.EXPORT, bulletin, after={"sha256": bulletin.pdf_sha256}, message=f"下载{filename}")
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
        return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


class BulletinXlsxView(PermissionMixin, View):
    permission = VIEW

    def get(self, request, pk):
        bulletin = get_object_or_404(_bulletins(request.user), pk=pk)
        filename = _filename(bulletin, "xlsx")
        record(AuditAction.EXPORT, bulletin, message=f"导出{filename}")
        return bytes_response(filename, workbook(bulletin.figures))


class FiguresView(PermissionMixin, View):
    """The live figures of a month (``?month=YYYY-MM``, default this month), as the user may see them."""

    permission = "bulletins.view_figures"
    template_name = "bulletins/figures.html"

    def get(self, request):
        today = timezone.localdate()
        first, error = month_or_error(request.GET.get("month"), today)
        figures = F.for_user(F.compute(first, today=today), request.user)
        if request.GET.get("format") == "xlsx":
            record(
                AuditAction.EXPORT,
                object_type="bulletins.figures",
                object_repr=f"{first:%Y-%m}",
                message="导出实时执法数据",
            )
            return bytes_response(f"执法数据-{first:%Y-%m}.xlsx", workbook(figures))
        context = figures_context(figures, today=today, linked=True)
        context.update({"error": error, "month_value": f"{first:%Y-%m}", "title": _("执法数据")})
        return render(request, self.template_name, context)


class DashboardView(PermissionMixin, View):
    """执法态势: the district leader's view, or a board's own figures beside the boards' average."""

    permission = "bulletins.view_figures"
    template_name = "bulletins/dashboard.html"

    def get(self, request):
        today = timezone.localdate()
        first, error = month_or_error(request.GET.get("month"), today)
        context = dashboard(request.user, first, today)
        figures = context["figures"]
        context.update(
            {
                "error": error,
                "month_value": f"{first:%Y-%m}",
                "title": _("执法态势"),
                "chart_data": chart_data(figures),
                "trend_svg": mark_safe(charts.trend_chart(figures)),  # noqa: S308
            }
        )
        if context["district_wide"]:
            period = figures["periods"][F.MONTH]
            start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
            context["ranking_svg"] = mark_safe(  # noqa: S308
                charts.ranking_chart(
                    figures.get("ranking") or {},
                    url_for=lambda pk: links.figure_link("inspections", pk, start, end, today=today)["url"],
                )
            )
        else:
            context["board_trends"] = [
                {"name": b["row"]["name"], "svg": mark_safe(charts.trend_chart(figures, b["row"]))}  # noqa: S308
                for b in context["boards"]
            ]
        return render(request, self.template_name, context)


class WeightsView(PermissionMixin, View):
    """The ranking's weighting, every version with its indicators, and the formula."""

    permission = "bulletins.view_rankingweights"
    template_name = "bulletins/weights.html"

    def get(self, request):
        versions = RankingWeights.objects.restrict(request.user, "view").prefetch_related("items")
        in_force = RankingWeights.objects.in_force(timezone.localdate())
        return render(
            request,
            self.template_name,
            {"versions": versions, "in_force": in_force, "title": _("通报排名权重")},
        )

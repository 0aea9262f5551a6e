"""The leaders' dashboards (执法态势): the district leader's (boards ranked, twelve-month trends, overdue
work and accidents) and a board's (its own figures beside the boards' average). Every figure links to
the filtered list behind it (``zhifa.bulletins.links``).

The figures are the bulletin's (``zhifa.bulletins.figures.compute``: a constant number of aggregate
queries); overdue work is today's, counted by one grouped query per kind of work in the user's
jurisdiction. ``home_panel`` is what the home page (``zhifa.core.dashboard``) shows of it.
"""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from zhifa.bulletins import figures as F
from zhifa.bulletins import links, present
from zhifa.bulletins.choices import BulletinStatus
from zhifa.bulletins.models import Bulletin
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids

#: The home page and the dashboards reuse a month's figures for this long (seconds): they are read
#: far more often than they change, and computing them costs about a second on a district's data.
CACHE_SECONDS = 60

#: The figures on the cards, in order (the key indicators less the derived counts shown elsewhere).
CARD_CODES = (
    "inspections",
    "two_plus_one",
    "enterprises",
    "plan_completion",
    "hazards",
    "hazards_major",
    "hazards_rectified",
    "hazards_overdue",
    "cases_registered",
    "cases_decided",
    "fines_decided",
    "first_pass_rate",
    "case_score",
    "accidents",
    "deaths",
)


def cards(
    figures: dict, row: dict, *, today: date, board_id: int | None, average: dict | None = None
) -> list[dict]:
    """One card per figure of ``row`` for the month: value, change on last month, link, the average."""
    period = figures["periods"][F.MONTH]
    start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
    found = []
    for code in CARD_CODES:
        if code == "case_score" and not figures.get("case_scores_available"):
            continue
        value = row["values"][F.MONTH][code]
        change = row["changes"][F.PREV][code]
        link = links.figure_link(code, board_id, start, end, today=today)
        label, unit = F.indicator_label(code), str(F.BY_CODE[code].unit)
        card = {
            "code": code,
            "label": label,
            "unit": "" if label.endswith(unit) else unit,  # 案卷评查平均分, not 平均分 分
            "value": present.fmt(code, value),
            "change": present.fmt_change(code, change),
            "tone": present.tone(code, change),
            "url": link["url"],
            "title": link["title"],
        }
        if average is not None:
            avg = average[F.MONTH][code]
            card["average"] = present.fmt(code, avg)
            if value is not None and avg is not None and value != avg:
                better = (value > avg) == (F.BY_CODE[code].direction == "higher")
                card["vs_average"] = "good" if better else "bad"
        found.append(card)
    return found


def overdue_work(user, today: date, boards: list[dict]) -> list[dict]:
    """Today's overdue hazards, overdue case deadlines and reviews awaiting (late) per board in the
    user's jurisdiction: three grouped queries."""
    from zhifa.cases.models import CaseDeadline, LegalReview
    from zhifa.inspections.models import Hazard

    hazards = dict(
        Hazard.objects.restrict(user, "view")
        .overdue(today)
        .values_list("board")
        .annotate(n=Count("pk"))
        .order_by()
    )
    deadlines = dict(
        CaseDeadline.objects.restrict(user, "view")
        .overdue(today)
        .values_list("case__board")
        .annotate(n=Count("pk"))
        .order_by()
    )
    reviews = {
        row["case__board"]: row
        for row in LegalReview.objects.restrict(user, "view")
        .pending()
        .values("case__board")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    }
    rows = []
    for board in boards:
        pk = board["id"]
        review = reviews.get(pk, {})
        rows.append(
            {
                "id": pk,
                "name": board["name"],
                "hazards": hazards.get(pk, 0),
                "deadlines": deadlines.get(pk, 0),
                "reviews": review.get("n", 0),
                "reviews_late": review.get("late", 0),
                "links": links.overdue_links(pk),
            }
        )
    return rows


def accident_rows(figures: dict) -> list[dict]:
    """Accidents and deaths of the year to date against the same period last year, per board."""
    as_of = date.fromisoformat(figures["as_of"])
    rows = []
    for row in figures["boards"]:
        ytd, before = row["values"][F.YTD], row["values"][F.YTD_LAST_YEAR]
        rows.append(
            {
                "id": row["id"],
                "name": row["name"],
                "accidents": ytd["accidents"],
                "accidents_before": before["accidents"],
                "deaths": ytd["deaths"],
                "deaths_before": before["deaths"],
                "achieved": ytd["accidents"] < before["accidents"] and ytd["deaths"] < before["deaths"],
                "url": links.figure_link(
                    "accidents", row["id"], as_of.replace(month=1, day=1), as_of, today=as_of
                )["url"],
            }
        )
    return rows


def latest_published() -> Bulletin | None:
    return Bulletin.objects.filter(status=BulletinStatus.PUBLISHED).order_by("-month").first()


def own_rank(bulletin: Bulletin | None, ids: frozenset[int]) -> list[dict]:
    if bulletin is None:
        return []
    return [r for r in (bulletin.figures.get("ranking") or {}).get("rows", []) if r["board"] in ids]


def cached_figures(first: date, today: date) -> dict:
    """The district's figures of the month, computed at most once a minute (``CACHE_SECONDS``)."""
    key = f"zhifa:bulletin-figures:{first:%Y-%m}:{today.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = F.compute(first, today=today)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def dashboard(user, first: date, today: date) -> dict:
    """The dashboard page's context: the district's view for district roles, a board's for board roles."""
    figures = F.for_user(cached_figures(first, today), user)
    district_wide = is_district_wide(user)
    context: dict = {
        "figures": figures,
        "district_wide": district_wide,
        "month_label": present.month_label(figures),
    }
    if district_wide:
        context["cards"] = cards(figures, figures["district"], today=today, board_id=None)
        context["overdue"] = overdue_work(user, today, figures["boards"])
        context["accidents"] = accident_rows(figures)
        context["ranking_rows"] = present.ranking_rows(figures.get("ranking") or {})
        context["weights"] = (figures.get("ranking") or {}).get("weights") or {}
        context["highlights"] = present.highlight_lines(figures)
    else:
        context["boards"] = [
            {
                "row": row,
                "cards": cards(figures, row, today=today, board_id=row["id"], average=figures["average"]),
            }
            for row in figures["boards"]
        ]
        context["overdue"] = overdue_work(user, today, figures["boards"])
        context["accidents"] = accident_rows(figures)
        bulletin = latest_published()
        context["latest"] = bulletin
        context["own_rank"] = own_rank(bulletin, board_ids(user))
    return context


def home_panel(user, today: date) -> dict:
    """The home page's 执法通报 panel: this month's figures (the district's, or the board's beside the
    average), the top and bottom of the live ranking for district roles, the latest published bulletin."""
    if not user.has_perm("bulletins.view_figures"):
        return {}
    figures = F.for_user(cached_figures(today.replace(day=1), today), user)
    latest = latest_published() if user.has_perm("bulletins.view_bulletin") else None
    panel: dict = {"month_label": present.month_label(figures), "latest": latest}
    if is_district_wide(user):
        panel["cards"] = cards(figures, figures["district"], today=today, board_id=None)[:8]
        rows = (figures.get("ranking") or {}).get("rows", [])
        panel["top"], panel["bottom"] = rows[:3], rows[-3:] if len(rows) > 3 else []
    else:
        panel["boards"] = [
            {
                "name": row["name"],
                "cards": cards(figures, row, today=today, board_id=row["id"], average=figures["average"])[:8],
            }
            for row in figures["boards"]
        ]
        panel["own_rank"] = own_rank(latest, board_ids(user))
    return {"bulletin_panel": panel}


def month_or_error(raw: str | None, today: date) -> tuple[date, str]:
    """The month asked for, or the current one with the Chinese error naming the field."""
    try:
        return F.parse_month(raw, today), ""
    except F.FiguresError as exc:
        return today.replace(day=1), _("月份：%(e)s") % {"e": exc}

"""The filtered list behind each figure: the dashboards and the bulletin's pages link every number to
the records it counts, with the parameters those lists accept (``zhifa.inspections.filtersets``,
``zhifa.cases.filtersets``, ``zhifa.accidents.filtersets``, the training hours form).

Where a list cannot filter exactly as the figure counts, the link is the nearest list and says so in
its title (e.g. a past month's overdue hazards open today's overdue hazards).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


def _url(name: str, **params) -> str:
    try:
        base = reverse(name)
    except NoReverseMatch:
        return ""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def figure_link(code: str, board_id: int | None, start: date, end: date, *, today: date) -> dict:
    """``{"url", "title"}`` for one figure of one board (``board_id`` None: the whole district)."""
    s, e = start.isoformat(), end.isoformat()
    signed = {"board": board_id, "status": "signed_off", "date_from": s, "date_to": e}
    found = {"board": board_id, "found_from": s, "found_to": e}
    inspections = _("已签署的现场检查")
    if code in ("inspections", "enterprises"):
        return {"url": _url("inspections:inspection_list", **signed), "title": inspections}
    if code == "two_plus_one":
        return {
            "url": _url("inspections:inspection_list", **signed, two_plus_one="true"),
            "title": inspections,
        }
    if code == "cross":
        return {"url": _url("inspections:inspection_list", **signed, cross="true"), "title": inspections}
    if code in ("planned", "plan_completion"):
        return {"url": _url("planning:plan_list"), "title": _("年度监督检查计划")}
    if code == "hazards":
        return {"url": _url("inspections:hazard_list", **found), "title": _("本期发现的隐患")}
    if code == "hazards_general":
        return {
            "url": _url("inspections:hazard_list", **found, level="general"),
            "title": _("本期发现的一般隐患"),
        }
    if code == "hazards_major":
        return {
            "url": _url("inspections:hazard_list", **found, level="major"),
            "title": _("本期发现的重大隐患"),
        }
    if code == "hazards_rectified":
        return {
            "url": _url(
                "inspections:hazard_list", board=board_id, status="closed", closed_from=s, closed_to=e
            ),
            "title": _("本期销号的隐患"),
        }
    if code == "hazards_overdue":
        title = _("逾期未整改的隐患") if end >= today else _("当前逾期未整改的隐患（列表按今日计）")
        return {"url": _url("inspections:hazard_list", board=board_id, overdue="true"), "title": title}
    if code == "cases_registered":
        return {
            "url": _url("cases:case_list", board=board_id, registered_from=s, registered_to=e),
            "title": _("本期立案的案件"),
        }
    if code in ("cases_decided", "fines_decided", "fines_collected"):
        return {
            "url": _url("cases:case_list", board=board_id, decided_from=s, decided_to=e),
            "title": _("本期作出决定的案件") if code != "fines_collected" else _("案件（按决定日期）"),
        }
    if code in ("reviews_first", "reviews_first_passed", "first_pass_rate"):
        return {
            "url": _url("cases:review_queue", board=board_id, pending="false"),
            "title": _("已审核的法制审核"),
        }
    if code == "training_hours":
        return {"url": _url("training:hours", year=end.year, unit=board_id), "title": _("培训学时")}
    if code in ("accidents", "deaths"):
        return {
            "url": _url("accidents:accident_list", board=board_id, year=end.year),
            "title": _("本年生产安全事故"),
        }
    return {"url": "", "title": ""}


def overdue_links(board_id: int | None) -> dict:
    """Today's overdue work of a board (or the district): hazards, case deadlines, legal reviews."""
    return {
        "hazards": _url("inspections:hazard_list", board=board_id, overdue="true"),
        "deadlines": _url("cases:deadline_list", board=board_id, overdue="true"),
        "reviews": _url("cases:review_queue", board=board_id, overdue="true"),
    }

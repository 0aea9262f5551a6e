"""The figures as text: numbers with units and separators, changes with their sign, the summary
paragraph, the tables and the highlights. The PDF, the pages and the workbook all write the figures
through these functions, so they read the same everywhere."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from zhifa.bulletins.figures import BY_CODE, LAST_YEAR, MONTH, PREV, YTD, YTD_LAST_YEAR

#: The boards' tables: inspection work, then cases and the rest (each fits an A4 page's width).
INSPECTION_CODES = (
    "inspections",
    "two_plus_one",
    "cross",
    "enterprises",
    "planned",
    "plan_completion",
    "hazards",
    "hazards_major",
    "hazards_rectified",
    "hazards_overdue",
)
CASE_CODES = (
    "cases_registered",
    "cases_decided",
    "fines_decided",
    "fines_collected",
    "first_pass_rate",
    "case_score",
    "training_hours",
    "accidents",
    "deaths",
)
DASH = "—"


def fmt(code: str, value) -> str:
    """A figure with its separators (money to the 元, rates with one decimal and %)."""
    if value is None:
        return DASH
    kind = BY_CODE[code].kind
    if kind == "rate":
        return f"{value:.1f}%"
    if kind == "money":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if kind in ("hours", "score"):
        return f"{value:,.1f}"
    return f"{int(value):,}"


def change_parts(code: str, change: dict | None) -> tuple[str, str]:
    """The change as (difference, percent): ``("+12", "（+10.5%）")``; a rate's in percentage points."""
    if not change or change.get("delta") is None:
        return DASH, ""
    delta, pct = change["delta"], change.get("pct")
    kind = BY_CODE[code].kind
    if kind == "rate":
        return f"{delta:+.1f} " + _("个百分点"), ""
    if kind == "money":
        text = f"{delta:+,.0f}" if float(delta).is_integer() else f"{delta:+,.2f}"
    elif kind in ("hours", "score"):
        text = f"{delta:+,.1f}"
    else:
        text = f"{delta:+,}"
    return text, "" if pct is None else f"（{pct:+.1f}%）"


def fmt_change(code: str, change: dict | None) -> str:
    """``+12（+10.5%）``; a rate's change in percentage points; — where nothing compares."""
    return "".join(change_parts(code, change))


def tone(code: str, change: dict | None) -> str:
    """``good``, ``bad`` or "" for a change, by the indicator's direction (pages colour it)."""
    if not change or not change.get("delta"):
        return ""
    better = BY_CODE[code].direction == "higher"
    return "good" if (change["delta"] > 0) == better else "bad"


def month_label(figures: dict) -> str:
    year, month = (int(p) for p in figures["month"].split("-"))
    text = _("%(y)s年%(m)s月") % {"y": year, "m": month}
    if figures.get("partial"):
        as_of = date.fromisoformat(figures["as_of"])
        text += _("（截至%(m)s月%(d)s日）") % {"m": as_of.month, "d": as_of.day}
    return text


def district_rows(figures: dict) -> list[dict]:
    """The district's figures: this month, last month, the same month last year, the year to date."""
    row = figures["district"]
    values, changes = row["values"], row["changes"]
    pairs = {"prev": changes[PREV], "last_year": changes[LAST_YEAR], "ytd": changes[YTD_LAST_YEAR]}
    return [
        {
            "code": code,
            "parts": {key: change_parts(code, found[code]) for key, found in pairs.items()},
            "label": str(indicator.label),
            "unit": str(indicator.unit),
            "month": fmt(code, values[MONTH][code]),
            "prev": fmt(code, values[PREV][code]),
            "prev_change": fmt_change(code, changes[PREV][code]),
            "prev_tone": tone(code, changes[PREV][code]),
            "last_year": fmt(code, values[LAST_YEAR][code]),
            "last_year_change": fmt_change(code, changes[LAST_YEAR][code]),
            "last_year_tone": tone(code, changes[LAST_YEAR][code]),
            "ytd": fmt(code, values[YTD][code]),
            "ytd_last_year": fmt(code, values[YTD_LAST_YEAR][code]),
            "ytd_change": fmt_change(code, changes[YTD_LAST_YEAR][code]),
            "ytd_tone": tone(code, changes[YTD_LAST_YEAR][code]),
        }
        for code, indicator in BY_CODE.items()
        if code != "case_score" or figures.get("case_scores_available")
    ]


def board_table(figures: dict, codes: tuple[str, ...], period: str = MONTH) -> dict:
    """Columns (label and unit) and rows (each board, the bureau's direct work, the district)."""
    if not figures.get("case_scores_available"):
        codes = tuple(c for c in codes if c != "case_score")
    columns = [{"code": c, "label": str(BY_CODE[c].label), "unit": str(BY_CODE[c].unit)} for c in codes]
    rows = [
        {"id": row["id"], "name": row["name"], "cells": [fmt(c, row["values"][period][c]) for c in codes]}
        for row in figures["boards"]
    ]
    extra = []
    if "direct" in figures:
        direct = figures["direct"]
        extra.append(
            {
                "id": None,
                "name": direct["name"],
                "cells": [fmt(c, direct["values"][period][c]) for c in codes],
            }
        )
    district = figures["district"]
    extra.append(
        {
            "id": None,
            "name": _("全区合计"),
            "cells": [fmt(c, district["values"][period][c]) for c in codes],
            "total": True,
        }
    )
    return {"columns": columns, "rows": rows, "extra": extra}


def summary(figures: dict) -> str:
    """One paragraph on the district's month, with the changes on the month before and a year before."""
    d = figures["district"]
    v, ch = d["values"][MONTH], d["changes"]

    def vs(code: str) -> str:
        return _("环比%(p)s，同比%(y)s") % {
            "p": fmt_change(code, ch[PREV][code]),
            "y": fmt_change(code, ch[LAST_YEAR][code]),
        }

    parts = [
        _("%(month)s，全区共开展现场检查%(n)s次，%(vs)s；其中“2+1”检查%(t)s次、交叉执法检查%(c)s次")
        % {
            "month": month_label(figures),
            "n": fmt("inspections", v["inspections"]),
            "vs": vs("inspections"),
            "t": fmt("two_plus_one", v["two_plus_one"]),
            "c": fmt("cross", v["cross"]),
        },
        _("检查企业%(e)s家，年度计划本月应检查%(p)s家，完成率%(r)s")
        % {
            "e": fmt("enterprises", v["enterprises"]),
            "p": fmt("planned", v["planned"]),
            "r": fmt("plan_completion", v["plan_completion"]),
        },
        _("发现隐患%(h)s项（其中重大隐患%(m)s项），整改销号%(r)s项，期末逾期未整改%(o)s项")
        % {
            "h": fmt("hazards", v["hazards"]),
            "m": fmt("hazards_major", v["hazards_major"]),
            "r": fmt("hazards_rectified", v["hazards_rectified"]),
            "o": fmt("hazards_overdue", v["hazards_overdue"]),
        },
        _("立案%(r)s件，作出处罚决定%(d)s件，决定罚款%(f)s元，收缴罚款%(c)s元")
        % {
            "r": fmt("cases_registered", v["cases_registered"]),
            "d": fmt("cases_decided", v["cases_decided"]),
            "f": fmt("fines_decided", v["fines_decided"]),
            "c": fmt("fines_collected", v["fines_collected"]),
        },
        _("法制审核一次通过率%(r)s") % {"r": fmt("first_pass_rate", v["first_pass_rate"])},
        _("发生生产安全事故%(a)s起、死亡%(d)s人，事故起数%(vs)s")
        % {"a": fmt("accidents", v["accidents"]), "d": fmt("deaths", v["deaths"]), "vs": vs("accidents")},
    ]
    return "；".join(parts) + "。"


def _boards(names: list[str]) -> str:
    if len(names) <= 3:
        return "、".join(names)
    return _("%(names)s等 %(n)s 个板块") % {"names": "、".join(names[:3]), "n": len(names)}


def highlight_lines(figures: dict) -> list[str]:
    lines = []
    for h in figures.get("highlights", []):
        code = h["code"]
        lines.append(
            _("%(label)s：最好 %(best)s（%(bv)s），最差 %(worst)s（%(wv)s）")
            % {
                "label": h["label"],
                "best": _boards(h["best"]["boards"]),
                "bv": fmt(code, h["best"]["value"]),
                "worst": _boards(h["worst"]["boards"]),
                "wv": fmt(code, h["worst"]["value"]),
            }
        )
    return lines


def ranking_rows(ranking: dict) -> list[dict]:
    """Rank, board, score and each weighted indicator's figure, as text."""
    items = (ranking.get("weights") or {}).get("items", [])
    rows = []
    for row in ranking.get("rows", []):
        rows.append(
            {
                "board": row["board"],
                "rank": row["rank"] or DASH,
                "name": row["name"],
                "score": DASH if row["score"] is None else f"{row['score']:.2f}",
                "cells": [
                    fmt(item["code"], row["parts"][item["code"]]["value"])
                    if item["code"] in row["parts"]
                    else DASH
                    for item in items
                ],
            }
        )
    return rows

"""The bulletin's figures as an Excel workbook (numbers as numbers, so they can be summed and charted):
the district's figures with their changes, the boards for the month and for the year to date, the
ranking, the twelve-month trend and the weighting. Written through ``zhifa.core.xlsx``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhifa.bulletins.figures import (
    BY_CODE,
    INDICATORS,
    LAST_YEAR,
    MONTH,
    PREV,
    TREND_CODES,
    YTD,
    YTD_LAST_YEAR,
)
from zhifa.core.xlsx import sheets_bytes


def _codes(figures: dict) -> list[str]:
    return [i.code for i in INDICATORS if i.code != "case_score" or figures.get("case_scores_available")]


def _district(figures: dict):
    row = figures["district"]
    values, changes = row["values"], row["changes"]
    headers = [
        _("指标"),
        _("单位"),
        _("本月"),
        _("上月"),
        _("环比增减"),
        _("环比（%）"),
        _("去年同月"),
        _("同比增减"),
        _("同比（%）"),
        _("本年累计"),
        _("去年同期累计"),
        _("累计同比增减"),
        _("累计同比（%）"),
    ]
    rows = [
        [
            str(BY_CODE[code].label),
            str(BY_CODE[code].unit),
            values[MONTH][code],
            values[PREV][code],
            changes[PREV][code]["delta"],
            changes[PREV][code]["pct"],
            values[LAST_YEAR][code],
            changes[LAST_YEAR][code]["delta"],
            changes[LAST_YEAR][code]["pct"],
            values[YTD][code],
            values[YTD_LAST_YEAR][code],
            changes[YTD_LAST_YEAR][code]["delta"],
            changes[YTD_LAST_YEAR][code]["pct"],
        ]
        for code in _codes(figures)
    ]
    return _("全区"), headers, rows


def _boards(figures: dict, period: str, title: str):
    codes = _codes(figures)
    headers = [_("板块"), *(f"{BY_CODE[c].label}（{BY_CODE[c].unit}）" for c in codes)]
    rows = [[row["name"], *(row["values"][period][c] for c in codes)] for row in figures["boards"]]
    if "direct" in figures:
        rows.append([figures["direct"]["name"], *(figures["direct"]["values"][period][c] for c in codes)])
    rows.append([_("全区合计"), *(figures["district"]["values"][period][c] for c in codes)])
    return title, headers, rows


def _ranking(figures: dict):
    ranking = figures.get("ranking") or {}
    items = (ranking.get("weights") or {}).get("items", [])
    headers = [
        _("名次"),
        _("板块"),
        _("得分"),
        *(f"{i['label']}（{_('权重')} {i['weight']:g}）" for i in items),
    ]
    rows = [
        [
            row["rank"],
            row["name"],
            row["score"],
            *(row["parts"].get(i["code"], {}).get("value") for i in items),
        ]
        for row in ranking.get("rows", [])
    ]
    return _("排名"), headers, rows


def _trend(figures: dict):
    district = figures["district"]["trend"]
    headers = [_("月份"), *(str(BY_CODE[c].label) for c in TREND_CODES)]
    rows = [
        [month, *(district[c][n] for c in TREND_CODES)] for n, month in enumerate(figures["trend_months"])
    ]
    return _("近12个月趋势"), headers, rows


def _weights(figures: dict):
    weights = (figures.get("ranking") or {}).get("weights") or {}
    headers = [_("指标"), _("权重"), _("方向"), _("说明")]
    rows = [
        [
            i["label"],
            i["weight"],
            _("越低越好") if i["direction"] == "lower" else _("越高越好"),
            i["description"],
        ]
        for i in weights.get("items", [])
    ]
    if weights:
        rows.append([_("权重版本"), None, weights.get("name", ""), weights.get("effective_from", "")])
    return _("排名权重"), headers, rows


def workbook(figures: dict) -> bytes:
    return sheets_bytes(
        [
            _district(figures),
            _boards(figures, MONTH, _("各板块（本月）")),
            _boards(figures, YTD, _("各板块（本年累计）")),
            _ranking(figures),
            _trend(figures),
            _weights(figures),
        ]
    )

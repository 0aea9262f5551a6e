"""A round as an Excel workbook: the files with their scores, the board ranking, and a contest's awards."""

from __future__ import annotations

from collections.abc import Iterable

from zhifa.core.xlsx import sheets_bytes
from zhifa.reviews import services
from zhifa.reviews.models import ReviewRound


def _number(value):
    return float(value) if value is not None else None


def round_workbook(round_: ReviewRound, *, boards: Iterable[int] | None, show_scores: bool) -> bytes:
    """``boards`` limits the rows to what the user may read (None: all); without ``show_scores`` (a board
    during scoring) only the drawn files are listed."""
    wanted = set(boards) if boards is not None else None
    assignments = round_.assignments.select_related("case", "board", "reviewer").order_by("position")
    if wanted is not None:
        assignments = assignments.filter(board__in=wanted)
    file_headers = ["序号", "板块", "立案编号", "当事人", "案由", "结案日期"]
    if show_scores:
        file_headers += ["评查人", "状态", "各项得分合计", "总分", "否决", "结论", "评分版本"]
    files = []
    for a in assignments:
        row = [
            a.position + 1,
            a.board.name,
            a.case.registration_number,
            a.case.party_name,
            a.case.cause,
            a.case.closed_on.isoformat() if a.case.closed_on else "",
        ]
        if show_scores:
            verdict = (
                ""
                if a.passed is None
                else ("不合格（否决）" if a.vetoed else ("合格" if a.passed else "不合格"))
            )
            row += [
                a.reviewer.get_full_name() or a.reviewer.username,
                a.get_status_display(),
                _number(a.points),
                _number(a.total),
                "是" if a.vetoed else "",
                verdict,
                a.version or "",
            ]
        files.append(row)
    sheets = [("评查案卷", file_headers, files)]
    if show_scores:
        ranking = [
            [r.rank or "", r.board.name, r.files, r.scored, _number(r.average), r.vetoes, r.passed]
            for r in services.results(round_, wanted)
        ]
        sheets.append(
            ("板块排名", ["名次", "板块", "抽取案卷", "已评分", "平均分", "否决件数", "合格件数"], ranking)
        )
        if round_.is_contest:
            prizes = [
                [
                    row.label,
                    row.assignment.board.name,
                    row.assignment.case.registration_number,
                    row.assignment.case.party_name,
                    _number(row.assignment.total),
                ]
                for row in services.awards(round_, wanted)
            ]
            sheets.append(("获奖案卷", ["奖项", "板块", "立案编号", "当事人", "总分"], prizes))
    return sheets_bytes(sheets)

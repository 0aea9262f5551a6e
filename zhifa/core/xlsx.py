"""Writing .xlsx responses with openpyxl (write-only mode keeps memory flat for large exports)."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    # Cells starting with = + - @ would run as formulas in Excel (CSV/formula injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def xlsx_bytes(headers: list[str], rows, sheet_title: str = "数据") -> bytes:
    return sheets_bytes([(sheet_title, headers, rows)])


def sheets_bytes(sheets) -> bytes:
    """A workbook of several sheets, each given as (title, headers, rows)."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append([_safe(v) for v in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bytes_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(filename: str, headers: list[str], rows, sheet_title: str = "数据") -> HttpResponse:
    return bytes_response(filename, xlsx_bytes(headers, rows, sheet_title))

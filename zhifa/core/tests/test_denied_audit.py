"""Refused requests audited (DENIED), without flooding; no forged line in the audit chain or the log.

Also the audit pages' time: stored in UTC, shown with Beijing time beside it (page and export).
"""

from __future__ import annotations

import io
import logging
import re
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from zhifa.core.audit import audit_context
from zhifa.core.logsafe import EscapeControlCharsFilter, SafeFormatter
from zhifa.core.middleware import record_denied
from zhifa.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FORGED = "x\r\n2026-12-06 09:00:00 INFO zhifa.security 审计通过"


def _denied():
    return AuditEntry.objects.filter(action="denied").order_by("id")


def test_a_refused_page_is_audited_with_method_path_and_permission(world, web):
    response = web(world.alice).get("/audit/")
    assert response.status_code == 403
    row = _denied().get()
    assert row.user_id == world.alice.pk and row.object_repr == "/audit/"
    assert row.after == {
        "method": "GET",
        "path": "/audit/",
        "permission": "core.view_auditentry",
        "status": 403,
    }
    assert row.ip == "127.0.0.1" and row.request_id


def test_a_refused_api_call_is_audited_with_its_permission(world, api):
    response = api(world.eve).post("/api/v1/enterprises/", {"name": "x"}, format="json")
    assert response.status_code == 403
    row = _denied().get()
    assert row.user_id == world.eve.pk and row.source == "api"
    assert row.after["method"] == "POST" and row.after["permission"] == "enterprises.add_enterprise"


def test_a_403_raised_without_a_declared_permission_is_audited_too(world, web):
    # The export view raises PermissionDenied itself; the admin refuses the audit administrator's
    # account page with its own 403.
    client = web(world.sam)
    assert client.get("/audit/export/").status_code == 403
    assert client.get(f"/admin/accounts/user/{world.alice.pk}/history/").status_code == 403
    assert [r.object_repr for r in _denied()] == [
        "/audit/export/",
        f"/admin/accounts/user/{world.alice.pk}/history/",
    ]


def test_identical_refusals_within_the_window_are_written_once(world, web, settings):
    client = web(world.bob)
    for _ in range(5):
        assert client.get("/audit/").status_code == 403
    client.get("/audit/export/")
    assert [r.object_repr for r in _denied()] == ["/audit/", "/audit/export/"]
    # Another account refused the same path is its own row; after the window the same one is again.
    web(world.alice).get("/audit/")
    settings.ZHIFA_DENIED_AUDIT_SECONDS = 0
    web(world.bob).get("/audit/")
    assert _denied().count() == 4


def test_anonymous_refusals_go_to_the_application_log_not_the_chain(world, client, api, caplog):
    with caplog.at_level(logging.INFO, logger="zhifa.security"):
        assert client.get("/audit/").status_code == 302
        assert api().get("/api/v1/enterprises/").status_code == 401
    assert not _denied().exists()
    messages = [r.getMessage() for r in caplog.records if r.name == "zhifa.security"]
    assert any("GET /audit/ -> 302" in m for m in messages)
    assert any("GET /api/v1/enterprises/ -> 401" in m for m in messages)


def test_a_path_with_cr_lf_cannot_forge_an_audit_row(world, rf):
    request = rf.get("/audit/%0d%0a2026-12-06%2009:00:00%20forged/")
    assert "\r\n" in request.path
    with audit_context(request=request, source="web"):
        record_denied(request, world.alice)
    row = _denied().get()
    assert "\r" not in row.object_repr and "\n" not in row.object_repr
    assert "\n" not in row.message and "\r" not in row.message


def test_a_forged_request_id_header_is_replaced_not_stored(world, web):
    response = web(world.alice).get("/audit/", HTTP_X_REQUEST_ID=FORGED)
    row = _denied().get()
    assert re.fullmatch(r"[0-9a-f]{32}", row.request_id)
    assert response["X-Request-ID"] == row.request_id


@pytest.fixture
def log_stream():
    """The project's console handler (settings.LOGGING), writing into a buffer for the test."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if isinstance(h.formatter, SafeFormatter))
    buffer = io.StringIO()
    # Swapped directly: setStream() flushes the old stream first, which may be a capture pytest has closed.
    previous, handler.stream = handler.stream, buffer
    try:
        yield buffer
    finally:
        handler.stream = previous


def test_the_configured_log_handler_escapes_forged_lines(world, client, log_stream):
    # A username typed at the sign-in page and a path, each carrying a forged log line.
    client.post("/accounts/login/", {"username": FORGED, "password": "wrong"})
    client.get("/cases/%0d%0a2026-12-06%2009:00:00%20INFO%20forged")
    logging.getLogger("zhifa.security").warning("user %s", FORGED)
    logging.getLogger("django.request").error("path %s", FORGED)
    lines = log_stream.getvalue().splitlines()
    assert lines, "nothing was logged"
    assert not [line for line in lines if line.startswith("2026-12-06 09:00:00")]
    assert any("x\\r\\n2026-12-06 09:00:00 INFO" in line for line in lines)


def test_a_traceback_stays_readable_but_cannot_start_a_line(caplog):
    record = logging.LogRecord("zhifa", logging.ERROR, __file__, 1, "failed for %s", (FORGED,), None)
    try:
        raise ValueError(FORGED)
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    EscapeControlCharsFilter().filter(record)
    text = SafeFormatter().format(record)
    first, *rest = text.split("\n")
    assert "x\\r\\n2026-12-06" in first
    assert rest and all(line.startswith("  | ") for line in rest)


def test_audit_pages_and_export_show_utc_and_beijing_time(world, web):
    web(world.alice).get("/audit/")  # one DENIED row
    row = _denied().get()
    local = row.occurred_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    assert row.occurred_local == local
    client = web(world.audrey)
    assert local in client.get("/audit/?action=denied").content.decode()
    detail = client.get(f"/audit/{row.pk}/").content.decode()
    utc = row.occurred_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S")
    assert local in detail and utc in detail and local != utc
    sheet = load_workbook(io.BytesIO(client.get("/audit/export/?action=denied").content)).active
    header, first = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert first[header.index("时间(北京)")] == local
    assert str(first[header.index("时间(UTC)")]).startswith(row.occurred_at.isoformat()[:19])

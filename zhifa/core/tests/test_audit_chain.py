"""The full-process record: every change is chained, and tampering is found and named."""

import pytest
from django.core.management import call_command
from django.db import connection

from zhifa.core import audit
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise

pytestmark = pytest.mark.django_db


def test_creating_an_enterprise_writes_a_chained_row(world):
    before = AuditEntry.objects.count()
    enterprise = make_enterprise(world.board_a, name="常州某某机械有限公司")
    rows = list(AuditEntry.objects.filter(object_type="enterprises.enterprise", object_id=str(enterprise.pk)))
    assert rows and rows[-1].action == AuditAction.CREATE
    assert rows[-1].after["name"] == "常州某某机械有限公司"
    assert AuditEntry.objects.count() > before
    newest, previous = AuditEntry.objects.order_by("-id")[:2]
    assert newest.prev_hash == previous.hash


def test_an_update_records_only_the_changed_fields_before_and_after(world):
    enterprise = make_enterprise(world.board_a)
    enterprise = type(enterprise).objects.get(pk=enterprise.pk)
    enterprise.address = "湖塘镇新址路 1 号"
    enterprise.save()
    row = AuditEntry.objects.filter(object_type="enterprises.enterprise", action=AuditAction.UPDATE).latest(
        "id"
    )
    assert row.after["address"] == "湖塘镇新址路 1 号"
    assert "name" not in row.after


def test_the_chain_verifies_after_ordinary_work(world):
    make_enterprise(world.board_a)
    result = audit.verify()
    assert result.ok and result.checked == AuditEntry.objects.count()


def test_the_log_cannot_be_changed_or_deleted_through_the_application(world):
    row = AuditEntry.objects.first()
    row.message = "改写"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_the_database_rejects_an_update_of_the_log(world):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET message = 'x'")


def _tamper(sql, params):
    """Alter a row as an attacker with database-owner rights would: around the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
            cursor.execute(sql, params)


def test_verify_names_the_altered_row(world):
    make_enterprise(world.board_a)
    target = AuditEntry.objects.order_by("id")[3]
    _tamper("UPDATE core_auditentry SET message = %s WHERE id = %s", ["篡改", target.pk])
    result = audit.verify()
    assert not result.ok
    assert result.bad_id == target.pk


def test_verify_finds_a_deleted_row_at_its_successor(world):
    rows = list(AuditEntry.objects.order_by("id").values_list("id", flat=True)[:6])
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [rows[2]])
    result = audit.verify()
    assert not result.ok and result.bad_id == rows[3]


def test_audit_verify_command_exits_non_zero_naming_the_row(world, capsys):
    call_command("audit", "verify")
    assert "通过" in capsys.readouterr().out
    target = AuditEntry.objects.order_by("id")[1]
    _tamper("UPDATE core_auditentry SET after = %s WHERE id = %s", ['{"name": "x"}', target.pk])
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code != 0
    assert f"#{target.pk}" in capsys.readouterr().err


def test_log_injection_is_neutralised_in_single_line_fields(world):
    row = audit.record(AuditAction.SYSTEM, object_type="x", object_repr="正常\r\n伪造的一行", message="m")
    assert "\n" not in row.object_repr and "\r" not in row.object_repr


def test_each_row_stores_its_digest_algorithm(world):
    from zhifa.core import crypto

    assert set(AuditEntry.objects.values_list("algorithm", flat=True)) == {crypto.CHAIN_ALGORITHM}


def test_the_export_of_the_log_gives_utc_and_beijing_time(world, web):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    response = web(world.audrey).get(reverse("core:audit_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    utc, local = rows[0].index("时间(UTC)"), rows[0].index("时间(北京)")
    first = AuditEntry.objects.order_by("id").first()
    assert rows[1][utc] == first.occurred_at.isoformat() and rows[1][utc].endswith("+00:00")
    assert rows[1][local] == first.occurred_local

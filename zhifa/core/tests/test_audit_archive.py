"""Retention and archive: rows older than the retention leave the table only into a signed archive.

The log is kept at least 184 days (网络安全法 art. 21). `zhifa audit archive` moves older rows into a
compressed file with a signed manifest and removes them through the one door the triggers leave open
(a permit written in the same transaction, for rows older than 184 days); every other delete or
update is still refused by the database. The chain stays verifiable end to end, files included.
"""

import datetime as dt
import gzip
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from zhifa.core import audit
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditArchive, AuditArchivePermit, AuditEntry
from zhifa.core.tests.test_audit_chain import _tamper

pytestmark = pytest.mark.django_db

SEED = "22" * 32


@pytest.fixture(autouse=True)
def _keys_and_anchor_file(settings, tmp_path):
    settings.ZHIFA_AUDIT_SIGNING_KEY = SEED
    settings.ZHIFA_AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"


@pytest.fixture
def history(monkeypatch):
    """Ten rows written 300 days ago, then five written today: the first ten are past retention."""
    real_now = timezone.now
    long_ago = real_now() - dt.timedelta(days=300)
    old = []
    for i in range(10):
        monkeypatch.setattr(timezone, "now", lambda i=i: long_ago + dt.timedelta(minutes=i))
        old.append(
            audit.record(AuditAction.SYSTEM, object_type="test", object_id=str(i), message=f"旧记录 {i}")
        )
    monkeypatch.setattr(timezone, "now", real_now)
    new = [audit.record(AuditAction.SYSTEM, object_type="test", message=f"新记录 {i}") for i in range(5)]
    return old, new


def _run(capsys, *args):
    try:
        call_command("audit", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_cut_inside_the_retention_is_refused_and_nothing_moves(history, capsys, settings, tmp_path):
    recent = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    code, _, err = _run(capsys, "archive", "--before", recent, "--to", str(tmp_path / "a"))
    assert code == 2 and "184 天" in err and "网络安全法" in err
    # A longer local retention is honoured too: 300-day-old rows stay when 365 days are asked for.
    settings.ZHIFA_AUDIT_RETENTION_DAYS = 365
    code, out, _ = _run(capsys, "archive", "--to", str(tmp_path / "a"))
    assert code == 0 and "无需归档" in out
    code, _, err = _run(capsys, "archive", "--before", "2026-02-30", "--to", str(tmp_path / "a"))
    assert code == 2 and "--before" in err and "YYYY-MM-DD" in err
    assert AuditEntry.objects.count() == 15 and not AuditArchive.objects.exists()
    assert not list((tmp_path / "a").glob("audit-*"))


def test_a_retention_below_six_months_stops_the_start_up(tmp_path):
    environment = {**os.environ, "ZHIFA_AUDIT_RETENTION_DAYS": "90", "ZHIFA_DATA_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", "import zhifa.settings"], env=environment, capture_output=True, text=True
    )
    assert run.returncode != 0 and "ZHIFA_AUDIT_RETENTION_DAYS" in run.stderr and "184" in run.stderr


def test_archive_moves_old_rows_and_the_chain_verifies_end_to_end(history, capsys, tmp_path):
    old, new = history
    audit.append_anchor_file(audit.settings.ZHIFA_AUDIT_ANCHOR_FILE, audit.make_anchor())  # covers #old..#new
    target = tmp_path / "archive"
    code, out, _ = _run(capsys, "archive", "--to", str(target))
    assert code == 0 and f"#{old[0].pk}–#{old[-1].pk} 共 10 条" in out

    assert not AuditEntry.objects.filter(pk__lte=old[-1].pk).exists()
    cp = AuditArchive.objects.get()
    assert (cp.first_id, cp.last_id, cp.count, cp.last_hash) == (old[0].pk, old[-1].pk, 10, old[-1].hash)
    row = AuditEntry.objects.order_by("-id").first()
    assert row.action == AuditAction.ARCHIVE and cp.file_name in row.message and cp.file_sha256 in row.message
    with gzip.open(target / cp.file_name, "rt", encoding="utf-8") as handle:
        archived = [json.loads(line) for line in handle]
    assert [r["hash"] for r in archived] == [r.hash for r in old]
    assert archived[0]["occurred_at"].endswith("+00:00") and archived[0]["occurred_local"]
    manifest = json.loads((target / f"{cp.file_name}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["manifest"]["sha256"] == cp.file_sha256 and manifest["signature"] == cp.signature

    code, out, err = _run(capsys, "verify")
    assert code == 0 and "另有 10 条在 1 个归档中" in out and not err
    code, out, err = _run(capsys, "verify", "--archives", str(target))
    assert code == 0 and "已核对 1 个归档文件" in out and not err
    # Rows written later keep chaining; a second archive (nothing old left) is a no-op.
    audit.record(AuditAction.SYSTEM, object_type="test", message="之后")
    code, out, _ = _run(capsys, "archive", "--to", str(target))
    assert code == 0 and "无需归档" in out
    assert audit.verify().ok


def test_an_anchor_inside_an_archive_is_checked_against_the_file(history, monkeypatch, capsys, tmp_path):
    old, _ = history
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: old[4].occurred_at)
    head = audit.make_anchor()
    monkeypatch.setattr(timezone, "now", real_now)
    head.update(last_id=old[4].pk, last_hash=old[4].hash, count=5)  # the head as it was then
    body = {k: v for k, v in head.items() if k != "signature"}
    head["signature"] = audit.crypto.sign(audit._canonical_json(body))["signature"]
    audit.append_anchor_file(audit.settings.ZHIFA_AUDIT_ANCHOR_FILE, head)
    audit.archive(tmp_path / "archive")
    code, out, err = _run(capsys, "verify")
    assert code == 0 and "--archives" in err  # honest: not checked without the files
    code, out, err = _run(capsys, "verify", "--archives", str(tmp_path / "archive"))
    assert code == 0 and "与 1 个锚定一致" in out and not err


def test_a_tampered_archive_file_is_found(history, capsys, tmp_path):
    target = tmp_path / "archive"
    result = audit.archive(target)
    path = result.path
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    row = json.loads(lines[3])
    row["message"] = "改写的旧记录"
    lines[3] = json.dumps(row, ensure_ascii=False, sort_keys=True)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    code, _, err = _run(capsys, "verify", "--archives", str(target))
    assert code == 1 and result.checkpoint.file_name in err and "SHA-256" in err

    path.unlink()
    code, _, err = _run(capsys, "verify", "--archives", str(target))
    assert code == 1 and "不在" in err


def test_a_deleted_or_altered_checkpoint_is_found(history, capsys, tmp_path):
    cp = audit.archive(tmp_path / "archive").checkpoint
    _tamper_checkpoint("UPDATE core_auditarchive SET count = 9 WHERE id = %s", [cp.pk])
    code, _, err = _run(capsys, "verify")
    assert code == 1 and "归档检查点" in err and "count" in err
    _tamper_checkpoint("DELETE FROM core_auditarchive WHERE id = %s", [cp.pk])
    code, _, err = _run(capsys, "verify")
    first_live = AuditEntry.objects.order_by("id").first()
    assert code == 1 and f"记录 #{first_live.pk}" in err and "前一条哈希不符" in err


def test_archive_refuses_a_broken_chain_and_leaves_no_file(history, tmp_path):
    old, _ = history
    _tamper("UPDATE core_auditentry SET message = %s WHERE id = %s", ["改", old[2].pk])
    with pytest.raises(audit.ArchiveError, match=f"#{old[2].pk}"):
        audit.archive(tmp_path / "archive")
    assert AuditEntry.objects.filter(pk=old[0].pk).exists() and not list((tmp_path / "archive").iterdir())


def test_every_other_delete_or_update_is_still_refused(history, tmp_path):
    old, new = history
    refused = [
        ("DELETE FROM core_auditentry WHERE id = %s", [old[0].pk]),  # old, but no permit
        ("UPDATE core_auditentry SET message = 'x' WHERE id = %s", [old[0].pk]),
    ]
    for sql, params in refused:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    # A permit opens the door for old rows only: today's rows stay even inside a permit's range.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        _permit(cursor, old[0].pk, new[-1].pk)
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [new[0].pk])
    cp = audit.archive(tmp_path / "archive").checkpoint
    for sql in (
        "UPDATE core_auditarchive SET count = 1 WHERE id = %s",
        "DELETE FROM core_auditarchive WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [cp.pk])
    assert AuditEntry.objects.count() == 5 + 1 and AuditArchive.objects.count() == 1
    assert not AuditArchivePermit.objects.exists()  # the archive's permit went with its transaction


@pytest.mark.postgres
def test_postgresql_accepts_a_permit_only_from_the_deleting_transaction(history):
    old, _ = history
    with connection.cursor() as cursor:
        # A permit left by an earlier transaction (here: forged with another txid) opens nothing.
        cursor.execute(
            "INSERT INTO core_auditarchivepermit (first_id, last_id, txid, created_at) "
            "VALUES (%s, %s, txid_current() - 1, now())",
            [old[0].pk, old[-1].pk],
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [old[0].pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry")
    with transaction.atomic(), connection.cursor() as cursor:
        _permit(cursor, old[0].pk, old[0].pk)
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [old[0].pk])
        assert cursor.rowcount == 1
        transaction.set_rollback(True)


def _permit(cursor, first_id, last_id):
    txid = "txid_current()" if connection.vendor == "postgresql" else "NULL"
    cursor.execute(
        f"INSERT INTO core_auditarchivepermit (first_id, last_id, txid, created_at) VALUES (%s, %s, {txid}, %s)",
        [first_id, last_id, timezone.now()],
    )


def _tamper_checkpoint(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditarchive DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditarchive ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditarchive_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditarchive_no_delete")
            cursor.execute(sql, params)


def test_the_audit_administrator_sees_where_archived_rows_went(history, world, web, tmp_path):
    cp = audit.archive(tmp_path / "archive").checkpoint
    client = web(world.audrey)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert reverse("core:audit_archive_list") in page
    page = client.get(reverse("core:audit_archive_list")).content.decode()
    assert cp.file_name in page and f"#{cp.first_id}–#{cp.last_id}" in page and cp.file_sha256 in page
    assert web(world.sam).get(reverse("core:audit_archive_list")).status_code == 403

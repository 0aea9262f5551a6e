"""Backups that restore on PostgreSQL: pg_dump in the manifest's snapshot, restored in one transaction.

Run with ``scripts/with-postgres.sh .venv/bin/python -m pytest -p no:xdist \
zhifa/core/tests/test_backup_pg.py``.
Transactional tests: pg_dump, run in its own session, cannot see a test's open transaction.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zhifa.core import backup
from zhifa.core.tests import test_backup as common

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("audit_triggers_lifted", "transactional_db", "django_db_serialized_rollback"),
]
data = common.data


def test_round_trip_on_postgresql_gives_identical_records_files_and_a_verifying_chain(data, tmp_path):
    common.assert_round_trip(data, tmp_path)


def test_postgresql_archive_refused_when_tampered_or_for_sqlite_with_nothing_changed(
    data, tmp_path, settings
):
    common.small_world()
    good = backup.create_backup(tmp_path / "good.tar.gz").path
    (tmp_path / "s").mkdir()
    manifest_db = backup.read_archive(good, tmp_path / "s")["database"]
    assert manifest_db["vendor"] == "postgresql" and manifest_db["member"] == backup.DB_PG
    assert manifest_db["pg_dump_major"] >= manifest_db["server_major"] == connection.pg_version // 10000
    records, files, now_head = common.db_state(), common.files_state(data), common.head()
    fake = b"PGDMP" + b"\0" * 64

    def consistent(doc):  # the dump's line in the manifest brought in line with the fake dump
        entry = next(m for m in doc["members"] if m["path"] == backup.DB_PG)
        entry.update(sha256=hashlib.sha256(fake).hexdigest(), size=len(fake))

    cases = {
        "dump and manifest rewritten consistently": (
            common.rewrite(
                good, tmp_path / "t0.tar.gz", change={backup.DB_PG: fake}, manifest=consistent, resign=False
            ),
            "签名核对未通过：签名无效",
        ),
        "tampered dump": (
            common.rewrite(good, tmp_path / "t1.tar.gz", change={backup.DB_PG: fake}),
            "SHA-256 不符",
        ),
        "an SQLite backup": (
            common.rewrite(
                good, tmp_path / "t2.tar.gz", manifest=lambda m: m["database"].update(vendor="sqlite")
            ),
            "备份来自 SQLite 数据库，而当前配置的是 PostgreSQL",
        ),
    }
    for label, (archive, message) in cases.items():
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(archive), "--yes", stdout=io.StringIO())
        assert common.db_state() == records and common.head() == now_head, label
        assert common.files_state(data) == files, label
        assert not (data / "backups").exists(), label


def test_the_postgresql_manifest_counts_archived_rows_in_the_chain_as_the_anchors_do(
    data, tmp_path, monkeypatch
):
    common.assert_archived_chain_round_trip(data, tmp_path, monkeypatch)

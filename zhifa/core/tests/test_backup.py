"""Backups that restore (SQLite): the round trip gives the same records, the same files and a chain that
verifies; an archive that is not exactly what was written is refused with nothing changed.

The PostgreSQL round trip is in test_backup_pg.py and reuses the helpers here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from zhifa.core import audit, backup, crypto
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import build_world, make_checklist, make_enterprise, make_inspection

# The archives here carry an SQLite database (the online backup API); PostgreSQL's dump and restore are
# tested in test_backup_pg.py.
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite backups; PostgreSQL's in test_backup_pg.py"
)

SEED = "33" * 32  # the audit signing key of these tests (hex Ed25519 seed)
OTHER_SEED = "44" * 32  # another machine's, or a forger's, key


# Transactional: a backup reads the database outside any transaction (SQLite's backup API would wait for
# the test's own write lock; pg_dump cannot see it) and a restore replaces the whole database. The audit
# triggers are lifted for the flush at the end; the data of the migrations is put back after each test.
def transactional(test):
    marked = pytest.mark.django_db(transaction=True, serialized_rollback=True)(test)
    return pytest.mark.usefixtures("audit_triggers_lifted")(marked)


# --- helpers (also used by test_backup_pg) ------------------------------------------------------------


def png(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def small_world():
    """Personas, an enterprise and an inspection with a photo (its blob and thumbnail on disk)."""
    from zhifa.inspections.evidence import add_evidence

    world = build_world()
    enterprise = make_enterprise(world.board_a, name="湖塘精密机械有限公司")
    inspection = make_inspection(
        enterprise, [world.alice.officer], checklist=make_checklist(), user=world.alice
    )
    add_evidence(
        SimpleUploadedFile("现场.png", png(), content_type="image/png"),
        kind="photo",
        user=world.alice,
        inspection=inspection,
    )
    return world, enterprise, inspection


def change_everything(world, enterprise, inspection, data: Path) -> None:
    """After the backup: records changed and added, files added and changed."""
    from zhifa.inspections.evidence import add_evidence

    enterprise.name = "改名后的公司"
    enterprise.save()
    make_enterprise(world.board_b, name="备份之后新建的公司")
    add_evidence(
        SimpleUploadedFile("第二张.png", png((10, 200, 10)), content_type="image/png"),
        kind="photo",
        user=world.alice,
        inspection=inspection,
    )
    (data / "forms" / "override.html").write_text("改过的模板", encoding="utf-8")
    (data / "forms" / "new.html").write_text("新增的模板", encoding="utf-8")


def db_state(head_id: int | None = None) -> dict[str, list[dict]]:
    """Every row of every model (audit rows up to ``head_id`` when given)."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        rows = model._base_manager.order_by("pk")
        if model is AuditEntry and head_id is not None:
            rows = rows.filter(pk__lte=head_id)
        state[model._meta.label] = list(rows.values())
    return state


def files_state(data: Path) -> dict[str, str]:
    """SHA-256 of every file in the data directory's backed-up part."""
    out = {}
    for path in sorted(data.rglob("*")):
        rel = path.relative_to(data)
        if path.is_file() and rel.parts[0] not in ("backups", "static", "keys", "secret_key"):
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def head() -> tuple[int, str] | None:
    return AuditEntry.objects.order_by("-id").values_list("id", "hash").first()


def sign_manifest(doc: dict) -> None:
    """Sign an edited manifest again with the configured key, as only the key's holder can."""
    body = {k: v for k, v in doc.items() if k != "signature"}
    doc["signature"] = crypto.sign(audit._canonical_json(body))["signature"]


def rewrite(
    archive: Path, target: Path, *, change=None, add=(), manifest=None, drop=(), rename=None, resign=True
) -> Path:
    """Copy an archive, altering members: ``change`` {name: bytes}, ``add`` [TarInfo, bytes|None],
    ``manifest`` a function editing the manifest dict, ``drop`` names left out, ``rename`` {old: new}
    in the archive and its manifest alike. An edited manifest is signed again with the configured key
    (so the check under test is the one that refuses) unless ``resign`` is false."""
    change, rename = change or {}, rename or {}
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as out:
        for info in src:
            if info.name in drop:
                continue
            data = src.extractfile(info).read()
            if info.name == backup.MANIFEST and (manifest is not None or rename):
                doc = json.loads(data)
                for entry in doc["members"]:
                    entry["path"] = rename.get(entry["path"], entry["path"])
                if manifest is not None:
                    manifest(doc)
                if resign:
                    sign_manifest(doc)
                data = json.dumps(doc).encode()
            info.name = rename.get(info.name, info.name)
            data = change.get(info.name, data)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
        for info, data in add:
            out.addfile(info, io.BytesIO(data) if data is not None else None)
    return target


@pytest.fixture
def data(settings, tmp_path) -> Path:
    settings.ZHIFA_AUDIT_SIGNING_KEY = SEED
    settings.DATA_DIR = tmp_path / "data"
    settings.ZHIFA_AUDIT_ANCHOR_FILE = settings.DATA_DIR / "audit-anchors.jsonl"
    (settings.DATA_DIR / "forms").mkdir(parents=True)
    (settings.DATA_DIR / "forms" / "override.html").write_text("管理员的模板", encoding="utf-8")
    (settings.DATA_DIR / "keys").mkdir()
    (settings.DATA_DIR / "keys" / "data.key").write_text("00" * 16)
    (settings.DATA_DIR / "secret_key").write_text("s" * 50)
    (settings.DATA_DIR / "static").mkdir()
    (settings.DATA_DIR / "static" / "app.css").write_text("body{}")
    return settings.DATA_DIR


def round_trip(data: Path, tmp_path: Path):
    """Back up a small world, change it, restore; return what the test compares."""
    world, enterprise, inspection = small_world()
    records, files, at_backup = db_state(), files_state(data), head()
    out = tmp_path / "out"
    out.mkdir()
    call_command("backup", str(out), stdout=io.StringIO())
    (archive,) = out.iterdir()
    change_everything(world, enterprise, inspection, data)
    before_restore = head()
    assert files_state(data) != files and db_state() != records
    stdout = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=stdout)
    return archive, records, files, at_backup, before_restore, stdout.getvalue()


def assert_round_trip(data: Path, tmp_path: Path) -> None:
    archive, records, files, at_backup, before_restore, report = round_trip(data, tmp_path)

    assert db_state(head_id=at_backup[0]) == records
    assert files_state(data) == files
    assert audit.verify().ok
    (tmp_path / "staging").mkdir()
    manifest = backup.read_archive(archive, tmp_path / "staging")
    assert (manifest["audit_head"]["id"], manifest["audit_head"]["hash"]) == at_backup
    assert AuditEntry.objects.get(pk=at_backup[0]).hash == at_backup[1]
    restore_row = AuditEntry.objects.order_by("-id").first()
    assert restore_row.action == AuditAction.RESTORE and restore_row.prev_hash == at_backup[1]
    assert restore_row.before["audit_head_id"] == before_restore[0]
    assert "审计日志校验通过" in report
    # The state the restore replaced is kept: its safety backup holds the changed records' head.
    (safety,) = (data / "backups").iterdir()
    (tmp_path / "safety").mkdir()
    kept = backup.read_archive(safety, tmp_path / "safety")
    assert kept["audit_head"]["id"] == before_restore[0]


# --- the round trip -----------------------------------------------------------------------------------


@transactional
def test_round_trip_gives_identical_records_files_and_a_verifying_chain(data, tmp_path):
    assert_round_trip(data, tmp_path)


# --- what goes in -------------------------------------------------------------------------------------


@transactional
def test_archive_lists_every_member_with_its_hash_and_leaves_out_static_keys_and_backups(data, tmp_path):
    small_world()
    (data / "backups").mkdir()
    (data / "backups" / "older.tar.gz").write_bytes(b"old")
    at_backup = head()
    result = backup.create_backup(tmp_path / "one.tar.gz")

    with tarfile.open(result.path) as tar:
        names = tar.getnames()
        contents = {n: tar.extractfile(n).read() for n in names}
    manifest = json.loads(contents.pop(backup.MANIFEST))
    listed = {m["path"]: m for m in manifest["members"]}
    assert set(listed) == set(contents)
    for name, body in contents.items():
        assert listed[name]["sha256"] == hashlib.sha256(body).hexdigest()
        assert listed[name]["size"] == len(body)
    assert backup.DB_SQLITE in listed and "files/forms/override.html" in listed
    assert not [
        n for n in listed if n.startswith(("files/static", "files/keys", "files/backups", "files/secret"))
    ]
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["migrations"]["core"] >= "0005"
    assert (manifest["audit_head"]["id"], manifest["audit_head"]["hash"]) == at_backup
    assert manifest["created_utc"].endswith("+00:00") and manifest["created_beijing"]
    assert manifest["zhifa_version"]
    # Signed with the audit key, naming the key and the algorithm (both signed too).
    public = crypto.signing_key().public_key()
    assert manifest["signature_algorithm"] == "ed25519" and manifest["key_id"] == crypto.key_id(public)
    body = {k: v for k, v in manifest.items() if k != "signature"}
    assert crypto.verify_signature(audit._canonical_json(body), manifest["signature"], "ed25519", public)
    if hasattr(crypto, "data_key_fingerprint"):
        assert manifest["data_key_fingerprint"] == crypto.data_key_fingerprint()
    # Recorded in the chain, with the archive's own hash.
    row = AuditEntry.objects.filter(action=AuditAction.BACKUP).get()
    assert row.after["sha256"] == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert row.after["audit_head_id"] == manifest["audit_head"]["id"]


@transactional
def test_keys_only_with_include_keys_and_never_an_overwrite(data, tmp_path):
    err = io.StringIO()
    call_command("backup", str(tmp_path / "k.tar.gz"), "--include-keys", stdout=io.StringIO(), stderr=err)
    with tarfile.open(tmp_path / "k.tar.gz") as tar:
        names = set(tar.getnames())
    assert {"files/keys/data.key", "files/secret_key"} <= names
    assert "带着自身解密密钥的备份" in err.getvalue()

    # Never overwrites; a missing directory is named.
    target = tmp_path / "b.tar.gz"
    target.write_bytes(b"precious")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(target), stdout=io.StringIO())
    assert target.read_bytes() == b"precious"
    with pytest.raises(CommandError, match="不存在"):
        call_command("backup", str(tmp_path / "nowhere" / "b.tar.gz"), stdout=io.StringIO())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".zhifa-backup-")]


# --- refused, with nothing changed --------------------------------------------------------------------


def _link(name: str, target: str, kind=tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


def _file(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    return info


@transactional
def test_bad_archives_are_refused_in_chinese_with_nothing_changed(data, tmp_path, monkeypatch):
    small_world()
    good = backup.create_backup(tmp_path / "good.tar.gz").path
    records, files, now_head = db_state(), files_state(data), head()
    with tarfile.open(good) as tar:
        blob = next(n for n in tar.getnames() if n.startswith("files/blobs/"))
    (tmp_path / "not-a-backup.txt").write_text("你好")
    (tmp_path / "truncated.tar.gz").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    evil = b"pwned"

    def consistent(doc):  # the manifest's line for the altered member, brought in line with it
        entry = next(m for m in doc["members"] if m["path"] == blob)
        entry.update(sha256=hashlib.sha256(b"altered evidence").hexdigest(), size=len(b"altered evidence"))

    def signed_by_another_key(doc):
        consistent(doc)
        with override_settings(ZHIFA_AUDIT_SIGNING_KEY=OTHER_SEED):
            doc.update(crypto.signer_info())
            sign_manifest(doc)

    cases = {
        "member and manifest rewritten consistently": (
            rewrite(
                good,
                tmp_path / "s1.tar.gz",
                change={blob: b"altered evidence"},
                manifest=consistent,
                resign=False,
            ),
            "签名核对未通过：签名无效：内容被篡改或伪造",
        ),
        "signature removed": (
            rewrite(good, tmp_path / "s2.tar.gz", manifest=lambda m: m.pop("signature"), resign=False),
            "没有签名",
        ),
        "re-signed with another key": (
            rewrite(
                good,
                tmp_path / "s3.tar.gz",
                change={blob: b"altered evidence"},
                manifest=signed_by_another_key,
                resign=False,
            ),
            "的密钥签名，与所用公钥",
        ),
        "missing": (tmp_path / "missing.tar.gz", "不存在"),
        "not an archive": (tmp_path / "not-a-backup.txt", "不是 Zhifa 备份文件"),
        "truncated": (tmp_path / "truncated.tar.gz", "不完整或已损坏"),
        "tampered member": (
            rewrite(good, tmp_path / "t1.tar.gz", change={blob: b"altered evidence"}),
            "SHA-256 不符",
        ),
        "tampered database": (
            rewrite(
                good, tmp_path / "t2.tar.gz", change={backup.DB_SQLITE: b"SQLite format 3\0" + b"x" * 99}
            ),
            "SHA-256 不符",
        ),
        "member not listed": (
            rewrite(good, tmp_path / "t3.tar.gz", add=[(_file("files/forms/extra.html", 5), evil)]),
            "不在备份清单中",
        ),
        "listed member missing": (rewrite(good, tmp_path / "t4.tar.gz", drop={blob}), "缺失"),
        "path traversal": (
            rewrite(good, tmp_path / "t5.tar.gz", add=[(_file("files/../../evil.txt", 5), evil)]),
            "路径不安全",
        ),
        "absolute path": (
            rewrite(good, tmp_path / "t6.tar.gz", add=[(_file("/tmp/evil.txt", 5), evil)]),
            "路径不安全",
        ),
        "symbolic link": (
            rewrite(good, tmp_path / "t7.tar.gz", add=[(_link("files/forms/l", "/etc/passwd"), None)]),
            "不是普通文件",
        ),
        "hard link": (
            rewrite(
                good,
                tmp_path / "t8.tar.gz",
                add=[(_link("files/forms/h", "manifest.json", tarfile.LNKTYPE), None)],
            ),
            "不是普通文件",
        ),
        "a key file in a backup without keys": (
            rewrite(good, tmp_path / "t9.tar.gz", rename={blob: "files/keys/data.key"}),
            "指向不应恢复的位置（keys）",
        ),
        "into the backups": (
            rewrite(good, tmp_path / "t14.tar.gz", rename={blob: "files/backups/x.tar.gz"}),
            "指向不应恢复的位置（backups）",
        ),
        "other database vendor": (
            rewrite(
                good, tmp_path / "t10.tar.gz", manifest=lambda m: m["database"].update(vendor="postgresql")
            ),
            "备份来自 PostgreSQL 数据库，而当前配置的是 SQLite（ZHIFA_DATABASE_URL）",
        ),
        "newer schema": (
            rewrite(
                good, tmp_path / "t11.tar.gz", manifest=lambda m: m["migrations"].update(core="9999_future")
            ),
            "迁移 9999_future 在程序中不存在",
        ),
        "no manifest": (rewrite(good, tmp_path / "t12.tar.gz", drop={backup.MANIFEST}), "缺少备份清单"),
    }
    if hasattr(crypto, "data_key_fingerprint"):
        cases["other data key"] = (
            rewrite(
                good, tmp_path / "t13.tar.gz", manifest=lambda m: m.update(data_key_fingerprint="0" * 16)
            ),
            "ZHIFA_DATA_KEY",
        )
    for label, (archive, message) in cases.items():
        with pytest.raises(CommandError) as caught:
            call_command("restore", str(archive), "--yes", stdout=io.StringIO())
        assert message in str(caught.value), label
        assert db_state() == records and head() == now_head, label
        assert files_state(data) == files, label
        assert not (data / "backups").exists(), label
        assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists(), label
    assert [p.name for p in data.iterdir() if p.name.startswith(".zhifa-restore-")] == []

    # A good archive, but no terminal to answer and no --yes.
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(good), stdout=io.StringIO())
    assert db_state() == records and not (data / "backups").exists()


# --- the manifest's signature on another machine ---------------------------------------------------


@transactional
def test_a_restore_elsewhere_checks_the_signature_with_the_public_key_given(data, tmp_path, settings):
    small_world()
    archive = backup.create_backup(tmp_path / "a.tar.gz").path
    pem = tmp_path / "audit-public.pem"
    pem.write_text(crypto.public_key_pem())
    signed_by = crypto.key_id(crypto.signing_key().public_key())
    (tmp_path / "not-a-key.pem").write_text("不是公钥")
    records, files, now_head = db_state(), files_state(data), head()

    def refused(*args: str) -> str:
        with pytest.raises(CommandError) as caught:
            call_command("restore", str(archive), "--yes", *args, stdout=io.StringIO())
        assert db_state() == records and head() == now_head and files_state(data) == files
        assert not (data / "backups").exists()
        return str(caught.value)

    # A machine with no audit key of its own: the public key has to be given.
    settings.ZHIFA_AUDIT_SIGNING_KEY = ""
    assert "请用 --public-key 给出公钥" in refused()
    # A machine with its own, other key: the manifest's key is named, and how to proceed.
    settings.ZHIFA_AUDIT_SIGNING_KEY = OTHER_SEED
    message = refused()
    assert f"由指纹为 {signed_by} 的密钥签名" in message and "--public-key" in message
    assert "--public-key" in refused("--public-key", str(tmp_path / "not-a-key.pem"))
    assert "无法读取" in refused("--public-key", str(tmp_path / "nowhere.pem"))

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", "--public-key", str(pem), stdout=out)
    assert f"清单签名有效（ed25519，密钥 {signed_by}）" in out.getvalue()
    assert audit.verify().ok and AuditEntry.objects.order_by("-id").first().action == AuditAction.RESTORE


# --- the chain's length once rows are archived -------------------------------------------------------


def assert_archived_chain_round_trip(data: Path, tmp_path: Path, monkeypatch) -> None:
    """With rows moved out by ``zhifa audit archive``, the manifest records the chain's length as the
    anchors count it (not the table's row count), and a restore checks the restored chain against it."""
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - dt.timedelta(days=300))
    for i in range(4):
        audit.record(AuditAction.SYSTEM, object_type="test", object_id=str(i), message=f"旧记录 {i}")
    monkeypatch.setattr(timezone, "now", real_now)
    audit.record(AuditAction.SYSTEM, object_type="test", message="新记录")
    archived = audit.archive(tmp_path / "audit-archives").count
    assert archived >= 4
    anchor = audit.make_anchor()
    result = backup.create_backup(tmp_path / "b.tar.gz")
    head_ = result.manifest["audit_head"]
    assert [head_["id"], head_["hash"], head_["count"]] == [
        anchor[k] for k in ("last_id", "last_hash", "count")
    ]
    assert head_["archived"] == archived and head_["count"] == AuditEntry.objects.count() - 1 + archived

    audit.record(AuditAction.SYSTEM, object_type="test", message="备份之后")
    call_command("restore", str(result.path), "--yes", stdout=io.StringIO())  # the length matches
    assert audit.verify().ok

    # A manifest claiming another length (signed by the key's holder) is reported after the restore.
    forged = rewrite(result.path, tmp_path / "c.tar.gz", manifest=lambda m: m["audit_head"].update(count=99))
    out = io.StringIO()
    with pytest.raises(CommandError, match="校验未通过") as caught:
        call_command("restore", str(forged), "--yes", stdout=out)
    assert caught.value.returncode == 2
    assert f"审计链长度 {head_['count']} 条与备份清单的 99 条不符" in out.getvalue()


@transactional
def test_the_manifest_counts_archived_rows_in_the_chain_as_the_anchors_do(data, tmp_path, monkeypatch):
    assert_archived_chain_round_trip(data, tmp_path, monkeypatch)


@transactional
def test_anchors_kept_elsewhere_report_the_restore_until_a_new_anchor_file_is_started(
    data, tmp_path, settings
):
    audit.record(AuditAction.SYSTEM, object_type="test", message="备份之前")
    archive = backup.create_backup(tmp_path / "a.tar.gz").path
    (tmp_path / "elsewhere").mkdir()
    old = settings.ZHIFA_AUDIT_ANCHOR_FILE = tmp_path / "elsewhere" / "anchors.jsonl"
    audit.record(AuditAction.SYSTEM, object_type="test", message="备份之后")
    call_command("audit", "anchor", stdout=io.StringIO())  # names rows the restore will remove

    out = io.StringIO()
    with pytest.raises(CommandError, match="校验未通过") as caught:
        call_command("restore", str(archive), "--yes", stdout=out)
    assert caught.value.returncode == 2 and "最新的记录被删除（截断）" in out.getvalue()

    # The procedure of operations.md: keep the old file, start a new one and anchor right away.
    settings.ZHIFA_AUDIT_ANCHOR_FILE = tmp_path / "elsewhere" / "anchors-after-restore.jsonl"
    call_command("audit", "anchor", stdout=io.StringIO())
    assert audit.verify(anchor_file=settings.ZHIFA_AUDIT_ANCHOR_FILE).ok
    # The old file keeps failing at its first anchor past the backup: the restored chain's new rows
    # take the removed rows' ids (the sequence is restored too), so it now reads as rewritten.
    kept = audit.verify(anchor_file=old)
    assert not kept.ok and kept.bad_anchor_line == 1 and "哈希与记录" in kept.reason


@given(st.text(alphabet="./\\a\x00", max_size=12))
def test_a_member_name_is_refused_or_stays_inside_the_data_directory(name):
    root = Path("/srv/zhifa-data")
    try:
        backup._safe_member_name(name)
    except backup.BackupError:
        return
    assert os.path.normpath(root / name).startswith(str(root) + "/")

"""Backups that restore: one compressed tar archive with the database, the data files and a manifest.

Layout of an archive (``zhifa-backup-YYYYMMDD-HHMMSSZ.tar.gz``)::

    manifest.json              what is inside, each member's SHA-256 and size, the database vendor,
                               the migration state, the audit chain's head (id, hash, chain length as
                               the anchors count it), the data key's fingerprint; signed with the audit
                               signing key (Ed25519, ``signature_algorithm``, ``key_id``, ``signature``)
    database/zhifa.sqlite3     SQLite: a consistent copy made with the online backup API
    database/zhifa.pgdump      PostgreSQL: ``pg_dump -Fc`` taken in the snapshot the manifest was read in
    files/...                  every file under ZHIFA_DATA_DIR except the SQLite database itself (dumped
                               above), ``static/`` (rebuilt by collectstatic), ``backups/`` (earlier
                               backups) and, unless asked for, the keys (``secret_key``, ``keys/``)

The backup runs while the server serves: SQLite's backup API and pg_dump both read one consistent state,
and the manifest's audit head and migration state are read from that same state. The archive is written
under a temporary name in the destination directory and renamed only when complete; an existing file is
never overwritten.

A restore checks everything before it changes anything: the manifest's signature (the server's own audit
key, or the public keys given with ``--public-key`` when restoring on another machine), so a member
rewritten together with its line in the manifest is refused; every member against the manifest's SHA-256 and
size, no member outside the list, no path leaving the data directory (absolute names, ``..``, links,
devices), the database vendor, a migration state the code knows, the data key's fingerprint. Then it
writes a safety backup of the current state into ``DATA_DIR/backups/``, replaces the database (in one
transaction: SQLite's backup API, or the dump's SQL run by psql with ``--single-transaction`` after the
schema is dropped), replaces the files, brings the schema up to the code with ``migrate`` when the backup
is older, verifies the audit chain and records the restore in it.

PostgreSQL's password reaches pg_dump, pg_restore and psql through the environment (``PGPASSWORD``),
never on a command line that ``ps`` shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

FORMAT = "zhifa-backup/1"
MANIFEST = "manifest.json"
DB_SQLITE = "database/zhifa.sqlite3"
DB_PG = "database/zhifa.pgdump"
FILES = "files/"
SAFETY_DIR = "backups"
#: Top-level names under DATA_DIR never archived as files (the database is dumped, static files are
#: rebuilt, earlier backups would nest); the keys only with ``include_keys``.
SKIPPED_TOP = ("static", SAFETY_DIR)
KEY_NAMES = ("secret_key", "keys")
#: Temporary names this module and zhifa.core.storage use while writing.
TEMP_PREFIXES = (".incoming-", ".zhifa-backup-", ".zhifa-restore-")
CHUNK = 1024 * 1024
BEIJING = ZoneInfo("Asia/Shanghai")

KEYS_WARNING = (
    "注意：本备份包含密钥（secret_key、keys/，含个人信息加密密钥和审计签名密钥）。"
    "带着自身解密密钥的备份，安全性只取决于它的存放：请加密保存、限制访问，并与不含密钥的备份分开管理。"
)


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator, in Chinese."""


@dataclass
class Member:
    path: str
    sha256: str
    size: int
    mode: int = 0o600


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    sha256: str
    skipped: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    safety_backup: Path | None
    migrated: bool
    verify_ok: bool
    verify_report: str
    files_written: int
    files_removed: int
    notes: list[str] = field(default_factory=list)


# --- helpers ------------------------------------------------------------------------------------------


def data_dir() -> Path:
    return Path(settings.DATA_DIR).resolve()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def zhifa_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zhifa")
    except PackageNotFoundError:
        return "unknown"


def data_key_fingerprint() -> str | None:
    """The data-encryption key's fingerprint, once zhifa.core.crypto offers it."""
    from zhifa.core import crypto

    func = getattr(crypto, "data_key_fingerprint", None)
    return func() if callable(func) else None


def _sqlite_db_files() -> set[Path]:
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or name.startswith("file:") or name == ":memory:":
        return set()
    base = Path(name).resolve()
    return {base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal"))}


def _is_key_path(rel: PurePosixPath) -> bool:
    return rel.parts[0] in KEY_NAMES


def _in_scope(rel: PurePosixPath, *, include_keys: bool) -> bool:
    """Whether a path relative to DATA_DIR belongs in a backup (and is replaced by a restore)."""
    if not rel.parts or rel.parts[0] in SKIPPED_TOP:
        return False
    if _is_key_path(rel) and not include_keys:
        return False
    return not any(part.startswith(TEMP_PREFIXES) for part in rel.parts)


def iter_data_files(
    *, include_keys: bool, exclude: tuple[Path, ...] = ()
) -> Iterator[tuple[PurePosixPath, Path] | tuple[PurePosixPath, None]]:
    """Yield (relative path, absolute path) of every regular file in scope; (path, None) for what is
    skipped because it is not a regular file (links, sockets), so the caller can say so."""
    root = data_dir()
    skip = (_sqlite_db_files() | {p.resolve() for p in exclude}) - {root}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        if base.resolve() in skip:
            dirnames[:] = []
            continue
        kept = []
        for name in sorted(dirnames):
            full = base / name
            rel = PurePosixPath(full.relative_to(root).as_posix())
            if full.is_symlink():
                if _in_scope(rel, include_keys=include_keys):
                    yield rel, None
                continue
            if _in_scope(rel, include_keys=include_keys) and full.resolve() not in skip:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            full = base / name
            rel = PurePosixPath(full.relative_to(root).as_posix())
            if not _in_scope(rel, include_keys=include_keys) or full in skip or full.resolve() in skip:
                continue
            if full.is_symlink() or not full.is_file():
                yield rel, None
                continue
            yield rel, full


# --- the database -------------------------------------------------------------------------------------


def _latest_migrations(rows: list[tuple[str, str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in rows:
        if app not in latest or name > latest[app]:
            latest[app] = name
    return dict(sorted(latest.items()))


def _sqlite_state(conn: sqlite3.Connection) -> tuple[dict[str, str], dict[str, Any] | None]:
    migrations = _latest_migrations(conn.execute("SELECT app, name FROM django_migrations").fetchall())
    row = conn.execute("SELECT id, hash FROM core_auditentry ORDER BY id DESC LIMIT 1").fetchone()
    if not row:
        return migrations, None
    try:
        archived = conn.execute("SELECT COALESCE(SUM(count), 0) FROM core_auditarchive").fetchone()[0]
    except sqlite3.OperationalError:  # a schema from before audit archives
        archived = 0
    live = conn.execute("SELECT COUNT(*) FROM core_auditentry WHERE id <= ?", (row[0],)).fetchone()[0]
    return migrations, _head(row[0], row[1], archived, live)


def _head(last_id: int, last_hash: str, archived: int, live: int) -> dict[str, Any]:
    """The manifest's audit head. ``count`` is the chain's length as zhifa.core.audit._chain_head counts it
    for the anchors (rows moved out by ``zhifa audit archive`` included), not the table's row count."""
    return {"id": last_id, "hash": last_hash, "count": int(archived) + int(live), "archived": int(archived)}


def _dump_sqlite(workdir: Path) -> tuple[Path, dict[str, Any]]:
    if connection.in_atomic_block:  # the backup API would wait for this connection's own write lock
        raise BackupError("备份须在事务之外进行（数据库连接正处于事务中）。")
    connection.ensure_connection()
    target = workdir / "zhifa.sqlite3"
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # a standalone file, no -wal beside it
        migrations, head = _sqlite_state(dest)
    finally:
        dest.close()
    info = {"vendor": "sqlite", "member": DB_SQLITE, "format": "sqlite3", "version": sqlite3.sqlite_version}
    return target, {"database": info, "migrations": migrations, "audit_head": head}


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured connection: nothing secret on a command line."""
    sd = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {
        "PGHOST": sd.get("HOST"),
        "PGPORT": sd.get("PORT"),
        "PGUSER": sd.get("USER"),
        "PGPASSWORD": sd.get("PASSWORD"),
        "PGDATABASE": sd.get("NAME"),
    }
    options = sd.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ):
        pairs[variable] = options.get(option)
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    env["PGAPPNAME"] = "zhifa-backup"
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"未找到 {name}：PostgreSQL 的备份与恢复需要 postgresql-client（make install 会安装；"
            f"或 apt-get install postgresql-client），且其主版本不低于数据库服务器的主版本。"
        )
    return path


def _tool_major(name: str) -> int:
    out = subprocess.run([_tool(name), "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)\.", out)
    if not match:
        raise BackupError(f"无法识别 {name} 的版本：{out.strip()!r}")
    return int(match.group(1))


def _run(args: list[str], what: str, *, env: dict[str, str], stdin=None) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False, stdin=stdin)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout or "").strip().splitlines()[-8:])
        raise BackupError(f"{what}失败（退出码 {result.returncode}）：{tail}")


def _dump_postgresql(workdir: Path) -> tuple[Path, dict[str, Any]]:
    from django.db.models import Sum

    from zhifa.core.models import AuditArchive, AuditEntry

    connection.ensure_connection()
    server_major = int(getattr(connection, "pg_version", 0)) // 10000
    dump_major = _tool_major("pg_dump")
    if dump_major < server_major:
        raise BackupError(
            f"pg_dump 的主版本 {dump_major} 低于数据库服务器的 {server_major}：pg_dump 不能导出更新的服务器。"
            f"请安装 postgresql-client-{server_major}（PostgreSQL 官方 apt 源）后再备份。"
        )
    target = workdir / "zhifa.pgdump"
    if connection.in_atomic_block:
        raise BackupError("备份须在事务之外进行（数据库连接正处于事务中）。")
    # One snapshot for the manifest and the dump: the manifest's audit head and migration state are
    # those of the dumped database, whatever the server writes meanwhile.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = _latest_migrations(cursor.fetchall())
        # The chain length as audit._chain_head counts it, read in the snapshot rather than under the
        # chain's lock (which would hold every audited write for the whole dump).
        row = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        if row:
            archived = AuditArchive.objects.aggregate(n=Sum("count"))["n"] or 0
            head = _head(row[0], row[1], archived, AuditEntry.objects.filter(id__lte=row[0]).count())
        else:
            head = None
        _run(
            [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            "pg_dump 导出数据库",
            env=_pg_env(),
        )
    info = {
        "vendor": "postgresql",
        "member": DB_PG,
        "format": "pg_dump-custom",
        "server_major": server_major,
        "pg_dump_major": dump_major,
    }
    return target, {"database": info, "migrations": migrations, "audit_head": head}


def dump_database(workdir: Path) -> tuple[Path, dict[str, Any]]:
    if connection.vendor == "sqlite":
        return _dump_sqlite(workdir)
    if connection.vendor == "postgresql":
        return _dump_postgresql(workdir)
    raise BackupError(f"不支持备份 {connection.vendor} 数据库（只支持 SQLite 和 PostgreSQL）。")


# --- backup -------------------------------------------------------------------------------------------


def _target_path(path: Path, now: dt.datetime) -> Path:
    if path.is_dir():
        return path / f"zhifa-backup-{now:%Y%m%d-%H%M%S}Z.tar.gz"
    if str(path).endswith(("/", os.sep)):
        raise BackupError(f"备份目录 {path} 不存在：请先创建它。")
    if not path.parent.is_dir():
        raise BackupError(f"备份文件所在目录 {path.parent} 不存在：请先创建它。")
    return path


class _HashingReader:
    """Hands tarfile at most ``size`` bytes of ``fh`` and hashes exactly those."""

    def __init__(self, fh, size: int):
        self.fh, self.remaining, self.digest = fh, size, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        n = self.remaining if n is None or n < 0 else min(n, self.remaining)
        data = self.fh.read(n)
        self.remaining -= len(data)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, source: Path, mode: int) -> Member:
    """Add one file, hashing exactly the bytes written into the archive."""
    with source.open("rb") as fh:
        stat = os.fstat(fh.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = mode
        reader = _HashingReader(fh, info.size)
        try:
            tar.addfile(info, reader)
        except OSError as exc:  # the file shrank while being read: the archive is unusable
            raise BackupError(f"{source} 在备份过程中被改动（{exc}），请重新备份。") from exc
    return Member(name, reader.digest.hexdigest(), info.size, mode)


def create_backup(
    path: Path | str,
    *,
    include_keys: bool = False,
    user=None,
    audit_it: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> BackupResult:
    """Write one archive at ``path`` (a directory: a timestamped name inside it); refuse to overwrite."""
    from zhifa.core import audit, crypto
    from zhifa.core.choices import AuditAction

    now = _now()
    target = _target_path(Path(path), now).resolve()
    try:
        signer = crypto.signer_info()  # a missing or malformed signing key stops here, before any work
    except crypto.SigningKeyError as exc:
        raise BackupError(f"无法为备份清单签名：{exc}") from exc
    if target.exists():
        raise BackupError(f"{target} 已存在：备份不会覆盖已有文件，请换一个文件名或目录。")
    workdir = Path(tempfile.mkdtemp(prefix=".zhifa-backup-", dir=target.parent))
    tmp = workdir / "archive.tar.gz"
    skipped: list[str] = []
    try:
        db_file, state = dump_database(workdir)
        members: list[Member] = []
        with tarfile.open(tmp, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
            members.append(_add_file(tar, state["database"]["member"], db_file, 0o600))
            db_file.unlink()
            for rel, full in iter_data_files(include_keys=include_keys, exclude=(target.parent, workdir)):
                if full is None:
                    skipped.append(f"{rel}（不是普通文件，例如符号链接，未备份）")
                    continue
                mode = full.stat().st_mode & 0o777
                try:
                    members.append(_add_file(tar, FILES + str(rel), full, mode))
                except FileNotFoundError:  # removed between listing and opening: nothing was written
                    skipped.append(f"{rel}（备份过程中被删除）")
            body = {
                "format": FORMAT,
                "zhifa_version": zhifa_version(),
                "created_utc": now.isoformat(),
                "created_beijing": now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
                **state,
                "data_key_fingerprint": data_key_fingerprint(),
                "include_keys": include_keys,
                "skipped": skipped,
                "members": [m.__dict__ for m in members],
                **signer,
            }
            # Signed as the audit anchors and archive manifests are (canonical JSON, audit key).
            manifest = {**body, "signature": crypto.sign(audit._canonical_json(body))["signature"]}
            payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(payload), int(now.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(payload))
        os.chmod(tmp, 0o600)
        archive_sha = _file_sha256(tmp)
        try:
            os.link(tmp, target)  # fails if the name was taken meanwhile: never overwrites
        except FileExistsError as exc:
            raise BackupError(f"{target} 已存在：备份不会覆盖已有文件。") from exc
        except OSError:
            if target.exists():
                raise BackupError(f"{target} 已存在：备份不会覆盖已有文件。") from None
            os.replace(tmp, target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if audit_it:
        head = manifest["audit_head"] or {}
        audit.record(
            AuditAction.BACKUP,
            object_type="backup",
            object_id=target.name[:64],
            object_repr=target.name,
            after={
                "sha256": archive_sha,
                "members": len(members),
                "include_keys": include_keys,
                "audit_head_id": head.get("id"),
                "audit_head_hash": head.get("hash"),
                "audit_chain_length": head.get("count"),
                "key_id": manifest["key_id"],
            },
            message=f"备份到 {target}（SHA-256 {archive_sha}，{len(members)} 个成员"
            + ("，含密钥" if include_keys else "")
            + "）",
            user=user,
        )
    log(f"备份完成：{target}")
    return BackupResult(target, manifest, archive_sha, skipped)


# --- reading and checking an archive ------------------------------------------------------------------


def _safe_member_name(name: str) -> PurePosixPath:
    pure = PurePosixPath(name)
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
        or pure.is_absolute()
    ):
        raise BackupError(f"备份文件中的成员“{name}”的路径不安全（绝对路径或含 ..），拒绝恢复。")
    return pure


def read_archive(path: Path | str, staging: Path, *, public_keys: list | None = None) -> dict[str, Any]:
    """Extract into ``staging``, check the manifest's signature and every member against the manifest;
    return the manifest.

    ``public_keys`` (Ed25519 public keys) replace the server's own audit key for the signature, as for
    ``zhifa audit verify --public-key``. Nothing outside ``staging`` is written. Any problem raises
    BackupError naming it.
    """
    path = Path(path)
    if not path.exists():
        raise BackupError(f"备份文件 {path} 不存在。")
    if not path.is_file():
        raise BackupError(f"{path} 不是文件。")
    manifest: dict[str, Any] | None = None
    seen: dict[str, tuple[str, int]] = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                name = info.name
                _safe_member_name(name)
                if not info.isfile():
                    raise BackupError(f"备份文件中的成员“{name}”不是普通文件（链接、目录或设备），拒绝恢复。")
                if name in seen or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"备份文件中的成员“{name}”出现了两次，拒绝恢复。")
                source = tar.extractfile(info)
                assert source is not None
                if name == MANIFEST:
                    if info.size > 64 * CHUNK:
                        raise BackupError("备份清单（manifest.json）大得异常，拒绝恢复。")
                    try:
                        manifest = json.loads(source.read().decode("utf-8"))
                    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                        raise BackupError(f"备份清单（manifest.json）无法解析：{exc}") from exc
                    continue
                dest = staging / f"m{len(seen):06d}"
                digest = hashlib.sha256()
                size = 0
                with dest.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[name] = (digest.hexdigest(), size)
    except BackupError:
        raise
    except tarfile.ReadError as exc:
        if manifest is None and not seen:
            raise BackupError(f"{path} 不是 Zhifa 备份文件（不是 tar.gz 压缩包）。") from exc
        raise BackupError(f"{path} 不完整或已损坏（压缩包无法读完：{exc}）。") from exc
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupError(f"{path} 不完整或已损坏（压缩包无法读完：{exc}）。") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} 不是 Zhifa 备份文件：缺少备份清单 manifest.json 或格式不符。")
    check_signature(manifest, public_keys)
    listed: dict[str, dict[str, Any]] = {}
    for entry in manifest.get("members") or []:
        try:
            name, sha, size = entry["path"], entry["sha256"], int(entry["size"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BackupError(f"备份清单中有一项格式不对：{entry!r}") from exc
        _safe_member_name(name)
        if not (name.startswith(FILES) or name in (DB_SQLITE, DB_PG)):
            raise BackupError(f"备份清单中的成员“{name}”不在 database/ 或 files/ 之下，拒绝恢复。")
        listed[name] = {"sha256": sha, "size": size, "mode": int(entry.get("mode", 0o600)) & 0o777}
    for name in seen:
        if name not in listed:
            raise BackupError(f"备份文件中的成员“{name}”不在备份清单中，拒绝恢复（文件可能被篡改）。")
    for name, expected in listed.items():
        if name not in seen:
            raise BackupError(f"备份清单列出的成员“{name}”在备份文件中缺失（文件不完整或被篡改）。")
        sha, size = seen[name]
        if size != expected["size"] or not hmac_equal(sha, expected["sha256"]):
            raise BackupError(
                f"备份文件中的成员“{name}”与清单记录的 SHA-256 不符（文件被篡改或损坏），拒绝恢复。"
            )
    db = (manifest.get("database") or {}).get("member")
    if db not in listed:
        raise BackupError("备份文件中没有数据库导出（database/），拒绝恢复。")
    order = list(seen)
    manifest["_staged"] = {name: staging / f"m{order.index(name):06d}" for name in listed}
    manifest["_modes"] = {name: listed[name]["mode"] for name in listed}
    return manifest


def check_signature(manifest: dict[str, Any], public_keys: list | None = None) -> None:
    """Refuse a manifest whose signature is missing or does not verify (reason in Chinese).

    The same check as the audit anchors and archive checkpoints (zhifa.core.audit.KeyRing): the body is
    the manifest without ``signature``, in canonical JSON; ``key_id`` and ``signature_algorithm`` are
    part of what is signed.
    """
    from zhifa.core import audit, crypto

    body = {name: value for name, value in manifest.items() if name != "signature"}
    signature = manifest.get("signature")
    if not isinstance(signature, str) or not body.get("key_id") or not body.get("signature_algorithm"):
        raise BackupError("备份清单（manifest.json）没有签名：无法确认它由 Zhifa 写出且未被改写，拒绝恢复。")
    keys = audit.KeyRing(public_keys)
    try:
        problem = keys.check(body, signature)
    except crypto.SigningKeyError as exc:
        raise BackupError(f"无法核对备份清单的签名：{exc}。") from exc
    if not problem:
        return
    known = public_keys or [crypto.signing_key(create=False).public_key()]
    hint = ""
    if str(body.get("key_id")) not in {crypto.key_id(k) for k in known}:
        hint = (
            "在另一台机器上恢复、或签名密钥更换过时，请用 --public-key 给出备份时的审计公钥"
            "（当时 zhifa audit public-key 的输出）。"
        )
    raise BackupError(f"备份清单（manifest.json）的签名核对未通过：{problem}，拒绝恢复。{hint}")


def load_public_keys(names: list[str] | tuple[str, ...]) -> list:
    """``--public-key FILE`` arguments as Ed25519 public keys; a bad file is named."""
    from zhifa.core import crypto

    keys = []
    for name in names:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            raise BackupError(f"--public-key {name} 无法读取：{exc}") from exc
        try:
            keys.append(crypto.load_public_key(text, f"--public-key {name}"))
        except crypto.SigningKeyError as exc:
            raise BackupError(str(exc)) from exc
    return keys


def hmac_equal(a: str, b: str) -> bool:
    from zhifa.core import crypto

    return crypto.constant_time_equal(str(a), str(b))


def check_compatible(manifest: dict[str, Any], *, ignore_key: bool = False) -> list[str]:
    """Refuse an archive this installation cannot take; return notes for the operator."""
    from django.db.migrations.loader import MigrationLoader

    notes: list[str] = []
    vendor = str((manifest.get("database") or {}).get("vendor"))
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    if vendor != connection.vendor:
        raise BackupError(
            f"备份来自 {names.get(vendor, vendor)} 数据库，而当前配置的是 "
            f"{names.get(connection.vendor, connection.vendor)}（ZHIFA_DATABASE_URL）：不能跨数据库类型恢复。"
        )
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    known = set(loader.disk_migrations)
    for app, name in (manifest.get("migrations") or {}).items():
        if (app, name) not in known:
            raise BackupError(
                f"备份的数据库结构比当前程序新或不属于它（应用 {app} 的迁移 {name} 在程序中不存在）："
                f"请先安装备份时的 Zhifa 版本（{manifest.get('zhifa_version', '未知')}）再恢复。"
            )
    if vendor == "postgresql":
        restore_major = _tool_major("pg_restore")
        _tool("psql")
        dumped = int((manifest.get("database") or {}).get("pg_dump_major") or 0)
        if restore_major < dumped:
            raise BackupError(
                f"备份由 pg_dump {dumped} 写成，本机的 pg_restore 是 {restore_major}：请安装 "
                f"postgresql-client-{dumped} 或更新版本后再恢复。"
            )
    archived = manifest.get("data_key_fingerprint")
    current = data_key_fingerprint()
    if archived and current and archived != current and not manifest.get("include_keys"):
        message = (
            f"备份时的个人信息加密密钥（指纹 {archived}）与当前密钥（指纹 {current}）不同："
            "恢复后加密的身份证号、电话将无法解密。请把 ZHIFA_DATA_KEY（或 ZHIFA_DATA_KEY_FILE）"
            "设为备份时的密钥后再恢复"
        )
        if not ignore_key:
            raise BackupError(message + "；确需如此时加 --ignore-key。")
        notes.append(message + "（已按 --ignore-key 继续）。")
    if manifest.get("include_keys"):
        notes.append("本备份包含密钥：secret_key 与 keys/ 将一并恢复，重新启动服务后生效。")
        if os.environ.get("ZHIFA_DATA_KEY") or os.environ.get("ZHIFA_DATA_KEY_FILE"):
            notes.append(
                "环境变量 ZHIFA_DATA_KEY / ZHIFA_DATA_KEY_FILE 已设置，它优先于恢复的 keys/data.key。"
            )
    return notes


# --- restore ------------------------------------------------------------------------------------------


def _restore_sqlite(db_file: Path) -> None:
    check = sqlite3.connect(db_file)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份中的数据库文件无法打开：{exc}") from exc
    finally:
        check.close()
    if ok != "ok":
        raise BackupError(f"备份中的数据库文件不完整：{ok}")
    if connection.in_atomic_block:
        raise BackupError("恢复须在事务之外进行（数据库连接正处于事务中）。")
    connection.ensure_connection()
    source = sqlite3.connect(db_file)
    try:
        source.backup(connection.connection)  # one step: the whole database or nothing
    except sqlite3.Error as exc:
        raise BackupError(f"恢复 SQLite 数据库失败：{exc}（请先停止 Zhifa 服务）") from exc
    finally:
        source.close()


def _restore_postgresql(dump: Path, workdir: Path) -> None:
    env = _pg_env()
    sql = workdir / "restore.sql"
    _run(
        [_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={sql}", str(dump)],
        "pg_restore 读取备份",
        env=env,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    connection.close()  # hold no lock on the tables being dropped
    quoted = '"' + schema.replace('"', '""') + '"'
    wrapper = workdir / "restore-wrapper.sql"
    wrapper.write_text(
        f"DROP SCHEMA IF EXISTS {quoted} CASCADE;\nCREATE SCHEMA {quoted};\n\\i '{sql}'\n", encoding="utf-8"
    )
    _run(
        [_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", str(wrapper)],
        "psql 恢复数据库（整体回滚，数据库未改变）",
        env=env,
    )


def _replace_files(manifest: dict[str, Any], *, include_keys: bool) -> tuple[int, int]:
    root = data_dir()
    wanted: dict[PurePosixPath, str] = {}
    for name in manifest["_staged"]:
        if name.startswith(FILES):
            rel = PurePosixPath(name[len(FILES) :])
            if not _in_scope(rel, include_keys=include_keys):
                raise BackupError(f"备份文件中的“{name}”指向不应恢复的位置，拒绝恢复。")
            wanted[rel] = name
    removed = 0
    for rel, full in list(iter_data_files(include_keys=include_keys)):
        if full is not None and rel not in wanted:  # links are never touched
            (root / rel).unlink()
            removed += 1
    for rel, name in wanted.items():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if _is_key_path(rel) and dest.parent != root:
            dest.parent.chmod(0o700)  # keys/ as the application creates it
        if not dest.parent.resolve().is_relative_to(root):
            raise BackupError(f"恢复位置 {dest} 经链接指向数据目录之外，拒绝写入。")
        if dest.is_symlink() or (dest.exists() and not dest.is_file()):
            raise BackupError(f"恢复位置 {dest} 是链接或目录，拒绝覆盖。")
        staged = manifest["_staged"][name]
        os.chmod(staged, manifest["_modes"][name])
        os.replace(staged, dest)
    return len(wanted), removed


def _check_paths(manifest: dict[str, Any], *, include_keys: bool) -> None:
    root = data_dir()
    for name in manifest["_staged"]:
        if not name.startswith(FILES):
            continue
        rel = PurePosixPath(name[len(FILES) :])
        if not _in_scope(rel, include_keys=include_keys):
            raise BackupError(f"备份文件中的“{name}”指向不应恢复的位置（{rel.parts[0]}），拒绝恢复。")
        dest = root / rel
        probe = dest
        while not probe.exists() and probe != root:
            probe = probe.parent
        if not probe.resolve().is_relative_to(root) or (dest.is_symlink()):
            raise BackupError(f"恢复位置 {dest} 经链接指向数据目录之外，拒绝恢复。")


def restore_backup(
    path: Path | str,
    *,
    confirm: Callable[[dict[str, Any]], bool] = lambda manifest: True,
    ignore_key: bool = False,
    public_key_files: list[str] | tuple[str, ...] = (),
    user=None,
    log: Callable[[str], None] = lambda message: None,
) -> RestoreResult | None:
    """Check the archive, ask, keep a safety backup, restore. None when the operator declined.

    ``public_key_files`` (PEM, ``--public-key``) replace the server's own audit key for the manifest's
    signature and for the chain's verification afterwards (archive checkpoints are signed too).
    """
    from django.core.management import CommandError, call_command
    from django.db.migrations.executor import MigrationExecutor

    from zhifa.core import audit, crypto
    from zhifa.core.choices import AuditAction
    from zhifa.core.models import AuditEntry

    public_keys = load_public_keys(public_key_files)
    root = data_dir()
    staging = Path(tempfile.mkdtemp(prefix=".zhifa-restore-", dir=root))
    try:
        manifest = read_archive(path, staging, public_keys=public_keys)
        notes = check_compatible(manifest, ignore_key=ignore_key)
        include_keys = bool(manifest.get("include_keys"))
        _check_paths(manifest, include_keys=include_keys)
        log(
            f"备份检查通过：清单签名有效（{manifest.get('signature_algorithm')}，密钥 {manifest.get('key_id')}），"
            f"{len(manifest['_staged'])} 个成员的 SHA-256 均与清单一致；"
            f"备份时间 {manifest.get('created_beijing')}（北京时间），"
            f"审计链最新记录 #{(manifest.get('audit_head') or {}).get('id', '—')}。"
        )
        for note in notes:
            log(note)
        if not confirm(manifest):
            return None
        before = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        safety_dir = root / SAFETY_DIR
        safety_dir.mkdir(mode=0o700, exist_ok=True)
        stamp = f"zhifa-before-restore-{_now():%Y%m%d-%H%M%S}Z"
        safety_name = safety_dir / f"{stamp}.tar.gz"
        for n in range(2, 100):  # a second restore within the same second
            if not safety_name.exists():
                break
            safety_name = safety_dir / f"{stamp}-{n}.tar.gz"
        safety = create_backup(
            safety_name,
            include_keys=include_keys,
            user=user,
            audit_it=False,
        ).path
        log(f"已先把当前状态备份到 {safety}。")
        db_member = manifest["database"]["member"]
        try:
            if manifest["database"]["vendor"] == "sqlite":
                _restore_sqlite(manifest["_staged"][db_member])
            else:
                _restore_postgresql(manifest["_staged"][db_member], staging)
        except BackupError as exc:
            raise BackupError(f"{exc}；当前状态的备份在 {safety}。") from exc
        try:
            written, removed = _replace_files(manifest, include_keys=include_keys)
        except (BackupError, OSError) as exc:
            raise BackupError(
                f"数据库已恢复，但恢复文件时出错：{exc}。可用 zhifa restore {safety} 回到恢复前的状态。"
            ) from exc
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        executor = MigrationExecutor(connection)
        migrated = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        if migrated:
            log("备份的数据库结构比当前程序旧：运行 migrate……")
            call_command("migrate", interactive=False, verbosity=0)
        try:
            chain_ok = audit.verify(public_keys=public_keys).ok
        except crypto.SigningKeyError:  # reported by the command below
            chain_ok = False
        out, err = io.StringIO(), io.StringIO()
        key_args = [arg for name in public_key_files for arg in ("--public-key", str(name))]
        try:
            call_command("audit", "verify", *key_args, stdout=out, stderr=err)
            verify_ok = chain_ok
        except SystemExit as exc:
            verify_ok = chain_ok and not exc.code
        except CommandError as exc:
            verify_ok = False
            err.write(str(exc))
        report = (out.getvalue() + err.getvalue()).strip()
        head = manifest.get("audit_head") or {}
        now_head = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        if head and now_head != (head.get("id"), head.get("hash")) and not migrated:
            verify_ok = False
            report += f"\n恢复后审计链最新记录 {now_head} 与备份清单的 #{head.get('id')} 不符。"
        elif head and "count" in head and not migrated:
            _, length = audit._chain_head()  # the length the anchors use, archived rows included
            if length != head["count"]:
                verify_ok = False
                report += f"\n恢复后审计链长度 {length} 条与备份清单的 {head['count']} 条不符。"
        audit.record(
            AuditAction.RESTORE,
            object_type="backup",
            object_id=Path(path).name[:64],
            object_repr=Path(path).name,
            before={
                "audit_head_id": before[0] if before else None,
                "audit_head_hash": before[1] if before else None,
            },
            after={
                "audit_head_id": head.get("id"),
                "audit_head_hash": head.get("hash"),
                "backup_created_utc": manifest.get("created_utc"),
                "safety_backup": str(safety),
                "verify_ok": verify_ok,
            },
            message=f"从 {Path(path).resolve()} 恢复（备份时间 {manifest.get('created_beijing')} 北京时间）；"
            f"恢复前的状态已备份到 {safety}；审计链校验{'通过' if verify_ok else '未通过'}",
            user=user,
        )
        return RestoreResult(manifest, safety, migrated, verify_ok, report, written, removed, notes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

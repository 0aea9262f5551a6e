"""The full-process record: one append-only, hash-chained log written in one place.

Who and where come from the request being served (``RequestContextMiddleware`` puts it in a context
variable, read lazily so that DRF's token authentication, which happens inside the view, is seen)
or from ``audit_context`` in commands. Models that inherit ``AuditedModel`` are logged by the signal
handlers below on every create, update and delete; workflows, logins, exports and imports call
``record`` directly.

Appends are serialized: PostgreSQL takes a transaction-level advisory lock before reading the
chain's head; SQLite runs every transaction IMMEDIATE (settings), which holds its single write lock
from BEGIN. The entry is written in the caller's transaction, so a change and its record commit or
roll back together.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import logging
import logging.handlers
import os
import re
import socket
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from zhifa.core import clientip, crypto
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditArchive, AuditEntry

GENESIS = "0" * 64
#: Key of the PostgreSQL advisory lock that serializes appends (an arbitrary constant, "ZHIFA").
ADVISORY_LOCK_KEY = 0x5A48494641
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("zhifa_audit", default=None)


def one_line(value: Any, limit: int = 255) -> str:
    """Guard single-line fields against log injection (no CR/LF or other control characters)."""
    return _CONTROL.sub(" ", str(value or ""))[:limit]


@contextmanager
def audit_context(*, request=None, user=None, source: str = "", request_id: str = "", ip: str = ""):
    """Set who acts for the records written inside the block (requests, commands, tests)."""
    token = _context.set(
        {
            "request": request,
            "user": user,
            "source": source,
            "request_id": request_id or uuid.uuid4().hex,
            "ip": ip,
        }
    )
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, Any]:
    return _context.get() or {}


def _actor(explicit_user=None):
    if explicit_user is not None:
        return explicit_user
    ctx = current_context()
    if ctx.get("user") is not None:
        return ctx["user"]
    request = ctx.get("request")
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def jsonable(value: Any) -> Any:
    """Values as they are hashed and stored: JSON-native and identical after a database round trip."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (Decimal, float, uuid.UUID)):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, models.Model):
        return jsonable(value.pk)
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return str(value)


def _canonical(entry: AuditEntry) -> bytes:
    content = {
        "occurred_at": entry.occurred_at.astimezone(dt.UTC).isoformat(),
        "occurred_local": entry.occurred_local,
        "user_id": entry.user_id,
        "username": entry.username,
        "user_display": entry.user_display,
        "ip": entry.ip,
        "request_id": entry.request_id,
        "source": entry.source,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "message": entry.message,
        "algorithm": entry.algorithm,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compute_hash(entry: AuditEntry) -> str:
    return crypto.hexdigest(_canonical(entry), entry.algorithm)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    before: Any = None,
    after: Any = None,
    message: str = "",
    user=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one row to the chain, in the caller's transaction."""
    ctx = current_context()
    actor = _actor(user)
    request = ctx.get("request")
    now = timezone.now()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    entry = AuditEntry(
        occurred_at=now,
        occurred_local=now.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S"),
        user_id=getattr(actor, "pk", None),
        username=one_line(getattr(actor, "username", "") if actor else "", 150),
        user_display=one_line(
            actor.get_full_name() if actor and hasattr(actor, "get_full_name") else "", 150
        ),
        ip=one_line(ctx.get("ip") or (clientip.client_ip(request) if request is not None else ""), 64),
        request_id=one_line(ctx.get("request_id", ""), 64),
        source=one_line(ctx.get("source") or ("web" if request is not None else "system"), 16),
        action=action,
        object_type=one_line(object_type, 64),
        object_id=one_line(object_id, 64),
        object_repr=one_line(object_repr),
        before=jsonable(before),
        after=jsonable(after),
        message=str(message or ""),
        algorithm=crypto.CHAIN_ALGORITHM,
    )
    with transaction.atomic():
        _lock_chain()
        head = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        entry.prev_hash = head or GENESIS
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""
    #: The line of the anchor file that failed, when an anchor is the problem.
    bad_anchor_line: int | None = None
    #: Rows moved out of the table into archives (counted by the checkpoints) and those checkpoints.
    archived: int = 0
    checkpoints: int = 0
    #: Anchors checked against the rows, and archive files re-read (``--archives``).
    anchors: int = 0
    archive_files: int = 0
    warnings: list[str] = dataclasses.field(default_factory=list)


class _Fail(Exception):
    def __init__(self, reason: str, bad_id: int | None = None, line: int | None = None):
        super().__init__(reason)
        self.reason, self.bad_id, self.line = reason, bad_id, line


def _canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def local_time(moment: dt.datetime) -> str:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S")


class KeyRing:
    """The public keys a verifier trusts, by fingerprint; none given means the server's own key."""

    def __init__(self, public_keys: list | None = None):
        self.given = bool(public_keys)
        self._keys = {crypto.key_id(k): k for k in public_keys or ()}

    def check(self, body: dict[str, Any], signature: str) -> str:
        """'' when ``signature`` over ``body`` is valid, else why not (Chinese)."""
        if not self._keys:
            own = crypto.signing_key(create=False).public_key()
            self._keys = {crypto.key_id(own): own}
        key = self._keys.get(str(body.get("key_id", "")))
        if key is None:
            return (
                f"由指纹为 {body.get('key_id')} 的密钥签名，与所用公钥（{'、'.join(self._keys)}）不符"
                "：公钥不对，或者签名是伪造的"
            )
        algorithm = str(body.get("signature_algorithm", ""))
        if not crypto.verify_signature(_canonical_json(body), signature, algorithm, key):
            return "签名无效：内容被篡改或伪造"
        return ""


# --- The chain's head, signed, outside the database (anchors) -------------------------------------

ANCHOR_TAG = "zhifa-audit-anchor"
ANCHOR_FIELDS = {"version": int, "last_id": int, "last_hash": str, "count": int, "chain_algorithm": str}


class AnchorError(Exception):
    """An anchor could not be written (message in Chinese, naming the destination)."""


def _chain_head() -> tuple[AuditEntry | None, int]:
    """The newest row and the chain's length up to it, archived rows included (one consistent read)."""
    with transaction.atomic():
        _lock_chain()
        head = AuditEntry.objects.order_by("-id").first()
        archived = AuditArchive.objects.aggregate(n=models.Sum("count"))["n"] or 0
        live = AuditEntry.objects.filter(id__lte=head.pk).count() if head else 0
    return head, archived + live


def make_anchor() -> dict[str, Any]:
    """The chain's head (last id, hash, count, algorithm, UTC and Beijing time), signed."""
    head, count = _chain_head()
    now = timezone.now()
    body: dict[str, Any] = {
        "version": 1,
        "last_id": head.pk if head else 0,
        "last_hash": head.hash if head else GENESIS,
        "count": count,
        "chain_algorithm": head.algorithm if head else crypto.CHAIN_ALGORITHM,
        "anchored_at": now.astimezone(dt.UTC).isoformat(),
        "anchored_local": local_time(now),
        **crypto.signer_info(),
    }
    return {**body, "signature": crypto.sign(_canonical_json(body))["signature"]}


def anchor_line(anchor: dict[str, Any]) -> str:
    return json.dumps(anchor, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def append_anchor_file(path: Path, anchor: dict[str, Any]) -> None:
    """Append one line to the anchor file (opened O_APPEND, flushed to disk before returning)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(anchor_line(anchor) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise AnchorError(f"锚定文件 {path} 无法写入：{exc.strerror or exc}") from exc


class _StrictSysLogHandler(logging.handlers.SysLogHandler):
    def handleError(self, record):  # noqa: N802 - logging's name
        raise  # noqa: PLE0704 - re-raise the sending error instead of printing it


def syslog_address(value: str) -> tuple[str | tuple[str, int], socket.SocketKind]:
    """``/dev/log`` (a socket path), ``host:port`` (UDP) or ``tcp://host:port``."""
    if value.startswith("/"):
        return value, socket.SOCK_DGRAM
    socktype = socket.SOCK_DGRAM
    if value.startswith(("tcp://", "udp://")):
        socktype = socket.SOCK_STREAM if value.startswith("tcp://") else socket.SOCK_DGRAM
        value = value[6:]
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise AnchorError(
            f"ZHIFA_AUDIT_SYSLOG={value!r} 格式不对：应为套接字路径（/dev/log）、主机:端口 或 tcp://主机:端口"
        )
    return (host.strip("[]"), int(port)), socktype


def send_anchor_syslog(anchor: dict[str, Any], address: str, facility: str) -> None:
    facilities = logging.handlers.SysLogHandler.facility_names
    if facility not in facilities:
        raise AnchorError(
            f"ZHIFA_AUDIT_SYSLOG_FACILITY={facility!r} 不是 syslog 设施名（如 authpriv、local0）"
        )
    where, socktype = syslog_address(address)
    try:
        handler = _StrictSysLogHandler(address=where, facility=facilities[facility], socktype=socktype)
    except OSError as exc:
        raise AnchorError(f"syslog {address} 无法连接：{exc.strerror or exc}") from exc
    try:
        handler.ident = f"{ANCHOR_TAG}: "
        handler.emit(
            logging.LogRecord(ANCHOR_TAG, logging.INFO, __file__, 0, anchor_line(anchor), None, None)
        )
    except OSError as exc:
        raise AnchorError(f"syslog {address} 发送失败：{exc.strerror or exc}") from exc
    finally:
        handler.close()


@dataclass
class Anchor:
    line: int
    data: dict[str, Any]

    @property
    def last_id(self) -> int:
        return int(self.data["last_id"])

    @property
    def when(self) -> str:
        return str(self.data.get("anchored_local") or self.data.get("anchored_at") or "")

    def describe(self) -> str:
        return f"锚定文件第 {self.line} 行（{self.when}，#{self.last_id}）"


def load_anchors(path: Path, keys: KeyRing) -> tuple[list[Anchor], list[str]]:
    """Every anchor of the file, each signature checked; raises _Fail at the first bad line.

    Lines as syslog writes them (``… zhifa-audit-anchor: {…}``) are read too; other lines are
    reported as warnings.
    """
    anchors: list[Anchor] = []
    warnings: list[str] = []
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise AnchorError(f"锚定文件 {path} 无法读取：{exc.strerror or exc}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.strip()
            if not text:
                continue
            if not text.startswith("{"):
                if f"{ANCHOR_TAG}:" not in text:
                    warnings.append(f"锚定文件第 {number} 行不是锚定记录，已忽略")
                    continue
                text = text[text.index(f"{ANCHOR_TAG}:") + len(ANCHOR_TAG) + 1 :].strip()
            try:
                data = json.loads(text)
            except ValueError:
                raise _Fail(f"锚定文件第 {number} 行不是有效的 JSON：该行被篡改或截断", line=number) from None
            if not isinstance(data, dict):
                raise _Fail(f"锚定文件第 {number} 行不是锚定记录（应为 JSON 对象）", line=number)
            for name, kind in ANCHOR_FIELDS.items():
                if not isinstance(data.get(name), kind) or isinstance(data.get(name), bool):
                    raise _Fail(f"锚定文件第 {number} 行缺少或写错了字段 {name}", line=number)
            signature = data.pop("signature", None)
            if not isinstance(signature, str):
                raise _Fail(f"锚定文件第 {number} 行没有签名", line=number)
            problem = keys.check(data, signature)
            if problem:
                raise _Fail(f"锚定文件第 {number} 行（#{data['last_id']}）{problem}", line=number)
            anchors.append(Anchor(number, data))
    return anchors, warnings


# --- Verification ---------------------------------------------------------------------------------


def _check_checkpoint(cp: AuditArchive, prev_hash: str, prev_last_id: int, keys: KeyRing) -> str:
    try:
        manifest = json.loads(cp.manifest)
    except ValueError:
        return "清单不是有效的 JSON"
    problem = keys.check(manifest, cp.signature)
    if problem:
        return f"清单{problem}"
    columns = {
        "file": cp.file_name,
        "sha256": cp.file_sha256,
        "count": cp.count,
        "first_id": cp.first_id,
        "first_prev_hash": cp.first_prev_hash,
        "first_hash": cp.first_hash,
        "last_id": cp.last_id,
        "last_hash": cp.last_hash,
    }
    changed = [name for name, value in columns.items() if manifest.get(name) != value]
    if changed:
        return f"字段 {'、'.join(changed)} 与签名的清单不符"
    if cp.first_prev_hash != prev_hash or cp.first_id <= prev_last_id:
        return "与前一个归档（或链的起点）不衔接：有归档被删除、替换或插入"
    return ""


ARCHIVE_ROW_FIELDS = (
    "id",
    "occurred_at",
    "occurred_local",
    "user_id",
    "username",
    "user_display",
    "ip",
    "request_id",
    "source",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "message",
    "prev_hash",
    "hash",
    "algorithm",
)


def _archive_row(row: AuditEntry) -> dict[str, Any]:
    data = {name: getattr(row, "pk" if name == "id" else name) for name in ARCHIVE_ROW_FIELDS}
    data["occurred_at"] = row.occurred_at.astimezone(dt.UTC).isoformat()
    return data


def _row_from_archive(data: dict[str, Any]) -> AuditEntry:
    values = {name: data[name] for name in ARCHIVE_ROW_FIELDS}
    values["occurred_at"] = dt.datetime.fromisoformat(values["occurred_at"])
    return AuditEntry(**values)


def _check_archive_file(
    cp: AuditArchive, directory: Path, position: int, wanted: set[int], found: dict[int, tuple[str, int]]
) -> str:
    """'' when the archive file of ``cp`` matches it row by row; fills ``found`` for anchored ids."""
    path = directory / cp.file_name
    if not path.is_file():
        return f"归档文件 {cp.file_name} 不在 {directory} 中"
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        return f"归档文件 {cp.file_name} 无法读取：{exc.strerror or exc}"
    if digest.hexdigest() != cp.file_sha256:
        return f"归档文件 {cp.file_name} 的 SHA-256 与签名的清单不符：文件被改动"
    manifest_path = directory / f"{cp.file_name}.manifest.json"
    if manifest_path.is_file():
        try:
            beside = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError:
            return f"清单文件 {manifest_path.name} 不是有效的 JSON"
        if not isinstance(beside, dict) or beside.get("manifest") != json.loads(cp.manifest):
            return f"清单文件 {manifest_path.name} 与数据库中的检查点不符"
    prev, count, last_id = cp.first_prev_hash, 0, 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as rows:
            for number, line in enumerate(rows, start=1):
                try:
                    row = _row_from_archive(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    return f"归档文件 {cp.file_name} 第 {number} 行无法解析"
                if row.prev_hash != prev:
                    return (
                        f"归档文件 {cp.file_name} 中记录 #{row.pk} 的前一条哈希不符：记录被删除、插入或篡改"
                    )
                if row.algorithm not in (crypto.SM3, crypto.SHA256) or not crypto.constant_time_equal(
                    compute_hash(row), row.hash
                ):
                    return f"归档文件 {cp.file_name} 中记录 #{row.pk} 的内容与哈希不符：该行被篡改"
                prev, count, last_id = row.hash, count + 1, row.pk
                if row.pk in wanted:
                    found[row.pk] = (row.hash, position + count)
    except (OSError, EOFError, zlib.error) as exc:
        return f"归档文件 {cp.file_name} 无法解压：{exc}"
    if count != cp.count or last_id != cp.last_id or prev != cp.last_hash:
        return f"归档文件 {cp.file_name} 的条数或最后一条与清单不符"
    return ""


def verify(
    chunk_size: int = 2000,
    *,
    anchor_file: Path | None = None,
    public_keys: list | None = None,
    archives_dir: Path | None = None,
) -> VerifyResult:
    """Recompute every row's hash and link, from the newest archive checkpoint on.

    With ``anchor_file``, also check each signed anchor: its row exists with that hash at that position
    of the chain (so deleting the newest rows, or rewriting rows and recomputing the chain, is found).
    With ``archives_dir``, re-read the archive files themselves. ``public_keys`` replaces the server's
    own key for every signature (anchors and archive manifests).
    """
    result = VerifyResult(True, 0)
    try:
        _verify(result, chunk_size, anchor_file, KeyRing(public_keys), archives_dir)
    except _Fail as fail:
        result.ok, result.reason, result.bad_id, result.bad_anchor_line = (
            False,
            fail.reason,
            fail.bad_id,
            fail.line,
        )
    return result


def _verify(result: VerifyResult, chunk_size: int, anchor_file, keys: KeyRing, archives_dir) -> None:
    checkpoints = list(AuditArchive.objects.order_by("last_id"))
    prev, last_archived_id = GENESIS, 0
    for cp in checkpoints:
        problem = _check_checkpoint(cp, prev, last_archived_id, keys)
        if problem:
            raise _Fail(f"归档检查点 #{cp.first_id}–#{cp.last_id}（{cp.file_name}）{problem}")
        prev, last_archived_id = cp.last_hash, cp.last_id
        result.archived += cp.count
    result.checkpoints = len(checkpoints)

    anchors: list[Anchor] = []
    if anchor_file is not None:
        if not Path(anchor_file).is_file():
            result.warnings.append(f"锚定文件 {anchor_file} 不存在：未核对锚定，删除最新记录无法被发现")
        else:
            anchors, warnings = load_anchors(Path(anchor_file), keys)
            result.warnings.extend(warnings)
            if not anchors:
                result.warnings.append(f"锚定文件 {anchor_file} 中没有锚定记录")

    # An anchor of the empty chain (last id 0) holds whatever follows it.
    result.anchors += sum(1 for a in anchors if a.last_id == 0)
    archived_anchors = [a for a in anchors if 0 < a.last_id <= last_archived_id]
    found: dict[int, tuple[str, int]] = {}
    if archives_dir is not None:
        position = 0
        wanted = {a.last_id for a in archived_anchors}
        for cp in checkpoints:
            problem = _check_archive_file(cp, Path(archives_dir), position, wanted, found)
            if problem:
                raise _Fail(problem)
            position += cp.count
            result.archive_files += 1
        known = {cp.file_name for cp in checkpoints}
        for stray in sorted(Path(archives_dir).glob("audit-*.jsonl.gz")):
            if stray.name not in known:
                result.warnings.append(f"归档目录中的 {stray.name} 不属于任何归档检查点")

    live: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.last_id > last_archived_id:
            live.setdefault(anchor.last_id, []).append(anchor)
    position, last_seen = result.archived, 0
    rows: Iterator[AuditEntry] = AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size)
    for row in rows:
        if row.pk <= last_archived_id:
            raise _Fail(f"记录 #{row.pk} 已归档（至 #{last_archived_id}）却仍在表中", row.pk)
        if row.prev_hash != prev:
            raise _Fail("前一条哈希不符：该行之前的记录被删除、插入或篡改", row.pk)
        if row.algorithm not in (crypto.SM3, crypto.SHA256):
            raise _Fail(f"未知的摘要算法 {row.algorithm}", row.pk)
        if not crypto.constant_time_equal(compute_hash(row), row.hash):
            raise _Fail("内容与哈希不符：该行被篡改", row.pk)
        prev, last_seen = row.hash, row.pk
        position += 1
        result.checked += 1
        for anchor in live.pop(row.pk, ()):
            _match_anchor(anchor, row.hash, position)
            result.anchors += 1
    if live:
        anchor = min((a for group in live.values() for a in group), key=lambda a: a.line)
        raise _Fail(
            f"{anchor.describe()}锚定的记录 #{anchor.last_id} 不存在：表中最新为 #{last_seen}，"
            f"链长 {position} 条，锚定时已有 {anchor.data['count']} 条——最新的记录被删除（截断）",
            line=anchor.line,
        )
    by_last_id = {cp.last_id: (cp.last_hash, cp) for cp in checkpoints}
    cumulative, ends = 0, {}
    for cp in checkpoints:
        cumulative += cp.count
        ends[cp.last_id] = cumulative
    for anchor in sorted(archived_anchors, key=lambda a: a.line):
        if anchor.last_id in found:
            _match_anchor(anchor, *found[anchor.last_id])
        elif anchor.last_id in by_last_id:
            _match_anchor(anchor, by_last_id[anchor.last_id][0], ends[anchor.last_id])
        else:
            result.warnings.append(f"{anchor.describe()}的记录已归档：加 --archives 目录才能逐条核对")
            continue
        result.anchors += 1


def _match_anchor(anchor: Anchor, row_hash: str, position: int) -> None:
    if not crypto.constant_time_equal(row_hash, str(anchor.data["last_hash"])):
        raise _Fail(
            f"{anchor.describe()}的哈希与记录 #{anchor.last_id} 不符：该行或其之前的记录被改写，哈希链被重新计算",
            anchor.last_id,
            anchor.line,
        )
    if position != anchor.data["count"]:
        raise _Fail(
            f"{anchor.describe()}：锚定时链长 {anchor.data['count']} 条，现到 #{anchor.last_id} 为 {position} 条"
            "——此前有记录被删除或插入",
            anchor.last_id,
            anchor.line,
        )


# --- Retention and archive ------------------------------------------------------------------------

#: 网络安全法 art. 21: logs are kept at least six months. The triggers (migration 0006) enforce it too.
LEGAL_MINIMUM_DAYS = 184


class ArchiveError(Exception):
    """Archiving refused or failed; nothing was removed from the table (message in Chinese)."""


@dataclass
class ArchiveResult:
    count: int
    cut: dt.datetime
    checkpoint: AuditArchive | None = None
    path: Path | None = None
    manifest_path: Path | None = None


def archive_cut(before: dt.date | None = None, now: dt.datetime | None = None) -> dt.datetime:
    """The moment before which rows are archived; refuses any cut inside the retention period."""
    retention = max(LEGAL_MINIMUM_DAYS, int(settings.ZHIFA_AUDIT_RETENTION_DAYS))
    now = now or timezone.now()
    latest = now - dt.timedelta(days=retention)
    if before is None:
        return latest
    cut = dt.datetime.combine(before, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    if cut > latest:
        raise ArchiveError(
            f"--before {before.isoformat()} 太近：审计日志至少保存 {retention} 天"
            f"（ZHIFA_AUDIT_RETENTION_DAYS；网络安全法第二十一条要求不少于六个月，即 {LEGAL_MINIMUM_DAYS} 天），"
            f"最晚只能归档 {local_time(latest)[:10]} 之前的记录"
        )
    return cut


def archive(to_dir: Path, before: dt.date | None = None) -> ArchiveResult:
    """Move the rows older than the cut into a signed archive file under ``to_dir``; audited.

    Only a prefix of the live chain is taken (every row before the first one at or after the cut),
    checked link by link while it is written. The file (gzip JSON lines, one row each as stored) and
    its manifest are on disk before the rows are deleted; the deletion, the checkpoint and the ARCHIVE
    row commit together, or the files are removed again and the table is untouched.
    """
    cut = archive_cut(before)
    last_cp = AuditArchive.objects.order_by("-last_id").first()
    prev = last_cp.last_hash if last_cp else GENESIS
    first_young = (
        AuditEntry.objects.filter(occurred_at__gte=cut).order_by("id").values_list("id", flat=True).first()
    )
    rows = AuditEntry.objects.order_by("id")
    if first_young is not None:
        rows = rows.filter(id__lt=first_young)
    if not rows.exists():
        return ArchiveResult(0, cut)
    to_dir = Path(to_dir)
    try:
        to_dir.mkdir(parents=True, exist_ok=True)
        temporary = to_dir / f".audit-archive-{uuid.uuid4().hex}.tmp"
        handle = temporary.open("xb")
    except OSError as exc:
        raise ArchiveError(f"归档目录 {to_dir} 无法写入：{exc.strerror or exc}") from exc
    first: AuditEntry | None = None
    last: AuditEntry | None = None
    count = 0
    try:
        with handle:
            with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as packed:
                for row in rows.iterator(chunk_size=2000):
                    if row.prev_hash != prev or not crypto.constant_time_equal(compute_hash(row), row.hash):
                        raise ArchiveError(
                            f"归档前校验失败：记录 #{row.pk} 与哈希链不符（先运行 zhifa audit verify 查明），"
                            "未归档任何记录"
                        )
                    line = json.dumps(_archive_row(row), ensure_ascii=False, sort_keys=True)
                    packed.write(line.encode("utf-8") + b"\n")
                    first = first or row
                    last, prev, count = row, row.hash, count + 1
            handle.flush()
            os.fsync(handle.fileno())
        assert first is not None and last is not None
        name = f"audit-{first.pk:012d}-{last.pk:012d}.jsonl.gz"
        path = to_dir / name
        if path.exists():
            raise ArchiveError(f"归档文件 {path} 已存在：换一个目录，或先核对已有的文件")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    manifest_path = to_dir / f"{name}.manifest.json"
    try:
        now = timezone.now()
        manifest: dict[str, Any] = {
            "version": 1,
            "file": name,
            "sha256": crypto.sha256_hex(path.read_bytes()),
            "count": count,
            "first_id": first.pk,
            "first_prev_hash": first.prev_hash,
            "first_hash": first.hash,
            "last_id": last.pk,
            "last_hash": last.hash,
            "oldest_at": first.occurred_at.astimezone(dt.UTC).isoformat(),
            "newest_at": last.occurred_at.astimezone(dt.UTC).isoformat(),
            "cut": cut.astimezone(dt.UTC).isoformat(),
            "archived_at": now.astimezone(dt.UTC).isoformat(),
            "archived_local": local_time(now),
            **crypto.signer_info(),
        }
        signature = crypto.sign(_canonical_json(manifest))["signature"]
        manifest_path.write_text(
            json.dumps(
                {"manifest": manifest, "signature": signature}, ensure_ascii=False, indent=2, sort_keys=True
            )
            + "\n",
            encoding="utf-8",
        )
        with transaction.atomic():
            _lock_chain()
            still_first = AuditEntry.objects.order_by("id").values_list("id", flat=True).first()
            if still_first != first.pk or AuditArchive.objects.filter(last_id__gte=first.pk).exists():
                raise ArchiveError("另一个归档同时在进行：未归档任何记录，请稍后重试")
            with connection.cursor() as cursor:
                txid = "txid_current()" if connection.vendor == "postgresql" else "NULL"
                cursor.execute(
                    "INSERT INTO core_auditarchivepermit (first_id, last_id, txid, created_at) "
                    f"VALUES (%s, %s, {txid}, %s)",
                    [first.pk, last.pk, now],
                )
                cursor.execute("DELETE FROM core_auditentry WHERE id BETWEEN %s AND %s", [first.pk, last.pk])
                deleted = cursor.rowcount
                cursor.execute(
                    "DELETE FROM core_auditarchivepermit WHERE first_id = %s AND last_id = %s",
                    [first.pk, last.pk],
                )
            if deleted != count:
                raise ArchiveError(f"归档时表中记录数变化（应删 {count} 条，实删 {deleted} 条）：已撤销")
            checkpoint = AuditArchive(
                archived_at=now,
                archived_local=manifest["archived_local"],
                cut=cut,
                first_id=first.pk,
                last_id=last.pk,
                count=count,
                first_prev_hash=first.prev_hash,
                first_hash=first.hash,
                last_hash=last.hash,
                file_name=name,
                file_sha256=manifest["sha256"],
                manifest=_canonical_json(manifest).decode("utf-8"),
                signature_algorithm=manifest["signature_algorithm"],
                key_id=manifest["key_id"],
                signature=signature,
            )
            checkpoint.save(force_insert=True)
            record(
                AuditAction.ARCHIVE,
                checkpoint,
                message=(
                    f"归档审计记录 #{first.pk}–#{last.pk} 共 {count} 条（早于 {local_time(cut)} 北京时间）"
                    f"至 {path}，SHA-256 {manifest['sha256']}"
                ),
            )
    except DatabaseError as exc:
        path.unlink(missing_ok=True)
        manifest_path.unlink(missing_ok=True)
        raise ArchiveError(f"归档未完成，表中记录未动：{exc}") from exc
    except BaseException:
        path.unlink(missing_ok=True)
        manifest_path.unlink(missing_ok=True)
        raise
    return ArchiveResult(count, cut, checkpoint, path, manifest_path)


# --- Model changes -------------------------------------------------------------------------------


class AuditedModel(models.Model):
    """Every create, update and delete of a subclass is written to the chain with before/after."""

    #: Fields never copied into the record (secrets).
    audit_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def audit_values(self) -> dict[str, Any]:
        data = {}
        for field in self._meta.concrete_fields:
            if field.name in self.audit_exclude or field.attname in self.get_deferred_fields():
                continue
            data[field.attname] = jsonable(getattr(self, field.attname))
        return data

    def audit_loaded(self) -> dict[str, Any]:
        loaded = getattr(self, "_audit_loaded", None) or {}
        return {
            f.attname: jsonable(loaded[f.attname])
            for f in self._meta.concrete_fields
            if f.attname in loaded and f.name not in self.audit_exclude
        }


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, AuditedModel):
        return
    after = instance.audit_values()
    if created:
        record(AuditAction.CREATE, instance, after=after)
    else:
        before_all = instance.audit_loaded()
        changed = [k for k, v in after.items() if k in before_all and before_all[k] != v]
        if changed:
            record(
                AuditAction.UPDATE,
                instance,
                before={k: before_all[k] for k in changed},
                after={k: after[k] for k in changed},
            )
    instance._audit_loaded = {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in instance.get_deferred_fields()
    }


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if isinstance(instance, AuditedModel):
        record(AuditAction.DELETE, instance, before=instance.audit_values())


@receiver(m2m_changed)
def _log_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or not isinstance(instance, AuditedModel):
        return
    field_name = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), "m2m"
    )
    if action == "pre_clear":
        instance._audit_m2m_before = sorted(getattr(instance, field_name).values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    now = sorted(getattr(instance, field_name).values_list("pk", flat=True))
    if action == "post_add":
        before = sorted(set(now) - set(pk_set or ()))
    elif action == "post_remove":
        before = sorted(set(now) | set(pk_set or ()))
    else:
        before = getattr(instance, "_audit_m2m_before", [])
    if before != now:
        record(AuditAction.UPDATE, instance, before={field_name: before}, after={field_name: now})

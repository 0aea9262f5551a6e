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
import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from zhifa.core import crypto
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry

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
        ip=one_line(
            ctx.get("ip") or (request.META.get("REMOTE_ADDR", "") if request is not None else ""), 64
        ),
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


def verify(chunk_size: int = 2000) -> VerifyResult:
    """Recompute every row's hash and check each links to the one before it."""
    prev = GENESIS
    checked = 0
    rows: Iterator[AuditEntry] = AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size)
    for row in rows:
        if row.prev_hash != prev:
            return VerifyResult(False, checked, row.pk, "前一条哈希不符：该行之前的记录被删除、插入或篡改")
        if row.algorithm not in (crypto.SM3, crypto.SHA256):
            return VerifyResult(False, checked, row.pk, f"未知的摘要算法 {row.algorithm}")
        if not crypto.constant_time_equal(compute_hash(row), row.hash):
            return VerifyResult(False, checked, row.pk, "内容与哈希不符：该行被篡改")
        prev = row.hash
        checked += 1
    return VerifyResult(True, checked)


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

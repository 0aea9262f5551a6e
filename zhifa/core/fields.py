"""Personal data encrypted at rest: the model fields and the migrations that bring existing rows in.

``EncryptedCharField`` keeps the plaintext on the instance (forms, validators, documents read it as
before) and writes SM4-GCM ciphertext to the column (``zhifa.core.crypto``). Its ``max_length`` is the
plaintext's; the column is wide enough for the ciphertext. Nothing can be searched in the column: a
lookup other than ``isnull`` or an empty ``exact`` raises, so no query silently matches nothing.

``SearchHashField`` is the companion column ``<name>_hash`` (indexed, or unique where the value must be):
on every save it takes the keyed hash of its source's plaintext, so exact-match search and uniqueness
work on the hash. Saving with ``update_fields`` must name both (``with_hashes`` adds the hashes).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError
from django.db import migrations, models
from django.db.models.lookups import Exact, IsNull
from django.utils.datastructures import DictWrapper

from zhifa.core import crypto


class EncryptedCharField(models.CharField):
    description = "A short text encrypted with SM4-GCM at rest"

    def db_type_parameters(self, connection):
        params = dict(self.__dict__)
        params["max_length"] = crypto.ciphertext_length(self.max_length or 255)
        return DictWrapper(params, connection.ops.quote_name, "qn_")

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("exact", "isnull"):
            return None
        return super().get_lookup(lookup_name)


@EncryptedCharField.register_lookup
class EncryptedExact(Exact):
    """Only the empty value can be compared: every ciphertext differs, even of equal values."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} 已加密存储，不能按值查询：请按 {self.lhs.target.name}_hash "
                "（zhifa.core.crypto.search_hash）精确查找"
            )
        return super().get_prep_lookup()


EncryptedCharField.register_lookup(IsNull)


class SearchHashField(models.CharField):
    """The keyed hash of another field's plaintext, kept in step on save; NULL when that is empty."""

    description = "Keyed hash of an encrypted field, for exact-match search"

    def __init__(self, *args, source: str = "", kind: str = crypto.HASH_ID_NUMBER, **kwargs):
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        if not kwargs.get("unique"):
            kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        for key, default in (("max_length", 64), ("null", True), ("blank", True), ("editable", False)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        if kwargs.get("db_index") and not kwargs.get("unique"):
            kwargs.pop("db_index")
        return name, path, args, kwargs

    def hash_of(self, instance) -> str | None:
        plain = getattr(instance, self.source)
        return crypto.search_hash(self.kind, plain) if plain else None

    def pre_save(self, model_instance, add):
        value = self.hash_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def hash_lookup(model: type[models.Model], name: str, value: str) -> dict[str, Any]:
    """``{"<name>_hash": search_hash(...)}`` for ``filter(**...)``: the exact-match query on ``name``."""
    field = model._meta.get_field(f"{name}_hash")
    if not isinstance(field, SearchHashField):
        raise TypeError(f"{model._meta.label}.{name}_hash is not a SearchHashField")
    return {field.name: crypto.search_hash(field.kind, value) if value else None}


def with_hashes(model: type[models.Model], names) -> list[str]:
    """``update_fields`` for ``names`` plus the hash column of each encrypted field among them."""
    hashed = {f.source: f.name for f in model._meta.concrete_fields if isinstance(f, SearchHashField)}
    return [n for name in names for n in ((name, hashed[name]) if name in hashed else (name,))]


# --- Migrations ----------------------------------------------------------------------------------


def encrypt_columns(app_label: str, model_name: str, fields: dict[str, str]) -> migrations.RunPython:
    """A data migration: encrypt the plaintext of ``fields`` (name → hash kind) and fill their hashes.

    Reads and writes the columns with SQL, not through the model (whose field would try to decrypt
    plaintext). Reversed, it writes the plaintext back and clears the hashes. Values already in the
    other form are left as they are, so running either direction twice changes nothing.
    """

    def rows(schema_editor, model):
        table = schema_editor.quote_name(model._meta.db_table)
        pk = schema_editor.quote_name(model._meta.pk.column)
        columns = ", ".join(schema_editor.quote_name(model._meta.get_field(n).column) for n in fields)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {columns} FROM {table}")  # noqa: S608 (quoted names only)
            return table, pk, cursor.fetchall()

    def update(schema_editor, table, pk, key, values: dict[str, Any]):
        assignments = ", ".join(f"{schema_editor.quote_name(c)} = %s" for c in values)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608 (quoted names only)
                [*values.values(), key],
            )

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        table, pk, found = rows(schema_editor, model)
        for key, *values in found:
            changes: dict[str, Any] = {}
            for (name, kind), value in zip(fields.items(), values, strict=True):
                if not value:
                    continue
                plain = crypto.decrypt(value) if crypto.is_ciphertext(value) else value
                if not crypto.is_ciphertext(value):
                    changes[model._meta.get_field(name).column] = crypto.encrypt(value)
                changes[model._meta.get_field(f"{name}_hash").column] = crypto.search_hash(kind, plain)
            if changes:
                update(schema_editor, table, pk, key, changes)

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        table, pk, found = rows(schema_editor, model)
        for key, *values in found:
            changes: dict[str, Any] = {}
            for name, value in zip(fields, values, strict=True):
                if value and crypto.is_ciphertext(value):
                    changes[model._meta.get_field(name).column] = crypto.decrypt(value)
            if changes:
                update(schema_editor, table, pk, key, changes)

    return migrations.RunPython(forward, backward, elidable=False)


# --- Deployment check ----------------------------------------------------------------------------


@checks.register(checks.Tags.security, deploy=True)
def check_data_key(app_configs=None, **kwargs):
    """The data key should not sit in the data directory in production (a backup would carry both)."""
    source = getattr(settings, "ZHIFA_DATA_KEY_SOURCE", "env")
    if source == "env":
        return []
    try:
        from pathlib import Path

        inside = Path(source).resolve().is_relative_to(Path(settings.DATA_DIR).resolve())
    except (OSError, ValueError):
        inside = False
    if not inside:
        return []
    return [
        checks.Warning(
            f"个人信息加密密钥保存在数据目录内（{source}）：数据目录的备份会连同密钥一起带走，密文形同明文。",
            hint="生产环境请把密钥放在数据目录以外，用 ZHIFA_DATA_KEY_FILE 指向它（或以 ZHIFA_DATA_KEY 传入），"
            "并另行保管一份（见 docs/operations.md“个人信息加密”）。",
            id="zhifa.W101",
        )
    ]

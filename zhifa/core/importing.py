"""Excel (.xlsx) import and export: one engine, one ``ImportSpec`` per kind of record.

A spec (``zhifa/<app>/io.py``) lists its columns — Chinese title, model field, parser, required —
and says how an existing record is found (its key). The engine:

1. checks the file: a real OOXML workbook (zip with ``[Content_Types].xml`` declaring a
   spreadsheet, not a renamed CSV, an old .xls or a macro-enabled .xlsm), at most
   ``settings.ZHIFA_IMPORT_MAX_BYTES``, not a zip bomb; a corrupt file is a clear error, never a 500;
2. reads the first sheet with openpyxl in read-only mode and maps the header row (the first row
   that carries a known column title) by title; a missing required column is a file error;
3. validates every row: parses each cell, checks for keys repeated within the file (naming both
   rows), the user's jurisdiction (``board_ids``) and the records the user may change
   (``restrict(user, "change")``), then runs the model's ``full_clean`` so the model's own
   validators (with their Chinese messages) speak; each problem is a ``RowError`` (row, column, reason);
4. saves, all in one transaction: by default nothing at all when any row is bad; with
   ``valid_rows=True`` the good rows only (each in a savepoint). A row whose key matches an existing
   record updates it (only the columns present in the file); an unchanged record is not saved again.

Every created or updated record reaches the audit chain through the ``AuditedModel`` signals; the
import itself is summarised in one ``AuditAction.IMPORT`` row (committed with the data, or written
alone when nothing was imported), and each export in one ``AuditAction.EXPORT`` row.

Column titles are a file format, not UI text: they are matched literally and are not translated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import os
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import RestrictedQuerySet, board_ids
from zhifa.core.xlsx import xlsx_bytes

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: KIND (as typed on the command line) → the spec object.
SPECS: dict[str, str] = {
    "enterprises": "zhifa.enterprises.io.ENTERPRISES",
    "officers": "zhifa.orgs.io.OFFICERS",
    "experts": "zhifa.experts.io.EXPERTS",
}

#: Rows searched for the header row (a title line above it is tolerated).
HEADER_SEARCH_ROWS = 10
#: Chunk size of ``__in`` look-ups (SQLite's bound-parameter limit).
IN_CHUNK = 500
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_TITLE_NOISE = re.compile(r"[\s*＊]|[（(]必填[)）]")
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")


def get_spec(kind: str) -> ImportSpec:
    """The spec for ``kind`` (enterprises | officers | experts); KeyError for an unknown kind."""
    return import_string(SPECS[kind])


# --- Errors and results --------------------------------------------------------------------------


class CellError(Exception):
    """A cell's value cannot be used; the message (Chinese) is shown next to its row and column."""


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not .xlsx, too large, corrupt, wrong header)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as Excel shows it
    column: str  # the column title, or "—" for a problem of the row as a whole
    message: str

    def __str__(self) -> str:
        return _("第 %(row)s 行［%(column)s］：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportResult:
    spec: ImportSpec
    filename: str = ""
    valid_rows: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_error: str = ""
    committed: bool = False

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def imported(self) -> int:
        """Rows that went through (created, updated or already up to date)."""
        return self.created + self.updated + self.unchanged

    @property
    def failed(self) -> bool:
        """Nothing was imported because of errors (the command exits non-zero)."""
        return bool(self.file_error) or (bool(self.errors) and self.imported == 0)

    def summary(self) -> str:
        if self.file_error:
            return _("文件未能导入：%(reason)s") % {"reason": self.file_error}
        if self.failed:
            text = _("未导入任何数据：共 %(total)s 行，其中 %(bad)s 行有误。") % {
                "total": self.total,
                "bad": len(self.bad_rows),
            }
            if not self.valid_rows:
                text += _("请改正后重新导入，或选择“只导入无误的行”。")
            return text
        text = _(
            "导入完成：共 %(total)s 行，新增 %(created)s 条，更新 %(updated)s 条，未变化 %(unchanged)s 条"
        ) % {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.skipped:
            text += _("，跳过有误的 %(skipped)s 行") % {"skipped": self.skipped}
        return text + _("。")


class _Rollback(Exception):
    pass


# --- Cell values and parsers ---------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A cell as read: strings stripped (empty → None), integral floats as int, formula escapes undone."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        # Exports prefix ' to text starting with = + - @ (formula injection); take it off again.
        if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
            value = value[1:]
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class Text:
    """Free text; ``normalize`` (e.g. ``normalize_uscc``) is applied to keys and codes."""

    help: StrOrPromise = ""

    def __init__(self, normalize: Callable[[str], str] | None = None, help: StrOrPromise = ""):
        self.normalize = normalize
        if help:
            self.help = help

    def __call__(self, value, ctx):
        text = as_text(value)
        return self.normalize(text) if self.normalize else text

    def export(self, value):
        return value if value not in ("", None) else None


class Choice:
    """A choice field: the Chinese label (危险化学品) or the stored value (hazardous_chemicals)."""

    def __init__(self, choices: type[models.Choices]):
        self.choices = choices

    @property
    def help(self) -> str:
        return _("可填：%(labels)s") % {"labels": "、".join(str(label) for label in self.choices.labels)}

    def __call__(self, value, ctx):
        text = as_text(value)
        for stored, label in self.choices.choices:
            if text == str(label) or text.lower() == str(stored).lower():
                return stored
        raise CellError(
            _("“%(value)s”不是可选值；可填：%(labels)s")
            % {"value": text, "labels": "、".join(str(label) for label in self.choices.labels)}
        )

    def export(self, value):
        return str(dict(self.choices.choices).get(value, value)) if value not in ("", None) else None


class Boolean:
    TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "t"}
    FALSE = {"否", "无", "n", "no", "false", "0", "×", "✗", "f"}
    help = gettext_lazy("填“是”或“否”")

    def __call__(self, value, ctx):
        if isinstance(value, bool):
            return value
        text = as_text(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError(_("“%(value)s”无法识别，请填“是”或“否”") % {"value": as_text(value)})

    def export(self, value):
        return "是" if value else "否"


class RegionRef:
    """A board (or, with ``boards_only=False``, also the district) by its name or its code."""

    def __init__(self, boards_only: bool = True):
        self.boards_only = boards_only

    @property
    def help(self) -> str:
        if self.boards_only:
            return _("填写板块名称（如 湖塘镇）或 9 位区划代码")
        return _("填写区（局机关、执法大队）或板块的名称或区划代码")

    def __call__(self, value, ctx):
        text = as_text(value)
        region = ctx.regions_by_key().get(text)
        if region is None:
            raise CellError(_("“%(value)s”不是已登记的板块（请填写板块名称或区划代码）") % {"value": text})
        if self.boards_only and not region.is_board:
            raise CellError(_("“%(value)s”是区，不是板块（镇、街道或开发区）") % {"value": text})
        return region

    def export(self, region):
        return region.name if region is not None else None


class ListOf:
    """Several names in one cell, separated by 、 or , (e.g. 化工医药、冶金有色), for a many-to-many."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        by: tuple[str, ...] = ("name", "code"),
        label: StrOrPromise = "",
        example: str = "",
    ):
        self.model = model
        self.by = by
        self.label = label
        self.example = example

    @property
    def help(self) -> str:
        return _("多个用“、”或“,”分隔，如 %(example)s") % {"example": self.example or "……"}

    def _lookup(self, ctx) -> dict[str, models.Model]:
        key = ("list_of", self.model._meta.label)
        if key not in ctx.cache:
            table = {}
            for obj in self.model._default_manager.all():
                for attr in reversed(self.by):
                    table[str(getattr(obj, attr))] = obj
            ctx.cache[key] = table
        return ctx.cache[key]

    def __call__(self, value, ctx):
        table = self._lookup(ctx)
        names = [n.strip() for n in _LIST_SPLIT.split(as_text(value)) if n.strip()]
        unknown = [n for n in names if n not in table]
        if unknown:
            known = "、".join(dict.fromkeys(str(getattr(o, self.by[0])) for o in table.values()))
            raise CellError(
                _("%(label)s“%(names)s”不存在；可填：%(known)s")
                % {"label": self.label, "names": "、".join(unknown), "known": known}
            )
        return list(dict.fromkeys(table[n] for n in names))

    def export(self, objects):
        return "、".join(str(getattr(o, self.by[0])) for o in objects) or None


@dataclass(frozen=True)
class Column:
    title: str  # the header in the file (literal, not translated)
    field: str  # the model field (the name shadows dataclasses.field in this class body)
    # A parser: (cell value, ctx) → field value, raises CellError.
    parse: Any = dataclasses.field(default_factory=Text)
    required: bool = False
    help: StrOrPromise = ""
    m2m: bool = False

    @property
    def help_text(self) -> str:
        return str(self.help or getattr(self.parse, "help", "") or "")

    def export_value(self, obj):
        value = getattr(obj, self.field)
        if self.m2m:
            value = value.all()
        return self.parse.export(value)


# --- Specs ---------------------------------------------------------------------------------------


class ImportSpec:
    """How one kind of record is imported and exported. Subclass per app, override what differs."""

    kind = ""  # on the command line: enterprises | officers | experts
    name = ""  # in URL names: enterprise → io:enterprise_import
    model: type[models.Model]
    columns: tuple[Column, ...] = ()
    #: Fields identifying an existing record (all of them are columns of the file).
    key_fields: tuple[str, ...] = ()
    #: The column naming the board (Region) of the row, checked against the user's jurisdiction.
    board_field: str | None = None
    import_permission = ""
    export_permissions: tuple[str, ...] = ()
    list_url_name = ""
    #: Dotted path of the list page's FilterSet, reused by the export; without one, ``q`` searches.
    filterset: str | None = None
    search_fields: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    #: Fields left out of ``full_clean`` (e.g. the enterprise's version, maintained by its service).
    clean_exclude: tuple[str, ...] = ()
    #: Shown on the import page: how existing records are recognised.
    key_help: StrOrPromise = ""

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def titles(self) -> list[str]:
        return [c.title for c in self.columns]

    def column(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)

    def title_of(self, field_name: str) -> str:
        column = self.column(field_name)
        if column is not None:
            return column.title
        if field_name == NON_FIELD_ERRORS:
            return "—"
        try:
            model_field = self.model._meta.get_field(field_name)
        except Exception:
            return field_name
        # A reverse relation has no verbose name of its own.
        return str(model_field.verbose_name) if isinstance(model_field, models.Field) else field_name

    # Import hooks

    def prepare(self, ctx: ImportContext) -> None:
        """Load look-up tables once per import (a constant number of queries)."""

    def blank_value(self, column: Column):
        """An empty optional cell: the model field's default ("" for text, the default choice…)."""
        if column.m2m:
            return []
        model_field = self.model._meta.get_field(column.field)
        if not isinstance(model_field, models.Field):
            raise TypeError(f"{self.model._meta.label}.{column.field} is a reverse relation, not a column")
        return model_field.get_default()

    def key_of(self, values: dict[str, Any]) -> tuple | None:
        key = tuple(values.get(f) for f in self.key_fields)
        return key if all(v not in (None, "") for v in key) else None

    def records(self) -> RestrictedQuerySet:
        """Every record of the model, through its manager (a ``RestrictedQuerySet``, for jurisdiction)."""
        qs = self.model._default_manager.all()
        if not isinstance(qs, RestrictedQuerySet):
            raise TypeError(f"{self.model._meta.label}'s default manager is not a RestrictedQuerySet")
        return qs

    def base_queryset(self):
        qs = self.records()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def find_existing(self, keys: list[tuple]) -> dict[tuple, Any]:
        """Existing records by key (all of them, whoever's they are); ``AMBIGUOUS`` when several match."""
        found: dict[tuple, Any] = {}
        first = self.key_fields[0]
        values = sorted({k[0] for k in keys})
        for start in range(0, len(values), IN_CHUNK):
            for obj in self.base_queryset().filter(**{f"{first}__in": values[start : start + IN_CHUNK]}):
                key = tuple(getattr(obj, f) for f in self.key_fields)
                found[key] = AMBIGUOUS if key in found else obj
        return found

    def save(self, obj, values: dict[str, Any], ctx: ImportContext) -> None:
        """Save a validated record (``full_clean`` ran during validation) and its many-to-many values."""
        obj.save()
        for column in self.columns:
            if column.m2m and column.field in values:
                getattr(obj, column.field).set(values[column.field])

    # Export hooks

    def export_queryset(self, user, params=None, request=None):
        qs = self.records().restrict(user, "view")
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return self.filter(qs, params or {}, request)

    def get_filterset(self):
        if not self.filterset:
            return None
        try:
            return import_string(self.filterset)
        except ImportError:
            return None

    def filter(self, qs, params, request=None):
        filterset = self.get_filterset()
        if filterset is not None:
            return filterset(params, queryset=qs, request=request).qs
        q = (params.get("q") or "").strip()
        if q and self.search_fields:
            qs = qs.filter(functools.reduce(operator.or_, (Q(**{f: q}) for f in self.search_fields)))
        return qs

    def export_row(self, obj) -> list:
        return [c.export_value(obj) for c in self.columns]


AMBIGUOUS = object()


class ImportContext:
    """What parsers and specs share during one import: the acting user and cached look-ups."""

    def __init__(self, user, spec: ImportSpec):
        self.user = user
        self.spec = spec
        #: None for district-wide roles (no board restriction).
        self.board_ids = None if is_district_wide(user) else board_ids(user)
        self.cache: dict[Any, Any] = {}

    def regions_by_key(self) -> dict[str, Any]:
        if "regions" not in self.cache:
            from zhifa.orgs.models import Region

            table: dict[str, Any] = {}
            for region in Region.objects.all():
                table[region.code] = region
                table[region.name] = region
            self.cache["regions"] = table
        return self.cache["regions"]

    def own_board_names(self) -> str:
        names = sorted({r.name for r in self.regions_by_key().values() if r.pk in (self.board_ids or ())})
        return "、".join(names) or _("（无）")


# --- Reading the file ----------------------------------------------------------------------------


def _max_bytes() -> int:
    return int(settings.ZHIFA_IMPORT_MAX_BYTES)


def _too_large(size: int) -> ImportFileError:
    return ImportFileError(
        _("文件过大（%(size).1f MB），上限为 %(limit).1f MB")
        % {"size": size / 1024 / 1024, "limit": _max_bytes() / 1024 / 1024}
    )


def read_source(source) -> bytes:
    """The file's bytes from bytes, a path or an uploaded file, never reading past the size limit."""
    limit = _max_bytes()
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        size = os.path.getsize(source)
        if size > limit:
            raise _too_large(size)
        with open(source, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        declared = getattr(source, "size", None)
        if declared is not None and declared > limit:
            raise _too_large(declared)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise _too_large(len(data))
    return data


def check_xlsx(data: bytes, filename: str = "") -> None:
    """Refuse anything that is not a plain .xlsx workbook, by its content (the name is checked too)."""
    name = (filename or "").lower()
    if name.endswith(".xls") or name.endswith(".csv"):
        raise ImportFileError(
            _("只能导入 .xlsx 格式的 Excel 文件：请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入")
        )
    if name and not name.endswith(".xlsx"):
        raise ImportFileError(
            _("只能导入 .xlsx 格式的 Excel 文件（当前文件：%(name)s）") % {"name": filename}
        )
    if not data:
        raise ImportFileError(_("文件是空的"))
    if len(data) > _max_bytes():
        raise _too_large(len(data))
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            _(
                "该文件实际上是旧版 .xls 或加密的 Excel 文件："
                "请取消密码并“另存为”Excel 工作簿（*.xlsx）后再导入"
            )
        )
    not_xlsx = ImportFileError(_("该文件不是有效的 .xlsx 文件（内容不是 Excel 工作簿，可能只是改了扩展名）"))
    if not data.startswith(b"PK"):
        raise not_xlsx
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise not_xlsx
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError) as exc:
        raise ImportFileError(_("文件已损坏，无法读取：请在 Excel 中打开确认后另存为 .xlsx 再导入")) from exc
    if _XLSM_MAIN in content_types:
        raise ImportFileError(_("不接受启用宏的工作簿（.xlsm）：请另存为不含宏的 Excel 工作簿（*.xlsx）"))
    if _XLSX_MAIN not in content_types:
        raise not_xlsx
    if unpacked > 10 * max(_max_bytes(), 10 * 1024 * 1024):
        raise ImportFileError(_("文件解压后体积异常（可能是恶意构造的文件），已拒绝"))


def read_rows(data: bytes) -> list[tuple[int, list]]:
    """(Excel row number, cell values) of the first sheet; a corrupt workbook is an ImportFileError."""
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("文件已损坏，无法读取：请在 Excel 中打开确认后另存为 .xlsx 再导入")) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("工作簿中没有工作表"))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong <dimension>; read what is there
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in values]
            if any(v is not None for v in cells):
                rows.append((number, cells))
        return rows
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("文件已损坏，无法读取：请在 Excel 中打开确认后另存为 .xlsx 再导入")) from exc
    finally:
        workbook.close()


def _normal_title(value) -> str:
    return _TITLE_NOISE.sub("", as_text(value)) if value is not None else ""


def map_header(spec: ImportSpec, rows: list[tuple[int, list]]) -> tuple[int, dict[int, Column], list[str]]:
    """Find the header row; return its number, {cell index: column} and warnings (ignored columns)."""
    by_title = {_normal_title(c.title): c for c in spec.columns}
    header_at = None
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_normal_title(v) in by_title for v in cells):
            header_at = position
            break
    if header_at is None:
        raise ImportFileError(
            _("找不到列标题行：第 1 行应为列标题（%(titles)s）。请使用本页提供的导入模板。")
            % {"titles": "、".join(spec.titles)}
        )
    number, cells = rows[header_at]
    mapping: dict[int, Column] = {}
    seen: dict[str, int] = {}
    ignored = []
    for index, value in enumerate(cells):
        title = _normal_title(value)
        if not title:
            continue
        column = by_title.get(title)
        if column is None:
            ignored.append(as_text(value))
            continue
        if column.title in seen:
            raise ImportFileError(
                _("列标题“%(title)s”出现了两次（第 %(a)s 列和第 %(b)s 列）")
                % {
                    "title": column.title,
                    "a": get_column_letter(seen[column.title] + 1),
                    "b": get_column_letter(index + 1),
                }
            )
        seen[column.title] = index
        mapping[index] = column
    needed = [c for c in spec.columns if c.required or c.field in spec.key_fields]
    missing = [c.title for c in needed if c.title not in seen]
    if missing:
        raise ImportFileError(
            _("第 %(row)s 行的列标题缺少必填列：%(missing)s。请使用本页提供的导入模板。")
            % {"row": number, "missing": "、".join(missing)}
        )
    warnings = [_("已忽略无法识别的列：%(titles)s") % {"titles": "、".join(ignored)}] if ignored else []
    return header_at, mapping, warnings


# --- Validating and saving -----------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    bad_fields: set[str] = field(default_factory=set)
    key: tuple | None = None
    instance: Any = None
    created: bool = False
    changed: bool = False
    bad: bool = False


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return frozenset(v.pk if isinstance(v, models.Model) else v for v in value)
    return value


def _current(obj, column: Column):
    if column.m2m:
        return frozenset(o.pk for o in getattr(obj, column.field).all()) if obj.pk else frozenset()
    model_field = obj._meta.get_field(column.field)
    if model_field.is_relation:
        return getattr(obj, model_field.attname)
    return getattr(obj, column.field)


class _Importer:
    def __init__(self, spec: ImportSpec, user, result: ImportResult):
        self.spec = spec
        self.user = user
        self.result = result
        self.ctx = ImportContext(user, spec)
        self.rows: dict[int, _Row] = {}

    def error(self, row: _Row, column: str, message: str) -> None:
        item = RowError(row.number, column, str(message))
        if item not in self.result.errors:
            self.result.errors.append(item)
        row.bad = True

    def validation_error(self, row: _Row, exc: ValidationError) -> None:
        errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
        for field_name, items in errors.items():
            for message in ValidationError(items).messages:
                self.error(row, self.spec.title_of(field_name), message)

    def parse(self, mapping: dict[int, Column], data_rows: list[tuple[int, list]]) -> list[_Row]:
        rows = []
        for number, cells in data_rows:
            row = _Row(number)
            for index, column in mapping.items():
                raw = cells[index] if index < len(cells) else None
                if raw is None:
                    if column.required:
                        self.error(row, column.title, _("必填，不能为空"))
                        row.bad_fields.add(column.field)
                    else:
                        row.values[column.field] = self.spec.blank_value(column)
                    continue
                try:
                    row.values[column.field] = column.parse(raw, self.ctx)
                except CellError as exc:
                    self.error(row, column.title, str(exc))
                    row.bad_fields.add(column.field)
                except ValidationError as exc:
                    for message in exc.messages:
                        self.error(row, column.title, message)
                    row.bad_fields.add(column.field)
            if not row.bad_fields & set(self.spec.key_fields):
                row.key = self.spec.key_of(row.values)
            rows.append(row)
        return rows

    def check_duplicates(self, rows: list[_Row]) -> None:
        by_key: dict[tuple, list[_Row]] = defaultdict(list)
        for row in rows:
            if row.key is not None:
                by_key[row.key].append(row)
        key_titles = "、".join(self.spec.title_of(f) for f in self.spec.key_fields)
        first_title = self.spec.title_of(self.spec.key_fields[0])
        for same in by_key.values():
            if len(same) < 2:
                continue
            for row in same:
                others = "、".join(str(o.number) for o in same if o is not row)
                self.error(
                    row,
                    first_title,
                    _("与第 %(others)s 行重复：%(titles)s相同的记录在文件中只能出现一次")
                    % {"others": others, "titles": key_titles},
                )

    def bind(self, rows: list[_Row]) -> None:
        """Match rows to existing records, check jurisdiction, assign values, run the model's validation."""
        spec, user = self.spec, self.user
        keys = [r.key for r in rows if r.key is not None]
        existing = spec.find_existing(keys) if keys else {}
        ids = [o.pk for o in existing.values() if o is not AMBIGUOUS]
        changeable: set = set()
        for start in range(0, len(ids), IN_CHUNK):
            changeable.update(
                spec.records()
                .restrict(user, "change")
                .filter(pk__in=ids[start : start + IN_CHUNK])
                .values_list("pk", flat=True)
            )
        opts = spec.model._meta
        can_add = user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
        key_title = spec.title_of(spec.key_fields[0])
        relations = {f.name for f in opts.concrete_fields if f.is_relation}
        for row in rows:
            obj = existing.get(row.key) if row.key is not None else None
            self.check_board(row, obj)
            if obj is AMBIGUOUS:
                self.error(row, key_title, _("库中有多条记录与本行匹配，无法确定更新哪一条，请在系统中处理"))
                continue
            before = None
            if obj is not None:
                if obj.pk not in changeable:
                    self.error(
                        row,
                        key_title,
                        _("该%(label)s已登记，且不在您可修改的范围内，不能通过导入修改")
                        % {"label": spec.label},
                    )
                    continue
                before = {c.field: _current(obj, c) for c in spec.columns if c.field in row.values}
            else:
                if row.key is not None and not can_add:
                    self.error(row, key_title, _("您无权新增%(label)s") % {"label": spec.label})
                    continue
                obj = spec.model()
            row.created = before is None
            for column in spec.columns:
                if column.field in row.values and not column.m2m:
                    setattr(obj, column.field, row.values[column.field])
            self.validate(row, obj, relations)
            row.instance = obj
            row.changed = before is None or any(
                before[name] != _comparable(row.values[name]) for name in before
            )

    def validate(self, row: _Row, obj, relations: set[str]) -> None:
        """The model's own validation (field validators, ``clean``), without per-row queries.

        Foreign keys are left out of the field checks: the imported ones were just read from the
        database by their parsers and the others are untouched. The key fields are left out of
        the uniqueness check: ``find_existing`` already matched them.
        """
        exclude = row.bad_fields | set(self.spec.clean_exclude)
        try:
            row_exclude = sorted(exclude | relations)
            obj.full_clean(exclude=row_exclude, validate_unique=False)
        except ValidationError as exc:
            self.validation_error(row, exc)
        try:
            obj.validate_unique(exclude=sorted(exclude | set(self.spec.key_fields)))
        except ValidationError as exc:
            self.validation_error(row, exc)

    def check_board(self, row: _Row, obj) -> None:
        """A board-bound user imports rows of their own boards only.

        A record the user may already change (e.g. an officer seconded to their board) may be
        re-imported as long as the row leaves its board as it is, so that their export re-imports.
        """
        spec, ctx, board_field = self.spec, self.ctx, self.spec.board_field
        board = row.values.get(board_field) if board_field else None
        if board_field is None or board is None or ctx.board_ids is None or board.pk in ctx.board_ids:
            return
        if obj is not None and obj is not AMBIGUOUS:
            model_field = spec.model._meta.get_field(board_field)
            if isinstance(model_field, models.Field) and getattr(obj, model_field.attname) == board.pk:
                return
        self.error(
            row,
            spec.title_of(board_field),
            _("“%(board)s”不在您的管辖范围内：您只能导入%(own)s的%(label)s")
            % {"board": board.name, "own": ctx.own_board_names(), "label": spec.label},
        )

    def save(self, rows: list[_Row]) -> None:
        for row in rows:
            if row.bad:
                continue
            if not row.changed:
                self.result.unchanged += 1
                continue
            try:
                with transaction.atomic():
                    self.spec.save(row.instance, row.values, self.ctx)
            except ValidationError as exc:
                self.validation_error(row, exc)
                continue
            except IntegrityError:
                self.error(row, "—", _("保存失败：与库中已有记录冲突（可能刚被他人修改），请重试"))
                continue
            if row.created:
                self.result.created += 1
            else:
                self.result.updated += 1


def _audit_import(result: ImportResult, user) -> None:
    spec = result.spec
    record(
        AuditAction.IMPORT,
        user=user,
        object_type=spec.model._meta.label_lower,
        object_repr=result.filename or spec.label,
        message=_("导入%(label)s（%(file)s）：%(summary)s")
        % {"label": spec.label, "file": result.filename or "-", "summary": result.summary()},
        after={
            "kind": spec.kind,
            "file": result.filename,
            "valid_rows": result.valid_rows,
            "rows": result.total,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "skipped": result.skipped,
            "errors": len(result.errors),
            "bad_rows": result.bad_rows[:50],
            "committed": result.committed,
            "file_error": result.file_error,
        },
    )


def run_import(
    spec: ImportSpec, source, *, user, filename: str = "", valid_rows: bool = False
) -> ImportResult:
    """Import a workbook as ``user``. ``source``: bytes, a path or an uploaded file."""
    if not user.has_perm(spec.import_permission):
        raise PermissionDenied(_("您无权导入%(label)s") % {"label": spec.label})
    if not filename and isinstance(source, (str, os.PathLike)):
        filename = os.path.basename(os.fspath(source))
    filename = filename or getattr(source, "name", "") or ""
    result = ImportResult(spec=spec, filename=os.path.basename(filename), valid_rows=valid_rows)
    try:
        data = read_source(source)
        check_xlsx(data, filename)
        all_rows = read_rows(data)
        if not all_rows:
            raise ImportFileError(_("文件中没有任何内容"))
        header_at, mapping, result.warnings = map_header(spec, all_rows)
        data_rows = all_rows[header_at + 1 :]
        if not data_rows:
            raise ImportFileError(_("列标题下方没有数据行"))
    except ImportFileError as exc:
        result.file_error = str(exc)
        _audit_import(result, user)
        return result

    importer = _Importer(spec, user, result)
    try:
        with transaction.atomic():
            spec.prepare(importer.ctx)
            rows = importer.parse(mapping, data_rows)
            result.total = len(rows)
            importer.check_duplicates(rows)
            importer.bind(rows)
            if result.errors and not valid_rows:
                raise _Rollback
            importer.save(rows)
            if result.errors and not valid_rows:
                raise _Rollback
            result.skipped = len(result.bad_rows)
            result.committed = True
            _audit_import(result, user)
    except _Rollback:
        result.created = result.updated = result.unchanged = result.skipped = 0
        result.committed = False
        _audit_import(result, user)
    result.errors.sort(key=lambda e: (e.row, _column_order(spec, e.column)))
    return result


def _column_order(spec: ImportSpec, title: str) -> int:
    try:
        return spec.titles.index(title)
    except ValueError:
        return len(spec.titles)


# --- Export and template -------------------------------------------------------------------------


def can_export(user, spec: ImportSpec) -> bool:
    return all(user.has_perm(p) for p in spec.export_permissions)


def export_filename(spec: ImportSpec) -> str:
    return f"{spec.label}_{timezone.localdate():%Y%m%d}.xlsx"


def export_xlsx(spec: ImportSpec, user, params=None, request=None, filename: str = "") -> tuple[bytes, int]:
    """The records the user may see (filtered like the list page) in the import's columns; audited."""
    if not can_export(user, spec):
        raise PermissionDenied(_("您无权导出%(label)s") % {"label": spec.label})
    from zhifa.core import personal

    params = params if params is not None else {}
    queryset = spec.export_queryset(user, params, request)
    count = 0
    # Personal columns are full for holders of the field's permission, masked for everyone else.
    fields = [c.field for c in spec.columns]
    plan = personal.export_plan(spec.model, fields, user)

    def rows() -> Iterator[list]:
        nonlocal count
        for obj in queryset.iterator(chunk_size=2000):
            count += 1
            row = spec.export_row(obj)
            yield personal.mask_export_row(obj, fields, row, plan) if plan else row

    data = xlsx_bytes(spec.titles, rows(), sheet_title=spec.label)
    filters = _filters_of(params)
    record(
        AuditAction.EXPORT,
        user=user,
        object_type=spec.model._meta.label_lower,
        object_repr=filename or export_filename(spec),
        message=_("导出%(label)s %(count)s 条%(filters)s")
        % {
            "label": spec.label,
            "count": count,
            "filters": (_("（筛选：%(f)s）") % {"f": "；".join(f"{k}={v}" for k, v in filters.items())})
            if filters
            else "",
        }
        + personal.export_note(spec.model, plan),
        after={
            "kind": spec.kind,
            "count": count,
            "filters": filters,
            **({"personal": {k: "full" if v else "masked" for k, v in plan.items()}} if plan else {}),
        },
    )
    return data, count


def _filters_of(params) -> dict[str, str]:
    if hasattr(params, "lists"):
        items: Iterable = ((k, ",".join(v)) for k, v in params.lists())
    else:
        items = params.items()
    return {k: str(v) for k, v in items if v not in ("", None) and k not in ("page", "sort", "per_page")}


def template_xlsx(spec: ImportSpec) -> bytes:
    """A blank workbook: the header row on the first sheet, how to fill each column on the second."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.label)
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.title) * 2 + 4)
    sheet.append(spec.titles)
    notes = workbook.create_sheet(_("填写说明"))
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 80
    notes.append([_("列标题"), _("必填"), _("填写说明")])
    for column in spec.columns:
        notes.append([column.title, _("是") if column.required else "", column.help_text])
    notes.append([])
    for line in import_rules(spec):
        notes.append([line])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_rules(spec: ImportSpec) -> list[str]:
    """The rules of an import, in words (the import page and the template's second sheet)."""
    return [
        _("第 1 行为列标题（与导出文件相同），数据从第 2 行开始；只读取第一个工作表。"),
        str(spec.key_help),
        _("文件中缺少的非必填列不会改动已有记录的对应信息；单元格留空表示清空（或取默认值）。"),
        _("默认任何一行有误则全部不导入；也可选择“只导入无误的行”。"),
        _("文件须为 .xlsx 格式，不超过 %(mb).0f MB。") % {"mb": _max_bytes() / 1024 / 1024},
    ]

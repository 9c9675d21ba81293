"""The spreadsheet import framework (spec/import-formats.md).

Each kind is an ``Importer`` subclass registered with ``@register``: it names
its key column and its columns (with a parser each), cross-checks a row in
``check_row`` and writes one row in ``upsert`` through the app's services.
``run_import`` does the rest, the same way for every kind: read the first
worksheet, report every bad row as ``第N行 列名: 原因``, and write all rows in
one transaction or none.  A dry run does the writing and rolls it back, so its
counts are exactly what a real import would do.  The command line and the
background import job (jiaotong.imports.jobs) both call ``run_import``.

Large workbooks (issues 12 and 14):

- rows are streamed (jiaotong.imports.xlsx): the declared dimension is not
  trusted, and a workbook beyond MAX_ROWS data rows or MAX_COLUMNS columns is
  refused with one message as soon as the reader meets the excess;
- a kind may load its reference tables once (``prefetch``) and write batches
  of BATCH_SIZE rows (``bulk_write``), each in a savepoint of the one
  transaction; their audit events are appended at the end in one go
  (``audit_record_many``), so the audit chain's lock is held for that append
  and the commit only, not for the whole import;
- ``progress(percent)`` hears how far it has come every PROGRESS_EVERY rows.

Two decisions every kind shares:

- A column left out of the workbook is not the same as an empty cell.  An empty
  cell means "no value" (the column's default); an optional column that is not
  in the header row at all is reported in ``Importer.present`` so that ``upsert``
  can leave that field of an existing record alone.  ``row`` still holds every
  column (absent ones at their default), so simple importers need not care.
- Formula cells are refused (``不接受公式``): the value a formula shows depends
  on a cached result that may be stale or missing.  Text that merely *looks*
  like a formula (a text cell ``=1+2``) is ordinary text and is kept as typed;
  exports write it back as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.dispatch import Signal
from django.utils import timezone

# The outcomes of one row, shared with the create-or-update services.
from jiaotong.audit.changes import CREATED, UNCHANGED, UPDATED  # noqa: F401
from jiaotong.dates import as_local
from jiaotong.imports import xlsx
from jiaotong.imports.xlsx import FORMULA, TooLarge, Worksheet
from jiaotong.validators import is_plausible_date, plausible_window_message


def import_update(existing, fields: dict, *, by, action: str, leave_alone=()) -> str:
    """The tail of every import row that meets an existing record: set the fields
    whose value differs (except those in ``leave_alone``), save, and write one
    audit event naming them. Returns UPDATED, or UNCHANGED when nothing differs."""
    from jiaotong.audit.services import audit_record

    changed = {
        name: value
        for name, value in fields.items()
        if name not in leave_alone and getattr(existing, name) != value
    }
    if not changed:
        return UNCHANGED
    from_state = getattr(existing, "status", "")
    for name, value in changed.items():
        setattr(existing, name, value)
    existing.save()
    audit_record(
        by=by,
        action=action,
        obj=existing,
        from_state=from_state,
        to_state=getattr(existing, "status", ""),
        changes={"fields": sorted(changed)},
    )
    return UPDATED


def differs(record, name: str, value) -> bool:
    """Whether ``record.name`` differs from ``value``; a relation is compared
    by id, so that no query reads the record's current related one."""
    field = record._meta.get_field(name)
    if field.is_relation:
        return getattr(record, field.attname) != getattr(value, "pk", value)
    return getattr(record, name) != value


def copy_created(model, key: str, created: list[tuple[dict, dict]]) -> None:
    """Store the new records of a bulk write in one go (``copy_rows``: COPY on
    PostgreSQL) and give each one's audit event its ``object_id``: ``created``
    pairs the record's field values (``key`` among them, unique) with its event
    (``audit_record`` keywords); the ids are read back in one query."""
    from django.db import connection

    from jiaotong.loadgen import copy_rows

    if not created:
        return
    with connection.wrap_database_errors:  # COPY's errors as DatabaseError
        copy_rows(model, [values for values, _event in created])
    ids = dict(
        model._default_manager.filter(
            **{f"{key}__in": [values[key] for values, _event in created]}
        ).values_list(key, "id")
    )
    for values, event in created:
        event["object_id"] = str(ids[values[key]])


def update_rows(model, records: list, fields) -> None:
    """``bulk_update(records, fields)`` as one statement whose cost grows with
    the rows: ``UPDATE … FROM (VALUES …)`` on PostgreSQL (Django's CASE WHEN
    form takes quadratic time over a batch of a thousand); ``bulk_update``
    elsewhere."""
    from django.db import connection

    if not records:
        return
    manager = model._default_manager
    if connection.vendor != "postgresql":
        manager.bulk_update(records, list(fields))
        return
    pk = model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    casts = [f"%s::{pk.rel_db_type(connection)}"] + [
        f"%s::{field.db_type(connection)}" for field in columns
    ]
    row = "(" + ", ".join(casts) + ")"
    params = []
    for record in records:
        params.append(pk.get_db_prep_save(record.pk, connection))
        params.extend(
            field.get_db_prep_save(getattr(record, field.attname), connection)
            for field in columns
        )
    table, key = quote(model._meta.db_table), quote(pk.column)
    names = ", ".join(quote(field.column) for field in columns)
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(field.column)}" for field in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} "  # noqa: S608 (names from the model)
            f"FROM (VALUES {', '.join([row] * len(records))}) AS v({key}, {names}) "
            f"WHERE {table}.{key} = v.{key}",
            params,
        )


# Sent (sender: the model) after a bulk write stored records without their
# post_save signals; the dashboard's cache hears it as it hears a save.
bulk_written = Signal()


class BulkUpsert:
    """The steps of the create-or-update services (jiaotong.audit.changes:
    ``locked_or_new``, ``apply_changes``, save, ``record_upsert``) for a batch
    of a bulk import (``Importer.bulk_write``): the keyed records are found,
    locked, in one query; ``get`` stands for ``locked_or_new``; the caller
    applies the values and checks them as its service does, then says
    ``unchanged()`` or ``saved(...)``; ``flush()`` stores what was saved since
    the last flush (one ``bulk_create``, one ``bulk_update``); ``done()``
    returns the outcomes (one per row, in order) and the audit events, the
    same ``<model>_create`` / ``<model>_update`` events ``record_upsert``
    writes, for the framework to append (``audit_record_many``).  ``related``
    names foreign keys read with the records (``select_related``: the changes
    show a related record by name)."""

    def __init__(self, model, key: str, keys, *, by, actor_name="", related=()):
        self.model, self.key = model, key
        self.by, self.actor_name = by, actor_name
        queryset = model._default_manager.filter(**{f"{key}__in": list(keys)})
        if related:  # lock the records only, not the related ones
            queryset = queryset.select_related(*related).select_for_update(of=("self",))
        else:
            queryset = queryset.select_for_update()
        self.existing = {getattr(record, key): record for record in queryset}
        self.outcomes: list[str] = []
        self.events: list[dict] = []
        self._created: list = []
        self._updated: list = []
        self._fields: set[str] = set()

    def get(self, key_value):
        """``(record, created)``: the stored record or a new unsaved one."""
        record = self.existing.get(key_value)
        if record is None:
            return self.model(**{self.key: key_value}), True
        return record, False

    def unchanged(self) -> None:
        self.outcomes.append(UNCHANGED)

    def saved(self, record, *, created: bool, changes: dict, reason="") -> None:
        """What ``record.save()`` and ``record_upsert`` do, deferred to ``flush``."""
        if created:
            self._created.append(record)
        else:
            self._updated.append(record)
            self._fields.update(changes)
        self.outcomes.append(CREATED if created else UPDATED)
        self.events.append(
            {
                "by": self.by,
                "actor_name": self.actor_name,
                "action": f"{self.model._meta.model_name}_"
                + ("create" if created else "update"),
                "obj": record,  # its id once stored
                "changes": changes,
                "reason": reason,
            }
        )

    def flush(self) -> None:
        if self._created:
            self.model._default_manager.bulk_create(self._created)
        if self._updated:
            stamped = [
                f
                for f in self.model._meta.concrete_fields
                if getattr(f, "auto_now", False)
            ]
            now = timezone.now()
            for record in self._updated:
                for f in stamped:  # auto_now: update_rows does not set it
                    setattr(record, f.attname, now)
            update_rows(
                self.model,
                self._updated,
                sorted(self._fields | {f.name for f in stamped}),
            )
        if self._created or self._updated:  # bulk writes send no post_save
            bulk_written.send(sender=self.model)
        self._created, self._updated, self._fields = [], [], set()

    def done(self) -> tuple[list[str], list[dict]]:
        self.flush()
        return self.outcomes, self.events


class WorkingDays:
    """``add_working_days`` for one import: the working-day calendar asked once
    per date, not once or more per row.  The n-th working day after a day is
    the first working day after the (n-1)-th, so short spans are chained from a
    cache of "next working day" (``add_working_days`` stays the one rule);
    long ones (rare) go to ``add_working_days`` directly."""

    CHAINED = 60  # working days; far below add_working_days' span guard

    def __init__(self):
        self._next: dict[dt.date, dt.date] = {}
        self._after: dict[tuple[dt.date, int], dt.date] = {}

    def add(self, day: dt.date, n: int) -> dt.date:
        from jiaotong.calendar.workdays import add_working_days

        key = (day, n)
        if key not in self._after:
            if n > self.CHAINED or n < 0:
                self._after[key] = add_working_days(day, n)
            else:
                current = day
                for _ in range(n):
                    if current not in self._next:
                        self._next[current] = add_working_days(current, 1)
                    current = self._next[current]
                self._after[key] = current
        return self._after[key]


class RowByRow(Exception):
    """Raised by ``Importer.bulk_write`` for a batch it leaves to ``upsert``,
    row by row: a rare shape of data its batch form does not handle."""


class CellError(Exception):
    """A problem with one cell (or one row, naming the column it concerns)."""

    def __init__(self, column: str, reason: str):
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    rows: int = 1  # > 1: the same error on every one of that many data rows

    def __str__(self) -> str:
        if self.rows > 1:
            return f"全部{self.rows}行（第{self.row}行起） {self.column}: {self.reason}"
        return f"第{self.row}行 {self.column}: {self.reason}"


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        prefix = "试导入（未写入）" if self.dry_run else "导入完成"
        return (
            f"{prefix}：新增 {self.created} 行，更新 {self.updated} 行，"
            f"未变化 {self.unchanged} 行。"
        )


# --- Cell parsers: each takes a non-empty cell value and returns the Python value


def parse_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number in Excel
    return str(value).strip()


def text(max_length: int | None = None) -> Callable[[Any], str]:
    """Text of at most ``max_length`` characters (the model field's limit)."""

    def parse(value) -> str:
        result = parse_text(value)
        if max_length is not None and len(result) > max_length:
            raise ValueError(f"不能超过{max_length}个字符（当前{len(result)}个）")
        return result

    return parse


def parse_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("应为整数") from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError("应为整数")
    if number < 0:
        raise ValueError("不能为负数")
    return int(number)


def parse_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("应为数字")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("应为数字") from exc
    if not number.is_finite():
        raise ValueError("应为数字")
    if number < 0:
        raise ValueError("不能为负数")
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)


def parse_datetime(value) -> dt.datetime:
    """Excel date cells or text; a date alone means 00:00 Asia/Shanghai."""
    if isinstance(value, dt.datetime):
        naive = value
    elif isinstance(value, dt.date):
        naive = dt.datetime.combine(value, dt.time())
    else:
        text_value = str(value).strip()
        naive = None
        for fmt in _DATETIME_FORMATS + _DATE_FORMATS:
            try:
                naive = dt.datetime.strptime(text_value, fmt)
                break
            except ValueError:
                continue
        if naive is None:
            raise ValueError("日期格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM[:SS]")
    # The plausible window (issue 12): year 0001 or 9999 breaks date arithmetic
    # (working-day deadlines, time zones) long after the import has finished.
    if not is_plausible_date(naive.date()):
        raise ValueError(plausible_window_message())
    return as_local(naive)


def parse_date(value) -> dt.date:
    return parse_datetime(value).date()


_YES = {"是", "Y", "YES", "1", "TRUE"}
_NO = {"否", "N", "NO", "0", "FALSE"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    result = parse_text(value).upper()
    if result in _YES:
        return True
    if result in _NO:
        return False
    raise ValueError("应填 是/否（或 Y/N、1/0）")


def choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value) -> str:
        result = parse_text(value)
        if result not in allowed:
            raise ValueError("应为 " + " / ".join(allowed) + " 之一")
        return result

    return parse


def validated(validator: Callable[[str], str]) -> Callable[[Any], str]:
    """Wrap a jiaotong.validators function as a cell parser."""

    def parse(value) -> str:
        try:
            return validator(parse_text(value))
        except ValidationError as exc:
            raise ValueError("；".join(exc.messages)) from exc

    return parse


@dataclass(frozen=True)
class Column:
    header: str
    parse: Callable[[Any], Any] = parse_text
    required: bool = False
    default: Any = None


class Importer:
    """One import kind. Subclasses set ``kind``, ``label``, ``key`` and ``columns``.

    ``fields`` maps model field names to column headers, so that a
    ``ValidationError`` raised by a service in ``upsert`` is reported against
    the right column.  ``present`` is the set of headers the workbook has.
    """

    kind: str = ""
    label: str = ""
    key: str = ""  # header of the key column
    columns: tuple[Column, ...] = ()
    fields: dict[str, str] = {}

    def __init__(self, *, by):
        self.by = by
        self.actor_name = ""  # set by run_import, e.g. "命令行导入" when by is None
        self.present: set[str] = {c.header for c in self.columns}
        self._found: dict[tuple, Any] = {}

    def find(self, model, **filters):
        """The first ``model`` row matching ``filters``, or None, asked once per
        import (a workbook names the same matter or enterprise on many rows)."""
        key = (model, *sorted(filters.items()))
        if key not in self._found:
            self._found[key] = model._default_manager.filter(**filters).first()
        return self._found[key]

    def prefetch(self, rows: list[dict[str, Any]]) -> None:
        """Load what ``check_row`` looks up, once for the whole workbook (one
        query per reference table, not one per row); ``rows`` are the parsed
        rows without cell errors.  Default: nothing (``find`` asks as it goes)."""

    def remember(self, model, field: str, values) -> None:
        """Prefetch for ``find(model, field=value)``: one query for all
        ``values``; a value without a row is remembered as None."""
        values = {v for v in values if v is not None}
        found = {
            getattr(obj, field): obj
            for obj in model._default_manager.filter(**{f"{field}__in": values})
        }
        for value in values:
            self._found[(model, (field, value))] = found.get(value)

    def check_row(self, row: dict[str, Any]) -> None:
        """Cross-column and reference checks; raise CellError naming the column."""

    def check_rows(self, parsed: list[tuple[int, dict[str, Any]]]) -> list[RowError]:
        """Checks across rows (e.g. references between rows of the workbook), run
        once every row is valid on its own; ``parsed`` is ``[(row number, row)]``."""
        return []

    def write_order(self, parsed: list[tuple[int, dict[str, Any]]]):
        """The order rows are written in (default: the workbook's)."""
        return parsed

    def upsert(self, row: dict[str, Any]) -> str:
        """Create or update the record for this row; return CREATED/UPDATED/UNCHANGED."""
        raise NotImplementedError

    def bulk_write(self, batch: list[tuple[int, dict[str, Any]]]):
        """Optional fast path for large workbooks: write a batch of rows (up to
        BATCH_SIZE) with a few queries and return ``(outcomes, audit events)``,
        one outcome per row as ``upsert`` would, and the events as dicts of
        ``audit_record`` keywords (the framework appends them, all at once, when
        the whole workbook is written).  It must write exactly what ``upsert``
        writes row by row; any exception undoes the batch, whose rows are then
        written through ``upsert`` to name the failing row.  A kind that does
        not override it is written row by row, and so is a batch for which it
        raises ``RowByRow``."""
        raise NotImplementedError

    def given(self, row: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
        """``{field: value}`` for the columns of ``mapping`` (field → header) that
        the workbook has: absent optional columns leave a record's field alone."""
        return {f: row[h] for f, h in mapping.items() if h in self.present}


REGISTRY: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    """Class decorator: ``@register`` makes the kind available to import_xlsx."""
    REGISTRY[importer.kind] = importer
    return importer


def importer_for(kind: str) -> type[Importer]:
    _autodiscover()
    try:
        return REGISTRY[kind]
    except KeyError:
        raise CellError(
            "KIND", f"未知的导入类型：{kind}（可选：{', '.join(REGISTRY)}）"
        ) from None


def kinds() -> dict[str, type[Importer]]:
    _autodiscover()
    return dict(REGISTRY)


@functools.cache
def _autodiscover() -> None:
    # Each app's kinds live in <app>/imports.py, the core's in its concern rooms
    # (jiaotong/accounts/imports.py, jiaotong/registry/imports.py).
    from jiaotong.discovery import contributed_modules

    contributed_modules("imports")


# Workbook limits (issue 12; documented in spec/import-formats.md "Limits"):
# larger workbooks are refused, as soon as the reader meets the first row or
# cell beyond them, with a message naming the limit.
MAX_ROWS = 200_000  # data rows (row 2 up to row MAX_ROWS + 1)
MAX_COLUMNS = 64
# The background job hears of the progress every PROGRESS_EVERY rows, and the
# bulk writers (Importer.bulk_write) take BATCH_SIZE rows at a time.
PROGRESS_EVERY = 2000
BATCH_SIZE = 1000


def _too_large(exc: TooLarge) -> str:
    if exc.what == "text":
        return (
            f"工作簿中的文字超过上限（共享字符串超过 {xlsx.MAX_SHARED_TEXT} 个字符），"
            "请拆分为多个工作簿后分别导入"
        )
    if exc.what == "columns":
        return (
            f"第{exc.row}行有内容的列超过上限：最多 {MAX_COLUMNS} 列，"
            "请删除多余的列后再导入"
        )
    return (
        f"数据行超过上限：每个工作簿最多 {MAX_ROWS} 行数据"
        f"（第2行至第{MAX_ROWS + 1}行），请拆分为多个工作簿后分别导入"
    )


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header_errors(importer: Importer, headers: list[str]) -> list[RowError]:
    errors = []
    known = {c.header for c in importer.columns}
    for header in sorted({h for h in headers if h in known and headers.count(h) > 1}):
        errors.append(RowError(1, header, "列名重复"))
    for column in importer.columns:
        if column.required and column.header not in headers:
            errors.append(RowError(1, column.header, "缺少必填列"))
    return errors


Progress = Callable[[int], None]


class _Progress:
    """Percentages for the job page: reading 0-40, checking 40-50, writing
    50-99 (100 is the job's "finished"); reported every PROGRESS_EVERY rows."""

    def __init__(self, report: Progress | None, declared_rows: int | None):
        self.report = report
        self.declared = declared_rows

    def __call__(self, start: int, span: int, done: int, total: int | None) -> None:
        if self.report is None or done % PROGRESS_EVERY:
            return
        if not total:
            return
        self.report(start + span * min(done, total) // total)


def run_import(
    kind: str,
    workbook_file,
    *,
    by,
    dry_run: bool = False,
    actor_name: str = "",
    source_name: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Validate every row, then write all of them in one transaction or none.

    ``workbook_file`` is a path or a binary file object.  ``by`` is the acting
    user (None for the command line, which passes ``actor_name``).
    ``progress(percent)`` (optional, the background job's) hears how far the
    import has come, at most every PROGRESS_EVERY rows.
    """
    importer = importer_for(kind)(by=by)
    importer.actor_name = actor_name
    result = ImportResult(kind=kind, dry_run=dry_run)
    try:
        sheet = Worksheet(workbook_file, max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS)
    except TooLarge as exc:  # its shared strings
        result.errors.append(RowError(1, "文件", _too_large(exc)))
        return result
    except Exception:  # openpyxl/lxml raise many types for a file that is not xlsx
        result.errors.append(RowError(1, "文件", "无法读取，请上传 .xlsx 格式的工作簿"))
        return result
    tick = _Progress(progress, sheet.declared_rows)

    # Reading: rows are streamed and each is parsed cell by cell as it arrives;
    # only the parsed rows are kept (check_rows and the writes need them all).
    parsed: list[tuple[int, dict[str, Any]]] = []
    row_errors: dict[int, list[RowError]] = {}  # row number -> its errors, in order
    try:
        rows = _readable(sheet.rows())
        header = next(rows, None)
        if header is not None and header[0] != 1:
            header, rows = None, _chain(header, rows)
        headers = [
            str(v).strip() if v is not None and v is not FORMULA else ""
            for v in (header[1] if header else ())
        ]
        errors = _header_errors(importer, headers)
        if errors:
            result.errors.extend(errors)
            return result
        positions = {h: i for i, h in enumerate(headers) if h}
        importer.present = {c.header for c in importer.columns if c.header in positions}
        seen_keys: dict[Any, int] = {}
        for number, values in rows:
            if all(_is_empty(v) for v in values):
                continue
            row, errors = _parse_row(importer, positions, number, values)
            key = row.get(importer.key)
            if key is not None and not any(e.column == importer.key for e in errors):
                if key in seen_keys:
                    errors.append(
                        RowError(number, importer.key, f"与第{seen_keys[key]}行重复")
                    )
                else:
                    seen_keys[key] = number
            if errors:
                row_errors[number] = errors
            parsed.append((number, row))
            tick(0, 40, len(parsed), tick.declared)
    except TooLarge as exc:
        result.errors.append(RowError(1, "文件", _too_large(exc)))
        return result
    except _Unreadable:  # a damaged worksheet
        result.errors.append(RowError(1, "文件", "无法读取，请上传 .xlsx 格式的工作簿"))
        return result
    finally:
        sheet.close()

    # Checking: reference tables are loaded once (prefetch), then each row.
    importer.prefetch([row for number, row in parsed if number not in row_errors])
    for done, (number, row) in enumerate(parsed, start=1):
        if number not in row_errors:
            try:
                importer.check_row(row)
            except CellError as exc:
                row_errors[number] = [RowError(number, exc.column, exc.reason)]
        tick(40, 10, done, len(parsed))
    for number, _row in parsed:
        result.errors.extend(row_errors.get(number, ()))

    if not parsed and not result.errors:
        result.errors.append(RowError(1, "文件", "没有数据行（数据应从第2行开始）"))
    if not result.errors:
        result.errors.extend(importer.check_rows(parsed))
    if not result.errors:
        parsed = importer.write_order(parsed)
        _write(
            importer,
            parsed,
            result,
            dry_run=dry_run,
            source_name=source_name,
            tick=lambda done: tick(50, 49, done, len(parsed)),
        )
    result.errors = _once_for_every_row(result.errors, len(parsed))
    return result


class _Unreadable(Exception):
    pass


def _readable(rows):
    """The rows; a damaged worksheet (lxml, zip or value errors while reading,
    not errors of the code that consumes the rows) raises _Unreadable."""
    try:
        yield from rows
    except TooLarge:
        raise
    except Exception as exc:
        raise _Unreadable from exc


def _chain(first, rest):
    yield first
    yield from rest


def _once_for_every_row(errors: list[RowError], row_count: int) -> list[RowError]:
    """An error that every data row has (a precondition such as "no organisation
    unit yet") is reported once, not once per row; the rest stay as they are."""
    if row_count < 2:
        return errors
    rows_by_error: dict[tuple[str, str], set[int]] = {}
    for error in errors:
        rows_by_error.setdefault((error.column, error.reason), set()).add(error.row)
    everywhere = {key for key, rows in rows_by_error.items() if len(rows) == row_count}
    if not everywhere:
        return errors
    kept, reported = [], set()
    for error in errors:
        key = (error.column, error.reason)
        if key not in everywhere:
            kept.append(error)
        elif key not in reported:
            reported.add(key)
            kept.append(RowError(error.row, *key, rows=row_count))
    return kept


def _parse_row(importer: Importer, positions, number: int, values: tuple):
    row, errors = {}, []
    for column in importer.columns:
        pos = positions.get(column.header)
        raw = values[pos] if pos is not None and pos < len(values) else None
        if raw is FORMULA:
            errors.append(
                RowError(
                    number, column.header, "不接受公式，请将公式转换为数值后再导入"
                )
            )
            continue
        if _is_empty(raw):
            if column.required:
                errors.append(RowError(number, column.header, "必填，不能为空"))
            row[column.header] = column.default
            continue
        try:
            row[column.header] = column.parse(raw)
        except ValueError as exc:
            errors.append(RowError(number, column.header, str(exc)))
    return row, errors


def _validation_errors(importer: Importer, number: int, exc: ValidationError):
    if not hasattr(exc, "error_dict"):
        return [RowError(number, importer.key, m) for m in exc.messages]
    return [
        RowError(number, importer.fields.get(name, importer.key), message)
        for name, errors in exc.error_dict.items()
        for error in errors
        for message in error.messages
    ]


def _write(
    importer: Importer,
    parsed,
    result: ImportResult,
    *,
    dry_run: bool,
    source_name,
    tick,
) -> None:
    from jiaotong.audit.services import audit_record_many

    # One transaction for the whole workbook: any failure writes nothing.  A kind
    # with ``bulk_write`` writes BATCH_SIZE rows at a time in a savepoint; if a
    # batch fails (even in the database), the savepoint undoes it and its rows
    # are written again one by one, each in a savepoint of its own, so that the
    # error names its row and the remaining rows are still reported.  The audit
    # events of the bulk writes are appended at the end, all at once.
    events: list[dict] = []
    bulk = type(importer).bulk_write is not Importer.bulk_write
    with transaction.atomic():
        if bulk:
            for start in range(0, len(parsed), BATCH_SIZE):
                batch = parsed[start : start + BATCH_SIZE]
                written = _write_batch(importer, batch)
                if written is None:  # undone: the rows one by one, for the errors
                    for number, row in batch:
                        _write_row(importer, number, row, result)
                else:
                    for outcome in written[0]:
                        setattr(result, outcome, getattr(result, outcome) + 1)
                    events.extend(written[1])
                tick(start + len(batch))
        else:
            for done, (number, row) in enumerate(parsed, start=1):
                _write_row(importer, number, row, result)
                tick(done)
        if result.errors:
            result.created = result.updated = result.unchanged = 0
            transaction.set_rollback(True)
            return
        if dry_run:
            transaction.set_rollback(True)
            return
        events.append(
            {
                "by": importer.by,
                "actor_name": importer.actor_name,
                "action": "import",
                "reason": f"{importer.label}（{importer.kind}）"
                + (f"：{source_name}" if source_name else ""),
                "changes": {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            }
        )
        audit_record_many(events)


def _write_batch(importer: Importer, batch):
    """``(outcomes, audit events)`` of one bulk-written batch, or None when the
    batch failed and was undone (its rows are then written one by one)."""
    try:
        with transaction.atomic():  # a savepoint: a failed batch undoes itself
            return importer.bulk_write(batch)
    except (
        RowByRow,
        CellError,
        ValidationError,
        OverflowError,
        ValueError,
        DatabaseError,
    ):
        return None


def _write_row(importer: Importer, number: int, row, result: ImportResult) -> None:
    try:
        with transaction.atomic():  # a savepoint: a failed row undoes itself
            outcome = importer.upsert(row)
    except CellError as exc:
        result.errors.append(RowError(number, exc.column, exc.reason))
        return
    except ValidationError as exc:
        result.errors.extend(_validation_errors(importer, number, exc))
        return
    except (OverflowError, ValueError) as exc:  # date arithmetic, bad data
        result.errors.append(
            RowError(number, importer.key, f"数值超出可处理的范围（{exc}）")
        )
        return
    except DatabaseError as exc:
        result.errors.append(RowError(number, importer.key, f"数据库拒绝写入（{exc}）"))
        return
    setattr(result, outcome, getattr(result, outcome) + 1)

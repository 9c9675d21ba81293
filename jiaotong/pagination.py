"""Keyset ("seek") pagination of the big lists (issue 14), one implementation.

A page is found by the sort key of the row it continues from, never by OFFSET,
and the table is never counted in full (QUALITY.md):

- the queryset arrives ordered by its list's selector on a *unique* key tuple,
  e.g. ``(-received_at, -id)``: the pagination reads that ordering, so each
  list's sort rule stays in one place (its selector or its model's ``ordering``);
- the cursor travels in the query string (``?cursor=…``): an opaque token of
  the direction and the key values of the row to continue from, or ``last``.
  A cursor that does not decode, names other fields or carries values that do
  not parse is ignored: the list shows its first page (never a 500);
- first / previous / next / last: next continues after the page's last row,
  previous before its first row (read in the reverse order), last is the
  reverse ordering's first page, reversed. One query of ``size + 1`` rows at
  any depth, so a page costs the same at row 25 and at row 1,000,000, and a walk
  through the pages never skips or repeats a row while rows are being added;
- the total: an exact ``COUNT(*)`` over at most ``count_cap + 1`` rows — the
  exact figure when the list holds no more (``共 N 条``), else the PostgreSQL
  planner's estimate of the filtered query (``约 N 条``; "10,000 条以上" where
  there is no planner estimate, i.e. on SQLite). At most two queries.

Lists with few rows (queues, registers) keep Django's ``Paginator``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.expressions import OrderBy

PAGE_SIZE = 25
# Counted exactly up to this many rows: a county's year of any list (the
# dashboard's drill-downs show the same figure as the dashboard) at a few ms.
COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000  # a text search's exact total (request_page)
CURSOR_PARAM = "cursor"
LAST = "last"
NEXT, PREVIOUS = "n", "p"
_BIGINT = 2**63


# --- The sort key ------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """One column of the sort key, in the list's order."""

    name: str
    field: models.Field
    descending: bool
    nulls_first: bool  # where NULL sorts in the list's order

    def order(self, reverse: bool) -> OrderBy:
        descending = self.descending != reverse
        if not self.field.null:
            return F(self.name).desc() if descending else F(self.name).asc()
        nulls_first = self.nulls_first != reverse
        nulls = {"nulls_first": True} if nulls_first else {"nulls_last": True}
        return F(self.name).desc(**nulls) if descending else F(self.name).asc(**nulls)

    def beyond(self, value, reverse: bool) -> Q:
        """Rows strictly after ``value`` in this column, in the given direction."""
        descending = self.descending != reverse
        nulls_first = self.nulls_first != reverse
        if value is None:
            # after NULL: every value when NULLs come first, nothing when last
            return Q(**{f"{self.name}__isnull": False}) if nulls_first else Q(pk__in=[])
        condition = Q(**{f"{self.name}__{'lt' if descending else 'gt'}": value})
        if self.field.null and not nulls_first:
            condition |= Q(**{f"{self.name}__isnull": True})
        return condition

    def at_or_beyond(self, value, reverse: bool) -> Q:
        """``beyond`` or equal, as one range on the column (an index range)."""
        descending = self.descending != reverse
        nulls_first = self.nulls_first != reverse
        if value is None:
            return Q() if nulls_first else Q(**{f"{self.name}__isnull": True})
        condition = Q(**{f"{self.name}__{'lte' if descending else 'gte'}": value})
        if self.field.null and not nulls_first:
            condition |= Q(**{f"{self.name}__isnull": True})
        return condition

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})

    def dump(self, value):
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    def load(self, raw):
        """The value from a cursor, or ValueError (the cursor is then ignored)."""
        if raw is None:
            if not self.field.null:
                raise ValueError("NULL in a NOT NULL key")
            return None
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise ValueError("not a key value")
        try:
            value = self.field.to_python(raw)
        except ValidationError as exc:
            raise ValueError(str(exc)) from exc
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            raise ValueError("naive datetime")
        if isinstance(value, dt.date) and not 1000 <= value.year <= 9000:
            raise ValueError("out of range")  # no overflow converting to UTC
        if isinstance(value, int) and not -_BIGINT <= value < _BIGINT:
            raise ValueError("out of range")
        if value is None:
            raise ValueError("empty value")
        return value


def _parts(queryset) -> list[_Part]:
    """The queryset's ordering as key parts; it must end on the primary key."""
    query = queryset.query
    ordering = list(query.order_by) or (
        list(queryset.model._meta.ordering) if query.default_ordering else []
    )
    meta = queryset.model._meta
    parts = []
    for item in ordering:
        if isinstance(item, str):
            name, descending, nulls_first = item.lstrip("-"), item.startswith("-"), None
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls_first = (
                True if item.nulls_first else False if item.nulls_last else None
            )
        else:
            raise ValueError(f"seek pagination needs field orderings, not {item!r}")
        if name == "pk":
            name = meta.pk.name
        try:
            model_field = meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ValueError(f"seek pagination: {name} is not a field") from exc
        if nulls_first is None:
            # PostgreSQL's rule (NULL is the largest value), on every database
            nulls_first = descending
        parts.append(_Part(name, model_field, descending, nulls_first))
    if not parts or not parts[-1].field.primary_key:
        raise ValueError("seek pagination needs an ordering that ends on the pk")
    return parts


def _after(parts: list[_Part], values: list, reverse: bool) -> Q:
    """Rows after ``values`` in the list's order (before them when ``reverse``):
    (a, b) after (x, y) is a after x, or a = x and b after y. The first column's
    "at or after" is repeated on its own so that the index range starts there."""
    condition = Q(pk__in=[])
    equal = Q()
    for part, value in zip(parts, values, strict=True):
        condition |= equal & part.beyond(value, reverse)
        equal &= part.equal(value)
    return parts[0].at_or_beyond(values[0], reverse) & condition


# --- Cursors -----------------------------------------------------------------------


def encode_cursor(direction: str, parts: list[_Part], row) -> str:
    values = [part.dump(getattr(row, part.field.attname)) for part in parts]
    raw = json.dumps([direction, *values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(token: str | None, parts: list[_Part]) -> tuple[str, list] | None:
    """(direction, key values), ``(LAST, [])``, or None for the first page (also
    for any cursor that is not one of ours)."""
    if not token:
        return None
    if token == LAST:
        return LAST, []
    try:
        if len(token) > 400:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decoded = json.loads(raw.decode("utf-8"))
        if not isinstance(decoded, list) or len(decoded) != len(parts) + 1:
            raise ValueError("not a cursor")
        direction, *raw_values = decoded
        if direction not in (NEXT, PREVIOUS):
            raise ValueError("no direction")
        values = [part.load(v) for part, v in zip(parts, raw_values, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    return direction, values


# --- The total ---------------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    """How many rows the filtered list holds: ``exact`` when counted, else the
    planner's ``estimate`` (None where there is none) above ``cap``."""

    exact: int | None
    estimate: int | None = None
    cap: int = COUNT_CAP

    @property
    def is_exact(self) -> bool:
        return self.exact is not None

    @property
    def label(self) -> str:
        """What the page says: 共 N 条 / 约 N 条 / N 条以上."""
        if self.exact is not None:
            return f"共 {self.exact} 条"
        if self.estimate is not None:
            return f"约 {self.estimate:,} 条"
        return f"{self.cap:,} 条以上"


def count_rows(queryset, cap: int | None = None) -> Total:
    """Exact up to ``cap`` rows (one query reading at most ``cap + 1`` rows),
    else the planner's estimate of the filtered query (one EXPLAIN)."""
    cap = COUNT_CAP if cap is None else cap
    bare = queryset.order_by().values("pk")
    counted = bare[: cap + 1].count()
    if counted <= cap:
        return Total(exact=counted, cap=cap)
    return Total(exact=None, estimate=_planner_estimate(bare, cap), cap=cap)


def _planner_estimate(queryset, cap: int) -> int | None:
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.explain(format="json"))
    rows = int(plan[0]["Plan"]["Plan Rows"])
    if rows <= cap:
        return None  # the planner guesses fewer than we counted: say "N 以上"
    return round(rows, -2) if rows >= 10_000 else rows


# --- The page ----------------------------------------------------------------------


@dataclass
class SeekPage:
    """One page of a list: ``rows`` (the page iterates over them) and the cursors
    of the pages around it (None where there is no such page)."""

    rows: list
    has_previous: bool
    has_next: bool
    previous_cursor: str | None = None
    next_cursor: str | None = None
    total: Total | None = None
    size: int = PAGE_SIZE

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)

    @property
    def last_cursor(self) -> str | None:
        return LAST if self.has_next else None


def seek_page(
    queryset,
    cursor: str | None = None,
    *,
    size: int = PAGE_SIZE,
    count: bool = True,
    count_cap: int | None = None,
) -> SeekPage:
    """The page of ``queryset`` (ordered on a unique key) that ``cursor`` names:
    one query for the rows, and one or two for the total when ``count``."""
    parts = _parts(queryset)
    order = [part.order(reverse=False) for part in parts]
    reverse_order = [part.order(reverse=True) for part in parts]
    where = decode_cursor(cursor, parts)
    total = count_rows(queryset, count_cap) if count else None

    if where is None:
        rows = list(queryset.order_by(*order)[: size + 1])
        has_previous, has_next = False, len(rows) > size
        rows = rows[:size]
    elif where[0] == NEXT:
        after = _after(parts, where[1], reverse=False)
        rows = list(queryset.filter(after).order_by(*order)[: size + 1])
        has_previous, has_next = True, len(rows) > size
        rows = rows[:size]
    else:  # PREVIOUS or LAST: read backwards, show in the list's order
        backwards = queryset
        if where[0] == PREVIOUS:
            backwards = backwards.filter(_after(parts, where[1], reverse=True))
        rows = list(backwards.order_by(*reverse_order)[: size + 1])
        has_previous = len(rows) > size
        has_next = where[0] == PREVIOUS
        rows = rows[:size][::-1]

    return SeekPage(
        rows=rows,
        has_previous=has_previous,
        has_next=has_next,
        previous_cursor=encode_cursor(PREVIOUS, parts, rows[0])
        if has_previous and rows
        else None,
        next_cursor=encode_cursor(NEXT, parts, rows[-1]) if has_next and rows else None,
        total=total,
        size=size,
    )


def cursor_at(queryset, depth: int) -> str | None:
    """The cursor of the page that starts at row ``depth`` (0-based) of the
    ordered queryset: for benchmarks and tests that want a deep page (it reads
    with OFFSET once; the pages themselves never do). None at row 0 or past
    the end."""
    if depth <= 0:
        return None
    parts = _parts(queryset)
    order = [part.order(reverse=False) for part in parts]
    row = queryset.order_by(*order)[depth - 1 : depth].first()
    return encode_cursor(NEXT, parts, row) if row is not None else None


def request_page(request, queryset, **kwargs) -> SeekPage:
    """``seek_page`` at the request's ``?cursor=``. A text search (``?q=``) is
    counted exactly up to SEARCH_COUNT_CAP only: a one- or two-character search
    cannot use the trigram index, and counting 10,000 matches of "王" read a
    city's million applications row by row (140 ms; the page itself reads 20
    from the list's index)."""
    if request.GET.get("q", "").strip():
        kwargs["count_cap"] = min(
            kwargs.get("count_cap") or COUNT_CAP, SEARCH_COUNT_CAP
        )
    return seek_page(queryset, request.GET.get(CURSOR_PARAM), **kwargs)

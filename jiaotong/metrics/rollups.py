"""Rollups: the heavy figures' counts kept per local month and unit.

A ``Rollup`` declares once what a ``@shared`` indicator helper counts: the rows
of a year (``rows(year, org)``, a queryset scoped like the figure), the
timestamp field whose Asia/Shanghai date places a row, and the ``Count``/``Sum``
aggregates (``counts(year)``).  It answers two ways, with the same numbers:

- plainly, one aggregate over the year's rows (the definition; used while the
  source's rollup is not current, and by the tests that compare the two);
- from ``RollupCount`` rows: the same aggregates grouped per (local month,
  unit[, part]), stored by ``refresh`` and summed over the year's months and
  the unit's subtree (and per month for the charts).

Only sums of per-row counts go into a rollup (a count of distinct cases, or a
coverage, stays a plain query).  A source with ``by`` (e.g. the matter's name)
is split by that field's value and kept per year (``month`` holds 1 January):
the charts ask for its year's parts only, and per month it was 16,000 rows a
year (146 matters, 12 units).  Months, not days: the
dashboard asks for years and months only, and per-day rows were 30,000 a
source and year at a city's size (20-40 ms a sum) against 1,200 per month.

Freshness: ``refresh`` rebuilds every year of a source in one transaction and
records ``record_stamp`` of the source's apps as read *before* reading the
records; the rows are summed only while that stamp is still the current one
(bumped after commit by jiaotong.dashboard.cache), so a write that commits during or after a refresh
makes the plain query answer until the next refresh — figures are never
stale.  With a worker, a refresh is queued after every write that bumps the
dashboard's version (debounced: at most one pending, run five minutes after the first
write, ``tasks.request_refresh``)
and by the beat every five minutes (``refresh_rollups_task``); it skips the
sources that are current.  Where tasks run in-process (the embedded default,
small) writes queue nothing: the figures are read from the records there.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import DateField, F, Max, Min, Sum, Value
from django.db.models.functions import ExtractMonth, TruncMonth
from django.utils import timezone

from .models import RollupCount, RollupState
from .registry import _SHARED, LocalDate

RECORDS_KEY = "metrics:records:"  # + app label; "*": every app at once


def counter(key: str) -> int:
    """A cache counter that starts from the clock, so that a flushed cache
    never brings an old number back."""
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns() // 1000, timeout=None)
        value = cache.get(key, 0)
    return value


def increment(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): any new value will do
        cache.set(key, counter(key) + 1, timeout=None)


def records_changed(label: str) -> None:
    """Records of the app ``label`` ("*": of any app) changed (after commit):
    the rollups that count them are no longer current."""
    increment(RECORDS_KEY + label)


def record_stamp(labels) -> str:
    """The record versions of ``labels`` (and of "every app") as one string:
    it changes whenever a record of one of those apps changes."""
    return ".".join(str(counter(RECORDS_KEY + label)) for label in ("*", *labels))


SOURCES: dict[str, Rollup] = {}
_STATES = "rollup states"  # their key in the shared_queries memo


@dataclass(frozen=True)
class Rollup:
    name: str
    labels: tuple[str, ...]  # the apps whose records its counts read
    rows: Callable  # (year, org) -> the queryset of the year's rows
    day: str  # the timestamp field whose local date places a row
    counts: Callable  # year -> {key: aggregate}
    by: str | None = None  # also split by this field's value

    def __post_init__(self):
        SOURCES[self.name] = self

    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        """The aggregates' names (the same every year; building the
        aggregates themselves costs a millisecond)."""
        return tuple(self.counts(2000))

    def _zeros(self) -> dict[str, int]:
        return dict.fromkeys(self.keys, 0)

    # --- the plain queries (the definition) ---------------------------------

    def plain(self, year: int, org=None) -> dict[str, int]:
        got = self.rows(year, org).aggregate(**self.counts(year))
        return {key: value or 0 for key, value in got.items()}

    def plain_by_month(self, year: int, org=None) -> dict[int, dict[str, int]]:
        rows = (
            self.rows(year, org)
            .annotate(rollup_month=ExtractMonth(LocalDate(self.day, year)))
            .order_by()
            .values("rollup_month")
            .annotate(**self.counts(year))
        )
        return {
            row.pop("rollup_month"): {k: v or 0 for k, v in row.items()} for row in rows
        }

    def plain_by_part(self, year: int, org=None) -> dict[str, dict[str, int]]:
        rows = (
            self.rows(year, org)
            .annotate(rollup_part=F(self.by))
            .order_by()
            .values("rollup_part")
            .annotate(**self.counts(year))
        )
        return {
            row.pop("rollup_part"): {k: v or 0 for k, v in row.items()} for row in rows
        }

    # --- the same from the rollup rows --------------------------------------

    def figures(self, year: int, org=None) -> dict[str, int]:
        """The year's counts: summed from the rollup when it is current."""
        if not self.is_current():
            return self.plain(year, org)
        totals = self._zeros()
        for counts in self._months(year, org).values():
            for key, n in counts.items():
                totals[key] += n
        return totals

    def by_month(self, year: int, org=None) -> dict[int, dict[str, int]]:
        if self.by:
            raise ValueError(f"{self.name} is kept per year, not per month")
        if not self.is_current():
            return self.plain_by_month(year, org)
        return self._months(year, org)

    def _months(self, year: int, org) -> dict[int, dict[str, int]]:
        """month -> key -> count of the year, from one query that also reads
        the year before (the dashboard shows both); within a shared_queries
        block the other year's answer is kept for its turn."""
        memo = _SHARED.get()
        scope = getattr(org, "pk", None)
        if memo is not None and (self.name, year, scope) in memo:
            return memo[(self.name, year, scope)]
        years: dict[int, dict] = {y: {} for y in (year - 1, year)}
        rows = self._summed(year - 1, org, "key", through=year, at="month")
        for row in rows:
            months = years[row["at"].year]
            counts = months.setdefault(row["at"].month, self._zeros())
            counts[row["key"]] += row["n"]
        if memo is not None:
            for y, months in years.items():
                memo.setdefault((self.name, y, scope), months)
        return years[year]

    def by_part(self, year: int, org=None) -> dict[str, dict[str, int]]:
        if not self.is_current():
            return self.plain_by_part(year, org)
        parts: dict[str, dict[str, int]] = defaultdict(self._zeros)
        for row in self._summed(year, org, "part", "key"):
            parts[row["part"]][row["key"]] += row["n"]
        return dict(parts)

    def _summed(self, year: int, org, *fields, through=None, at=None):
        """Sums of ``n`` grouped by ``fields`` (and the month, as ``at``) over
        the months of ``year`` (to ``through``) and the subtree of ``org``."""
        rows = RollupCount.objects.filter(
            source=self.name,
            month__gte=dt.date(year, 1, 1),
            month__lte=dt.date(through or year, 12, 1),
        )
        if org is not None:
            rows = rows.filter(unit__path__startswith=org.path)
        if at:
            rows = rows.annotate(at=F(at))
            fields = ("at", *fields)
        return rows.order_by().values(*fields).annotate(n=Sum("n"))

    # --- freshness -----------------------------------------------------------

    def stamp(self) -> str:
        return record_stamp(self.labels)

    def is_current(self) -> bool:
        state = states().get(self.name)
        return state is not None and state.stamp == self.stamp()

    def refresh(self) -> float:
        """Rebuild every year of the source in one transaction; the seconds
        it took. The stamp is read first: a write committed after that bumps
        it, and the rows built here are not used until the next refresh."""
        started = time.perf_counter()
        stamp = self.stamp()
        with transaction.atomic():
            RollupCount.objects.filter(source=self.name).delete()
            for year in self._years():
                self._insert(year)
            seconds = time.perf_counter() - started
            RollupState.objects.update_or_create(
                source=self.name,
                defaults={
                    "stamp": stamp,
                    "refreshed_at": timezone.now(),
                    "seconds": seconds,
                },
            )
        return seconds

    def _years(self) -> range:
        from jiaotong.dates import LOCAL_TZ

        model = self.rows(2000, None).model
        span = model._base_manager.aggregate(first=Min(self.day), last=Max(self.day))
        if span["first"] is None:
            return range(0)
        return range(
            span["first"].astimezone(LOCAL_TZ).year,
            span["last"].astimezone(LOCAL_TZ).year + 1,
        )

    def _insert(self, year: int) -> None:
        """INSERT ... SELECT the year's counts grouped per (month, unit[, part]),
        one RollupCount row per non-zero count (the aggregates unpivoted by a
        UNION ALL over the grouped query, which SQLite runs as well)."""
        counts = self.counts(year)
        month = TruncMonth(LocalDate(self.day, year), output_field=DateField())
        keys = {"rollup_month": month, "rollup_unit": F("unit_id")}
        if self.by:
            keys["rollup_month"] = Value(dt.date(year, 1, 1))
            keys["rollup_part"] = F(self.by)
        grouped = (
            self.rows(year, None)
            .annotate(**keys)
            .order_by()
            .values(*keys)
            .annotate(**counts)
        )
        sql, params = grouped.query.sql_with_params()
        # Identifiers only (the source's own aggregate names), quoted.
        quote = connection.ops.quote_name
        part = "rollup_part" if self.by else "''"
        table = quote(RollupCount._meta.db_table)
        selects = " UNION ALL ".join(
            f"SELECT %s, rollup_month, rollup_unit, %s, {part}, {quote(key)} "  # noqa: S608
            f"FROM g WHERE {quote(key)} <> 0"
            for key in counts
        )
        select_params = [value for key in counts for value in (self.name, key)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH g AS ({sql}) INSERT INTO {table} "
                "(source, month, unit_id, key, part, n) " + selects,
                (*params, *select_params),
            )


def states() -> dict[str, RollupState]:
    """source -> its state; read once within a ``shared_queries`` block."""
    memo = _SHARED.get()
    if memo is not None and _STATES in memo:
        return memo[_STATES]
    found = {state.source: state for state in RollupState.objects.all()}
    if memo is not None:
        memo[_STATES] = found
    return found


def refresh(names=None, *, force: bool = False) -> dict[str, float]:
    """Rebuild the sources that are not current (all of ``names``, default
    every source, with ``force``): source -> seconds."""
    from .registry import _autodiscover

    _autodiscover()
    done = {}
    for name in names or sorted(SOURCES):
        source = SOURCES[name]
        if force or not source.is_current():
            done[name] = source.refresh()
    return done


def refreshed_at() -> dt.datetime | None:
    """When the oldest of the current rollups was rebuilt (None: none is)."""
    from .registry import _autodiscover

    _autodiscover()
    found = states()
    times = [
        found[name].refreshed_at
        for name, source in SOURCES.items()
        if name in found and found[name].stamp == source.stamp()
    ]
    return min(times) if times else None

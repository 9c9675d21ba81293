"""Seeded bulk generators of realistic records for ``manage.py generate_load``
(and ``make bench``): a city's ten years in minutes, reproducible from a seed.

Each app contributes its generators in ``<app>/loadgen.py``::

    @generator("applications", help="窗口办件")
    def applications(ctx: LoadContext, count: int) -> int: ...

A generator builds plain rows (``dict`` of field name -> value) and hands them
to :func:`copy_rows`, which streams them with PostgreSQL's ``COPY`` (one round
trip per 20,000 rows, no ORM objects) or, on SQLite, with ``bulk_create``.
Rows written this way bypass the services on purpose: they are history as an
import of past years would leave it, not events of today, so they carry no
audit events.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
COPY_BATCH = 20_000


@dataclass
class Generator:
    help: str
    func: Callable[[LoadContext, int], int]  # returns the rows written
    model: type


# option name -> its generator
GENERATORS: dict[str, Generator] = {}


def generator(name: str, *, model, help: str):  # noqa: A002 (argparse's word)
    """Register ``func(ctx, count)``, which fills ``model``'s table, as the
    generator behind ``--<name> N``."""

    def register(func):
        GENERATORS[name] = Generator(help=help, func=func, model=model)
        return func

    return register


def discover() -> dict[str, Generator]:
    autodiscover_modules("loadgen")
    return GENERATORS


@dataclass
class LoadContext:
    """What every generator shares: the seeded random source, the years to spread
    the rows over, a pool of valid applicants and a place to say what happened."""

    rng: random.Random
    years: list[int]
    stdout: object = None
    _days: dict[int, list[dt.date]] = field(default_factory=dict)
    _people: People | None = None

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def working_days(self, year: int) -> list[dt.date]:
        """Monday to Friday of the year, up to yesterday for the current year
        (records are not generated in the future)."""
        if year not in self._days:
            last = min(dt.date(year, 12, 31), dt.date.today() - dt.timedelta(days=1))
            start = dt.date(year, 1, 1)
            span = max(0, (last - start).days + 1)
            days = (start + dt.timedelta(n) for n in range(span))
            self._days[year] = [day for day in days if day.weekday() < 5]
        return self._days[year]

    def day(self) -> dt.date:
        """A working day in one of the years (each year weighted alike)."""
        for _ in range(len(self.years) * 4):
            days = self.working_days(self.rng.choice(self.years))
            if days:
                return self.rng.choice(days)
        raise ValueError("no working day in the given years")

    def moment(self, day: dt.date, *, earliest=8 * 60 + 30, span=9 * 60) -> dt.datetime:
        minutes = earliest + self.rng.randrange(span)
        return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ) + dt.timedelta(
            minutes=minutes
        )

    @property
    def people(self) -> People:
        if self._people is None:
            self._people = People(self.rng)
        return self._people


class People:
    """Valid applicants and callers: residents (GB 11643 check character) and
    organisations (GB 32100 check character), a few thousand of each so that the
    same applicant comes back across the years as in life."""

    USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"

    def __init__(self, rng: random.Random, persons: int = 5000, companies: int = 1000):
        from stdnum.cn import uscc

        from jiaotong.validators import resident_id_check_char

        self.rng = rng
        self.persons = []
        for _ in range(persons):
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(50 * 365))
            body = f"411422{birth:%Y%m%d}{rng.randrange(1000):03d}"
            name = rng.choice(self.SURNAMES) + rng.choice(self.GIVEN)
            if rng.random() < 0.5:
                name += rng.choice(self.GIVEN)
            self.persons.append(
                (name, "自然人", body + resident_id_check_char(body), self.phone())
            )
        self.companies = []
        for n in range(companies):
            serial = "".join(rng.choice(self.USCC_CHARS) for _ in range(8))
            body = f"91411422{serial}X"[:17]
            self.companies.append(
                (
                    f"睢县{rng.choice(self.SURNAMES)}氏运输有限公司{n}",
                    "法人",
                    body + uscc.calc_check_digit(body),
                    self.phone(),
                )
            )

    def phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def pick(self, organisation_share: float = 0.3) -> tuple[str, str, str, str]:
        use_companies = self.companies and self.rng.random() < organisation_share
        return self.rng.choice(self.companies if use_companies else self.persons)


# --- Writing -------------------------------------------------------------------------


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copy_rows(model, rows: Iterable[dict], *, batch: int = COPY_BATCH) -> int:
    """Write ``rows`` (field name -> value; every row the same keys, foreign keys
    as ``<name>_id``) into ``model``'s table; returns how many were written.

    PostgreSQL: ``COPY ... FROM STDIN`` in batches (the fastest way in; the id
    comes from the column's default). Elsewhere: ``bulk_create`` in batches.
    The caller decides the transaction."""
    written = 0
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            written += _write(model, chunk)
            chunk = []
    if chunk:
        written += _write(model, chunk)
    return written


def _write(model, chunk: list[dict]) -> int:
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in chunk], batch_size=1000)
        return len(chunk)
    names = list(chunk[0])
    # COPY skips Django's Python-side defaults: fill the fields the rows leave out.
    defaults = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in names and f.name not in names
        if f.has_default() or not f.null
    ]

    def blank_text(f) -> bool:  # an optional text field: Django stores ""
        return f.blank and f.empty_strings_allowed and not f.null

    for f in defaults:
        stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        if not f.has_default() and not stamped and not blank_text(f):
            raise ValueError(f"copy_rows: {model.__name__}.{f.name} needs a value")
    now = timezone.now()
    fields = [model._meta.get_field(name) for name in names] + defaults
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    buffer = io.StringIO()
    for row in chunk:
        values = [row[name] for name in names]
        values += [
            f.get_default() if f.has_default() else "" if blank_text(f) else now
            for f in defaults
        ]
        buffer.write("\t".join(_copy_text(value) for value in values))
        buffer.write("\n")
    buffer.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return len(chunk)


def vacuum(*models) -> None:
    """VACUUM ANALYZE after a bulk load, outside any transaction: the visibility
    map lets counts and list pages use index-only scans at once, as they will
    in production once autovacuum has passed."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM ANALYZE {table}")

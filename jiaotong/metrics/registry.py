"""The indicator registry: every figure of the annual report, computed one way.

The catalog (code, label, unit, definition, order) is ``indicator_catalog.json``,
a copy of spec/indicators.json next to this module.  Each app registers the compute function of the
codes it owns, in its ``indicators.py``::

    @indicator("window.completed")
    def window_completed(year: int, org: OrgUnit | None) -> int: ...

The dashboard, the year-end workbook and the report draft read ``compute_all``
and nothing else, so a figure has exactly one implementation.

An indicator may declare ``drilldown=lambda year, org: url`` (or None where no
list shows its records): the URL of the filtered list whose row count equals the
figure, so every screen that shows the figure can link to the records behind it.
Chinese labels for display and Chinese definitions (口径说明) come from
``indicator_zh.json``, keyed by code, beside the catalog (which stays a copy of
the spec).

An app's indicators module may also define
``report_sheets(year, org) -> list[(title, headers, rows)]``: the records behind
its figures, written by the year-end workbook (jiaotong.reports.builder) as further
worksheets, ``rows`` an iterable of tuples.

Several figures of one table may read one aggregate query: a helper decorated
``@shared`` (``helper(year, org) -> dict`` of counts) runs once per
``(year, org)`` within a ``compute_all`` call (or a ``shared_queries()``
block) and the indicators registered on it each read their own key, so each
code still has one definition and the dashboard's year costs one query per
table instead of one per code.

The project package's own figures (powers.*, org.*) are ordinary indicators
modules of its concern rooms (jiaotong.registry.indicators,
jiaotong.accounts.indicators), found the same way as any app's
(jiaotong.discovery.contributed_modules).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from types import ModuleType

from django.db.models.functions import TruncDate

Value = int | Decimal | None


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    definition: str
    section: str
    order: int
    compute: Callable[[int, object], Value]
    # Unambiguous Chinese label, Chinese definition and section title (display).
    display_label: str = ""
    definition_zh: str = ""
    section_zh: str = ""
    drilldown: Callable[[int, object], str | None] | None = None
    # The permission the drill-down list needs (links are shown to holders only).
    drilldown_perm: str | None = None

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


def section_title(section: str) -> str:
    """The catalog's section in Chinese: its parenthesised parts joined,
    "Window service (窗口办件) and the power list (权责清单)" -> "窗口办件与权责清单"."""
    parts = re.findall(r"[（(]([^）)]+)[）)]", section)
    return "与".join(parts) or section


@cache
def catalog() -> dict[str, dict]:
    """code -> catalog entry, with ``order``, ``section_zh``, ``display_label``
    and ``definition_zh`` added from indicator_zh.json."""
    here = Path(__file__)
    entries = json.loads(
        here.with_name("indicator_catalog.json").read_text(encoding="utf-8")
    )
    zh = json.loads(here.with_name("indicator_zh.json").read_text(encoding="utf-8"))
    return {
        entry["code"]: {
            **entry,
            "order": i,
            "section_zh": section_title(entry["section"]),
            "display_label": zh.get(entry["code"], {}).get("label") or entry["label"],
            "definition_zh": zh.get(entry["code"], {}).get("definition")
            or entry["definition"],
        }
        for i, entry in enumerate(entries)
    }


REGISTRY: dict[str, Indicator] = {}


def indicator(code: str, *, drilldown=None, drilldown_perm: str | None = None):
    """Register ``compute(year, org)`` for a catalog code (decorator);
    ``drilldown(year, org)`` gives the URL of the list behind the figure, a list
    that users holding ``drilldown_perm`` may open."""
    entry = catalog().get(code)
    if entry is None:
        raise KeyError(f"{code} is not in the indicator catalog")

    def decorate(func):
        REGISTRY[code] = Indicator(
            code=code,
            label=entry["label"],
            unit=entry["unit"],
            definition=entry["definition"],
            section=entry["section"],
            order=entry["order"],
            compute=func,
            display_label=entry["display_label"],
            definition_zh=entry["definition_zh"],
            section_zh=entry["section_zh"],
            drilldown=drilldown,
            drilldown_perm=drilldown_perm,
        )
        return func

    return decorate


def registered() -> list[Indicator]:
    """The registered indicators in the catalog's order."""
    _autodiscover()
    return sorted(REGISTRY.values(), key=lambda ind: ind.order)


def compute_all(year: int, org=None) -> list[tuple[Indicator, Value]]:
    with shared_queries():
        return [(ind, ind.compute(year, org)) for ind in registered()]


# --- Queries several figures share ----------------------------------------------

# (helper, year, org pk) -> result, while a compute_all call (or a
# shared_queries block) runs; None elsewhere.
_SHARED: ContextVar[dict | None] = ContextVar("indicator_shared", default=None)


@contextmanager
def shared_queries() -> Iterator[None]:
    """Within the block, each ``@shared`` helper runs once per (year, org):
    for callers that compute several figures one by one (the workbook's
    progress, a section's figures). Nested blocks reuse the outer memo."""
    if _SHARED.get() is not None:
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(func):
    """Decorate ``func(year, org)``, one aggregate query giving several figures,
    so that it runs once per (year, org) inside ``shared_queries`` (and so
    inside ``compute_all``); outside, every call queries afresh."""

    @functools.wraps(func)
    def wrapper(year: int, org=None):
        memo = _SHARED.get()
        if memo is None:
            return func(year, org)
        key = (func, year, getattr(org, "pk", None))
        if key not in memo:
            memo[key] = func(year, org)
        return memo[key]

    return wrapper


def compute(code: str, year: int, org=None) -> Value:
    _autodiscover()
    return REGISTRY[code].compute(year, org)


@cache
def indicator_modules() -> tuple[ModuleType, ...]:
    """Every module that registers indicators, in INSTALLED_APPS order (the
    project package's concern rooms first)."""
    from jiaotong.discovery import contributed_modules

    return tuple(contributed_modules("indicators"))


def _autodiscover() -> None:
    indicator_modules()


# --- Helpers every compute function uses --------------------------------------


@cache
def steady_utc_offset(year: int) -> dt.timedelta | None:
    """LOCAL_TZ's UTC offset when it is one and the same from 1 Jan of Y-1 on
    (no daylight saving, no change of standard time: true of Asia/Shanghai
    since 1992), else None. Checked day by day over the years records of Y
    can carry (to two years from now), month by month after that."""
    from jiaotong.dates import LOCAL_TZ
    from jiaotong.validators import DB_LATEST_INSTANT

    moment = dt.datetime(year - 1, 1, 1, 12, tzinfo=LOCAL_TZ)
    offset = moment.utcoffset()
    daily_until = dt.datetime.now(LOCAL_TZ) + dt.timedelta(days=2 * 366)
    while moment < DB_LATEST_INSTANT:
        if moment.utcoffset() != offset:
            return None
        moment += dt.timedelta(days=1 if moment < daily_until else 30)
    return offset


class LocalDate(TruncDate):
    """The local (Asia/Shanghai) date of a timestamp field, for the figures of
    ``year``: ``TruncDate(field, tzinfo=LOCAL_TZ)``, which PostgreSQL works
    out with a named-zone lookup per row; where the zone's offset is steady
    from Y-1 on (``steady_utc_offset``), PostgreSQL is given that fixed
    offset instead, the same dates at a third of the cost per row."""

    def __init__(self, expression, year: int):
        from jiaotong.dates import LOCAL_TZ

        super().__init__(expression, tzinfo=LOCAL_TZ)
        self.year = year

    def as_postgresql(self, compiler, connection, **extra_context):
        offset = steady_utc_offset(self.year)
        if offset is None:
            return self.as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        seconds = int(offset.total_seconds())
        return f"(({sql}) AT TIME ZONE %s::interval)::date", (
            *params,
            f"{seconds} seconds",
        )


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage rounded half-up to one decimal; None when nothing to divide by."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

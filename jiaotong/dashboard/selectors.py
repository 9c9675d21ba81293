"""Reads for the dashboard: the catalog's figures of a year beside the year
before, the apps' charts and overdue lists, the years that have records.

Figures come from ``jiaotong.metrics.registry.compute_all`` only; charts, overdue
lists and record years from AppConfig hooks, so an app that lands fills the
frame without a change here:

- ``dashboard_charts(year, org) -> [{"id", "title", "kind", "categories",
  "series": [{"name", "data"}], "stacked"?}]`` (kind: line, bar, hbar, pie);
- ``overdue_summary(user) -> [{"title", "count", "url", "rows"}]``, rows as
  ``includes/_queue_rows.html`` shows them;
- ``record_years() -> set[int]``: years in which the app has records.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from jiaotong.discovery import app_hooks
from jiaotong.metrics.registry import catalog, compute_all, registered

from .cache import cached

NOT_IMPLEMENTED = "该指标所属业务模块尚未上线，暂无数据。"


def record_years() -> list[int]:
    """Years with records in any app, newest first (this year if none)."""

    def compute():
        years: set[int] = set()
        years.update(app_hooks("record_years"))
        return sorted(years, reverse=True)

    return cached("years", 0, None, compute) or [timezone.localdate().year]


def year_choices(*extra: int) -> list[int]:
    """Every year from the earliest with records to this year, newest first."""
    this_year = timezone.localdate().year
    first = min([*record_years(), *extra, this_year])
    return list(range(this_year, first - 1, -1))


def default_year() -> int:
    """The latest year with records, not later than this year."""
    this_year = timezone.localdate().year
    return next((y for y in record_years() if y <= this_year), this_year)


def values(year: int, org) -> dict[str, object]:
    """code -> value of every registered indicator (cached per year and unit)."""
    return cached(
        "values",
        year,
        org,
        lambda: {ind.code: value for ind, value in compute_all(year, org)},
    )


@dataclass
class Figure:
    code: str
    label: str
    unit: str
    definition: str
    section: str
    implemented: bool
    value: object = None
    previous: object = None
    url: str | None = None
    frozen: object = None
    differs: bool = False

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    @property
    def change(self):
        """Current minus previous (percentage points for rates), or None."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return ""
        if isinstance(change, Decimal):
            text = f"{change:+.1f}"
            return f"{text} 个百分点" if self.is_rate else text
        return f"{change:+d}"

    @property
    def direction(self) -> str:
        change = self.change
        if not change:
            return "flat"
        return "up" if change > 0 else "down"


def figures(year: int, org, user=None, frozen: dict | None = None) -> list[dict]:
    """The catalog grouped by section: ``[{"title", "figures": [Figure]}]``.
    An indicator no app registers yet appears with ``implemented=False``; a
    figure links to its records when ``user`` may open that list."""
    current = values(year, org)
    previous = values(year - 1, org)
    by_code = {ind.code: ind for ind in registered()}
    sections: dict[str, list[Figure]] = {}
    for code, entry in catalog().items():
        ind = by_code.get(code)
        figure = Figure(
            code=code,
            label=entry["display_label"],
            unit=entry["unit"],
            definition=entry["definition_zh"],
            section=entry["section_zh"],
            implemented=ind is not None,
        )
        if ind is not None:
            figure.value = current.get(code)
            figure.previous = previous.get(code)
            if drilldown_allowed(ind, user):
                figure.url = ind.drilldown(year, org)
        if frozen is not None and code in frozen:
            figure.frozen = frozen[code]
            figure.differs = ind is not None and frozen[code] != _stored(figure.value)
        sections.setdefault(figure.section, []).append(figure)
    return [{"title": title, "figures": figs} for title, figs in sections.items()]


def drilldown_allowed(ind, user) -> bool:
    if ind.drilldown is None:
        return False
    return ind.drilldown_perm is None or (
        user is not None and user.has_perm(ind.drilldown_perm)
    )


def _stored(value) -> str | None:
    """How a value is frozen in a YearClosing (JSON keeps Decimal as text)."""
    return None if value is None else str(value)


def problems(year: int, org) -> list:
    """The consistency checks of the year's figures (cached like the figures)."""
    from .checks import consistency_problems

    return cached(
        "checks", year, org, lambda: consistency_problems(year, org, values(year, org))
    )


def charts(year: int, org) -> list[dict]:
    """Every app's charts for the year (cached per year and unit)."""
    return cached(
        "charts",
        year,
        org,
        lambda: app_hooks("dashboard_charts", year, org),
    )


def overdue(user) -> list[dict]:
    """Every app's overdue list as this user may see it (not cached: per user,
    and the lists change with the date)."""
    return app_hooks("overdue_summary", user)


def queues(user) -> list[dict]:
    """The user's work queues (the home page's ``home_queues`` hooks), for a
    leader who lands here rather than on the workbench."""
    return app_hooks("home_queues", user)


def rollups_refreshed_at():
    """When the figures' summary rows in use were last rebuilt (None: none is
    current, every figure is read from the records)."""
    from jiaotong.metrics.rollups import refreshed_at

    return refreshed_at()


def published_values(year: int) -> dict[str, object]:
    """The whole bureau's figures of ``year`` as published: the frozen values of
    a closed year, else the current ones."""
    from decimal import Decimal

    from jiaotong.dashboard.models import YearClosing

    current = values(year, None)
    closing = YearClosing.objects.filter(year=year, is_closed=True).first()
    if closing is None:
        return current

    def thaw(code, text):
        if text is None:
            return None
        return (
            Decimal(text)
            if isinstance(current.get(code), Decimal) or "." in text
            else int(text)
        )

    return {code: thaw(code, closing.values.get(code)) for code in current}

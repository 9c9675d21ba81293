"""Consistency checks of a year's figures before they are exported: parts add
up to their totals, the power-list figures match the register, rates lie in
0–100, and every catalog figure is present or flagged as not implemented.

Each failure is a ``Problem``; the dashboard lists them and the workbook writes
them on a sheet of their own, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from jiaotong.dates import year_end
from jiaotong.metrics.registry import catalog, registered

# total -> its parts (the catalog's "其中" rows), checked when all are registered.
SUMS = {
    "window.completed": [
        "window.completed.licensing",
        "window.completed.public_service",
    ],
    "powers.total": [
        "powers.licensing",
        "powers.penalty",
        "powers.confirmation",
        "powers.other",
    ],
    "documents.reviewed": ["documents.repealed", "documents.retained"],
}
# part -> whole that bounds it
AT_MOST = {
    "campaign.issues_fixed": "campaign.issues",
    "powers.delegated": "powers.licensing",
    "window.notify_commit": "window.completed",
}
# powers.* figure -> power type counted in the register
REGISTER = {
    "powers.licensing": "行政许可",
    "powers.penalty": "行政处罚",
    "powers.confirmation": "行政确认",
    "powers.other": "其他行政权力",
}


NOT_IMPLEMENTED = "未实现"


@dataclass(frozen=True)
class Problem:
    kind: str  # 合计 / 清单 / 比率 / 缺失 / 未实现 (a flag, not a failure)
    code: str
    message: str


def consistency_problems(year: int, org, values: dict) -> list[Problem]:
    """Every check over ``values`` (code -> value of registered indicators)."""
    labels = {code: entry["display_label"] for code, entry in catalog().items()}
    problems: list[Problem] = []

    for total, parts in SUMS.items():
        if all(code in values for code in [total, *parts]):
            got = sum(values[p] or 0 for p in parts)
            if values[total] != got:
                problems.append(
                    Problem(
                        "合计",
                        total,
                        f"{labels[total]}为{values[total]}，"
                        f"各分项之和为{got}（{'、'.join(labels[p] for p in parts)}）。",
                    )
                )
    for part, whole in AT_MOST.items():
        if part in values and whole in values:
            if (values[part] or 0) > (values[whole] or 0):
                problems.append(
                    Problem(
                        "合计",
                        part,
                        f"{labels[part]}（{values[part]}）大于{labels[whole]}"
                        f"（{values[whole]}）。",
                    )
                )

    register = _register_counts(year, org)
    for code, power_type in REGISTER.items():
        if code in values and values[code] != register.get(power_type, 0):
            problems.append(
                Problem(
                    "清单",
                    code,
                    f"{labels[code]}为{values[code]}，权责清单在{year}年12月31日"
                    f"有效的{power_type}事项为{register.get(power_type, 0)}项。",
                )
            )

    for ind in registered():
        value = values.get(ind.code)
        if ind.unit == "%" and value is not None:
            if not Decimal(0) <= Decimal(str(value)) <= Decimal(100):
                problems.append(
                    Problem(
                        "比率",
                        ind.code,
                        f"{labels[ind.code]}为{value}%，不在0–100之间。",
                    )
                )
        elif ind.unit != "%" and value is None:
            problems.append(Problem("缺失", ind.code, f"{labels[ind.code]}没有数值。"))

    registered_codes = {ind.code for ind in registered()}
    for code, entry in catalog().items():
        if code not in registered_codes:
            problems.append(
                Problem(
                    NOT_IMPLEMENTED,
                    code,
                    f"{entry['display_label']}：尚未实现（业务模块未上线）。",
                )
            )
    return problems


def failures(problems: list[Problem]) -> list[Problem]:
    """The problems that are errors (not-implemented figures are only flagged)."""
    return [p for p in problems if p.kind != NOT_IMPLEMENTED]


def _register_counts(year: int, org) -> dict[str, int]:
    """Matters in force at 31 Dec of Y per power type, read from the register."""
    from jiaotong.registry.models import Matter

    matters = Matter.objects.in_force_on(year_end(year))
    if org is not None:
        matters = matters.filter(unit__path__startswith=org.path)
    return dict(
        matters.order_by()
        .values_list("power_type")
        .annotate(n=Count("pk"))
        .values_list("power_type", "n")
    )

"""Reads of the shared registries (权责清单, 企业名录) for pages and exports.

Every list starts from ``visible_to(user)``; the public power list is the one
deliberate exception (it is published, and shows no personal data).
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from jiaotong.audit.models import AuditEvent
from jiaotong.validators import mask_id_number, mask_name, mask_phone

from .models import CreditGradeChange, Enterprise, Matter, PowerType

# Personal data in recorded changes is shown masked, as everywhere else (PIPL).
_MASKED_FIELDS = {
    "phone": mask_phone,
    "contact": mask_name,
    "id_number": mask_id_number,
}
# Keys that services record besides model fields.
_EXTRA_LABELS = {"cause": "原因类型", "roles": "角色"}
_EXTRA_VALUES = {"cause": dict(CreditGradeChange.Cause.choices)}


def matter_list(*, user) -> QuerySet[Matter]:
    return Matter.objects.visible_to(user).select_related("unit")


def matter_counts_by_power_type(queryset: QuerySet[Matter]) -> list[dict]:
    """``[{"power_type", "label", "count"}]`` in the power types' own order, zeros
    included, counted by one GROUP BY in the database."""
    counts = dict(
        queryset.order_by()
        .values_list("power_type")
        .annotate(n=Count("id"))
        .values_list("power_type", "n")
    )
    return [
        {"power_type": value, "label": label, "count": counts.get(value, 0)}
        for value, label in PowerType.choices
    ]


def matter_public_list(*, day: dt.date) -> list[dict]:
    """The published power list: matters in force on ``day``, grouped by power type
    (``[{"power_type", "label", "matters": [...]}]``, empty groups left out)."""
    rows = (
        Matter.objects.in_force_on(day)
        .select_related("unit")
        .only(
            "code",
            "name",
            "power_type",
            "basis",
            "statutory_limit_days",
            "promised_limit_days",
            "source",
            "notify_commit",
            "unit__name",
        )
        .order_by("code")
    )
    groups = {value: [] for value in PowerType.values}
    for matter in rows:
        groups.setdefault(matter.power_type, []).append(matter)
    labels = dict(PowerType.choices)
    return [
        {"power_type": value, "label": labels.get(value, value), "matters": matters}
        for value, matters in groups.items()
        if matters
    ]


def enterprise_list(*, user) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user)


def enterprise_towns(*, user) -> list[str]:
    """The towns that occur in the register, for the filter's choices."""
    return list(
        Enterprise.objects.visible_to(user)
        .exclude(town="")
        .order_by("town")
        .values_list("town", flat=True)
        .distinct()
    )


def _display(value, name: str = "") -> str:
    if name in _MASKED_FIELDS and value:
        return _MASKED_FIELDS[name](value)
    if name in _EXTRA_VALUES and value in _EXTRA_VALUES[name]:
        return str(_EXTRA_VALUES[name][value])
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None or value == "":
        return "（空）"
    return str(value)


def audit_timeline(obj, *, limit: int = 50) -> list[AuditEvent]:
    """The object's recorded history, newest first, each event carrying
    ``change_rows`` = ``[(field label, old, new)]`` ready to show."""
    events = list(AuditEvent.objects.for_object(obj).order_by("-id")[:limit])
    fields = {f.name: f for f in obj._meta.get_fields() if hasattr(f, "verbose_name")}
    for event in events:
        rows = []
        for name, pair in (event.changes or {}).items():
            field = fields.get(name)
            if field is not None:
                label = str(field.verbose_name)
            else:
                label = _EXTRA_LABELS.get(name, name)
            old, new = (
                pair
                if isinstance(pair, list | tuple) and len(pair) == 2
                else ("", pair)
            )
            rows.append((label, _display(old, name), _display(new, name)))
        event.change_rows = rows
    return events


def credit_grades_by_industry() -> dict:
    """Enterprises on the register by current credit grade and industry, for the
    dashboard: ``{"industries": [...], "grades": {grade_label: [n per industry]}}``."""
    from .models import CreditGrade, Industry

    counts = {
        (industry, grade): n
        for industry, grade, n in Enterprise.objects.order_by()
        .values_list("industry", "credit_grade")
        .annotate(n=Count("id"))
        .values_list("industry", "credit_grade", "n")
    }
    industries = [i for i in Industry.values if any(k[0] == i for k in counts)]
    return {
        "industries": industries,
        "grades": {
            label: [counts.get((industry, grade), 0) for industry in industries]
            for grade, label in CreditGrade.choices
        },
    }


def enterprise_search(*, user, text: str, limit: int = 8) -> list[Enterprise]:
    """Intake look-ups (窗口收件, 热线受理): enterprises whose name contains ``text``
    or whose credit code starts with it, the closest names first."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    rows = Enterprise.objects.visible_to(user).filter(
        Q(name__icontains=text) | Q(credit_code__istartswith=text.upper())
    )
    return sorted(rows[:50], key=lambda e: (not e.name.startswith(text), len(e.name)))[
        :limit
    ]

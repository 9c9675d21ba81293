"""Reads for the service window: lists, the queue, the timeline, the catalog."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone

from jiaotong.calendar.workdays import add_working_days
from jiaotong.models import AuditEvent, Matter, MatterChange
from jiaotong.registry.models import MatterSource, PowerType
from jiaotong.validators import mask_phone

from .models import OPEN_STATES, RUNNING_STATES, WINDOW_POWER_TYPES, Application
from .services import YELLOW_DAYS

RED, YELLOW = "red", "yellow"


def with_deadline_state(queryset, today: dt.date | None = None):
    """Annotate ``deadline_state``: "red" when a running application is past its
    promised due date, "yellow" when 2 working days or fewer are left, else "".
    The yellow threshold is computed once, so the list stays one query."""
    today = today or timezone.localdate()
    warn_until = add_working_days(today, YELLOW_DAYS)
    running = Q(status__in=RUNNING_STATES, due_date__isnull=False)
    return queryset.annotate(
        deadline_state=Case(
            When(running & Q(due_date__lt=today), then=Value(RED)),
            When(running & Q(due_date__lte=warn_until), then=Value(YELLOW)),
            default=Value(""),
            output_field=CharField(),
        )
    )


def overdue_filter(today: dt.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(status__in=RUNNING_STATES, due_date__lt=today)


def application_list(user):
    """The window list: the user's visible applications with what rows show."""
    return with_deadline_state(
        Application.objects.visible_to(user).select_related("matter", "clerk", "unit")
    )


def application_queue(user):
    """我的待办: the clerk's own open applications, the most urgent first."""
    return with_deadline_state(
        Application.objects.visible_to(user)
        .filter(clerk=user, status__in=OPEN_STATES)
        .select_related("matter", "clerk", "unit")
        .order_by("due_date", "received_at", "id")
    )


def applicant_last_details(user, id_number: str) -> dict | None:
    """The applicant's details from their latest visible application (intake
    form pre-fill), or None. The phone comes back masked: this look-up is not an
    audited reveal, so the clerk confirms the number with the applicant."""
    row = (
        Application.objects.visible_to(user)
        .filter(applicant_id_number=id_number)
        .order_by("-received_at", "-id")
        .values("applicant_name", "applicant_type", "applicant_phone")
        .first()
    )
    if row is not None:
        row["applicant_phone"] = mask_phone(row["applicant_phone"])
    return row


ACTION_LABELS = {
    "application_receive": "收件登记",
    "application_import": "数据导入",
    "application_supplement": "一次性告知补正",
    "application_accept": "受理",
    "application_reject": "不予受理",
    "application_review": "开始审查",
    "application_pause": "暂停计时",
    "application_resume": "恢复计时",
    "application_approve": "准予许可",
    "application_deny": "不予许可",
    "application_complete": "办结",
    "application_withdraw": "申请人撤回",
    "application_revoke": "撤销许可",
    "application_overdue": "超期标记",
    "application_evaluate": "录入评价",
    "application_commitment_check": "告知承诺核查",
    "application_rectification_visit": "差评回访",
    "application_reveal_id": "查看完整证件号码",
}


def application_timeline(application: Application) -> list[AuditEvent]:
    """The application's audit events, oldest first, with Chinese labels."""
    status_labels = dict(Application.Status.choices)
    events = list(AuditEvent.objects.for_object(application).order_by("id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.from_label = status_labels.get(event.from_state, "")
        event.to_label = status_labels.get(event.to_state, "")
    return events


def window_matters(day: dt.date | None = None):
    """Matters an application may be filed under on ``day``."""
    day = day or timezone.localdate()
    return (
        Matter.objects.filter(power_type__in=WINDOW_POWER_TYPES)
        .in_force_on(day)
        .order_by("code")
    )


def matter_search(query: str, day: dt.date | None = None, limit: int = 20):
    """Search-as-you-type: code prefix, name fragment or pinyin initials."""
    query = (query or "").strip()
    matters = window_matters(day)
    if query:
        matters = matters.filter(
            Q(code__istartswith=query)
            | Q(name__icontains=query)
            | Q(pinyin_initials__icontains=query)
        )
    return matters[:limit]


def power_catalog(day: dt.date | None = None) -> dict:
    """The power list in force on ``day`` by power type, and its dated adjustments."""
    day = day or timezone.localdate()
    counts = dict(
        Matter.objects.in_force_on(day)
        .values_list("power_type")
        .annotate(n=Count("pk"))
        .values_list("power_type", "n")
    )
    groups = [
        {"power_type": value, "label": label, "count": counts.get(value, 0)}
        for value, label in PowerType.choices
    ]
    powers_total = sum(
        g["count"] for g in groups if g["power_type"] != PowerType.PUBLIC_SERVICE
    )
    delegated = (
        Matter.objects.in_force_on(day)
        .filter(
            power_type=PowerType.LICENSING,
            source__in=[MatterSource.PROVINCE, MatterSource.CITY],
        )
        .count()
    )
    kinds = dict(MatterChange.Kind.choices)
    summary = [
        {"year": year, "kind": kinds.get(kind, kind), "count": n}
        for year, kind, n in MatterChange.objects.annotate(
            year=ExtractYear("effective_on")
        )
        .values_list("year", "kind")
        .annotate(n=Count("matter", distinct=True))
        .order_by("-year", "kind")
    ]
    changes = MatterChange.objects.select_related("matter").order_by(
        "-effective_on", "-id"
    )
    return {
        "day": day,
        "groups": groups,
        "powers_total": powers_total,
        "delegated": delegated,
        "summary": summary,
        "changes": changes,
    }

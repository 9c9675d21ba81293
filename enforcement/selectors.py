"""Reads for the enforcement screens, home queues and the hotline ticket hook.
Every list starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from jiaotong.filters import every_word
from jiaotong.models import AuditEvent, Matter
from jiaotong.registry.models import PowerType

from .models import (
    CLOCK_WARN_DAYS,
    DECISION_DAYS,
    UNDECIDED_STATES,
    Certificate,
    Officer,
    Outcome,
    PenaltyCase,
    PublicityRecord,
)
from .workflow import AUDIT_LABELS

S = PenaltyCase.Status
COMPLAINT_CATEGORIES = ("投诉", "举报")
CERT_WARN_DAYS = (60, 30)  # warnings this many days before a certificate expires


def case_list(user) -> QuerySet[PenaltyCase]:
    return (
        PenaltyCase.objects.visible_to(user)
        .select_related("matter", "unit")
        # drafts (not yet numbered) first, then the latest filings
        .order_by(F("filed_at").desc(nulls_first=True), "-id")
    )


def penalty_matter_search(query: str, limit: int = 30) -> list[Matter]:
    """The case list's 违法行为 filter: penalty matters, repealed ones included
    (older cases name them), whose code or name holds every word typed."""
    matters = Matter.objects.filter(
        every_word(query, "code", "name"), power_type=PowerType.PENALTY
    )
    return list(matters.only("id", "code", "name").order_by("code")[:limit])


def open_cases(user) -> QuerySet[PenaltyCase]:
    """Cases still moving (not decided/closed), the officer's own first."""
    return case_list(user).filter(
        status__in=[s for s in UNDECIDED_STATES if s != S.DRAFT]
    )


def my_open_cases(user) -> QuerySet[PenaltyCase]:
    return (
        open_cases(user).filter(Q(officers__user=user) | Q(created_by=user)).distinct()
    )


class Days(Func):
    """A whole number of days (an integer column) as a duration: ``n * INTERVAL
    '1 day'`` on PostgreSQL; on SQLite, where Django keeps durations as
    microseconds and cannot multiply one, ``n * 86400000000``."""

    output_field = DurationField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} * INTERVAL '1 day')", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} * 86400000000)", params


def with_decision_due(queryset):
    """``decision_due_at``: 立案 time + 90 days + approved extensions, in the DB."""
    return queryset.annotate(
        decision_due_at=ExpressionWrapper(
            F("filed_at")
            + Value(dt.timedelta(days=DECISION_DAYS))
            + Days("extension_days"),
            output_field=DateTimeField(),
        )
    )


def on_the_clock(queryset, state: str, today: dt.date | None = None):
    """Undecided cases past their limit ('red'), within 15 days of it
    ('yellow') or either ('late'): ``PenaltyCase.clock_state`` in the database."""
    today = today or timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    running = with_decision_due(
        queryset.filter(
            filed_at__isnull=False, decided_at__isnull=True, status__in=UNDECIDED_STATES
        )
    )
    horizon = midnight + dt.timedelta(days=CLOCK_WARN_DAYS + 1)
    if state == "red":
        return running.filter(decision_due_at__lt=midnight)
    if state == "yellow":
        return running.filter(
            decision_due_at__gte=midnight, decision_due_at__lt=horizon
        )
    return running.filter(decision_due_at__lt=horizon)


def review_queue(user) -> QuerySet[PenaltyCase]:
    """Cases waiting for 法制审核, oldest submission first."""
    return (
        case_list(user)
        .filter(status=S.UNDER_REVIEW)
        .annotate(submitted=Min("reviews__submitted_at", filter=Q(reviews__result="")))
        .order_by("submitted", "id")
    )


def case_timeline(case: PenaltyCase) -> list[AuditEvent]:
    """The case's audit events, oldest first, with Chinese labels."""
    status_labels = dict(PenaltyCase.Status.choices)
    events = list(AuditEvent.objects.for_object(case).order_by("id"))
    for event in events:
        event.label = AUDIT_LABELS.get(event.action, event.action)
        event.from_label = status_labels.get(event.from_state, event.from_state)
        event.to_label = status_labels.get(event.to_state, event.to_state)
    return events


def case_file(case: PenaltyCase, today: dt.date) -> dict:
    """Everything the case page shows about the case itself: its records, the
    rules that apply to it and its history."""
    from jiaotong.models import DiscretionItem

    from . import rules

    return {
        "officers": case.officers.select_related("user"),
        "officer_problems": rules.officer_problems(case, today)
        if case.status not in (S.CLOSED, S.CANCELLED)
        else [],
        "review_reasons": rules.review_reasons(case),
        "departure": rules.benchmark_departure(case),
        "hearing_right": rules.hearing_right(case),
        "benchmarks": DiscretionItem.objects.in_force_on(today).filter(
            matter=case.matter_id
        ),
        "reviews": case.reviews.select_related("reviewer", "submitted_by"),
        "hearings": case.hearings.all(),
        "extensions": case.extensions.select_related("approved_by"),
        "publicity": PublicityRecord.objects.filter(case=case).first(),
        "evidence": case.evidence.select_related("uploaded_by"),
        "timeline": case_timeline(case),
        "clock": case.clock_state(today),
    }


def officer_roster(user, today: dt.date | None = None) -> list[Officer]:
    """Officers with their certificates; each carries ``warning`` (60/30 days
    before the current certificate expires, or none valid at all)."""
    today = today or timezone.localdate()
    officers = list(
        Officer.objects.visible_to(user)
        .select_related("user", "user__unit")
        .order_by("user__unit__path", "user__username")
        .prefetch_related(
            Prefetch("certificates", queryset=Certificate.objects.order_by("-valid_to"))
        )
    )
    for officer in officers:
        valid = [c for c in officer.certificates.all() if c.is_valid_on(today)]
        officer.current = valid[0] if valid else None
        officer.days_left = (valid[0].valid_to - today).days if valid else None
        officer.warning = certificate_warning(officer.days_left)
    return officers


def certificate_warning(days_left: int | None) -> str:
    if days_left is None:
        return "danger"
    if days_left <= CERT_WARN_DAYS[1]:
        return "danger"
    if days_left <= CERT_WARN_DAYS[0]:
        return "warning"
    return ""


def expiring_certificates(today: dt.date | None = None, days: int = CERT_WARN_DAYS[0]):
    today = today or timezone.localdate()
    return (
        Certificate.objects.filter(
            status=Certificate.Status.VALID,
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=days),
        )
        .select_related("officer__user")
        .order_by("valid_to")
    )


def publicity_list(user) -> QuerySet[PublicityRecord]:
    """Publicity records of the cases the user sees, plus licensing decisions
    for those who may publish."""
    if not user.has_perm("enforcement.view_publicityrecord"):
        return PublicityRecord.objects.none()
    records = PublicityRecord.objects.all()
    seen = PenaltyCase.objects.visibility(user, via="case__")
    if seen is not None:
        records = records.filter(seen | Q(kind=PublicityRecord.Kind.LICENSING))
    return records.select_related("case", "application").order_by(
        "published_on", "due_on", "id"
    )


def publicity_pending(user) -> QuerySet[PublicityRecord]:
    return publicity_list(user).filter(published_on__isnull=True).order_by("due_on")


# --- Links with hotline (enforcement reads hotline, never the reverse) -----------------


def complaint_tickets(user):
    """举报/投诉 tickets an officer may open a case from: those dispatched to
    the officer's unit or a unit below it."""
    from hotline.models import Ticket

    if user.unit_id is None or not user.has_perm("enforcement.add_penaltycase"):
        return Ticket.objects.none()
    return Ticket.objects.counted().filter(
        category__in=COMPLAINT_CATEGORIES,
        unit__path__startswith=user.unit.path,
    )


def ticket_cases(ticket, user) -> list[dict]:
    """The cases opened from a ticket, for the ticket page: the number and status
    to anyone who sees the ticket, a link only to those who may see the case."""
    visible = set(
        PenaltyCase.objects.visible_to(user)
        .filter(source_ticket=ticket)
        .values_list("pk", flat=True)
    )
    return [
        {
            "label": str(case),
            "status": case.get_status_display(),
            "url": case.get_absolute_url() if case.pk in visible else "",
        }
        for case in PenaltyCase.objects.filter(source_ticket=ticket).order_by("id")
    ]


# --- reads for supervision (declared link supervision → enforcement) ---------


def qualified_officer_ids(day: dt.date) -> list[int]:
    """Officers holding a certificate that is 有效 and in its validity on ``day``,
    sorted by id (the 执法检查人员名录库 of a draw)."""
    return sorted(Officer.objects.qualified_on(day).values_list("pk", flat=True))


def penalty_decisions(
    *, enterprise_ids=None, start: dt.date, end: dt.date, overload_only=False
):
    """Penalty decisions (outcome 处罚, counted cases) dated ``start``..``end``
    inclusive, as ``(enterprise_id, decision date)`` rows ordered by date;
    ``overload_only`` keeps the 超限超载 ones (by the matter's name)."""
    from jiaotong.dates import day_range

    since, until = day_range(start, end)
    cases = PenaltyCase.objects.counted().filter(
        outcome=Outcome.PENALTY,
        enterprise__isnull=False,
        decided_at__gte=since,
        decided_at__lt=until,
    )
    if enterprise_ids is not None:
        cases = cases.filter(enterprise_id__in=enterprise_ids)
    if overload_only:
        cases = cases.filter(
            Q(matter__name__contains="超限") | Q(matter__name__contains="超载")
        )
    return [
        (enterprise_id, timezone.localtime(at).date())
        for enterprise_id, at in cases.order_by("decided_at").values_list(
            "enterprise_id", "decided_at"
        )
    ]

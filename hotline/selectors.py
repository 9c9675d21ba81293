"""Reads for hotline tickets: scoped lists, boards and queues, timelines, and the
complaint counts other apps use (supervision targets inspections with them)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from jiaotong.dates import day_range, year_bounds
from jiaotong.models import AuditEvent, Enterprise
from jiaotong.registry.selectors import enterprise_search

from .models import (
    COMPLAINT_CATEGORIES,
    Area,
    AreaRoutingRule,
    Attachment,
    Source,
    Status,
    SupervisionNotice,
    Ticket,
)
from .rules import can_see_caller
from .workflow import TICKET_WORKFLOW

# --- Lists ---------------------------------------------------------------------


def ticket_list(user):
    """The tickets a user may see, with what list rows show."""
    return Ticket.objects.visible_to(user).select_related("unit", "enterprise")


def dispatcher_board(user) -> dict[str, object]:
    """The dispatcher's board: new tickets to dispatch (including those a unit
    returned), return requests to decide, overdue tickets, replies to follow up."""
    base = ticket_list(user).order_by("due_date", "received_at")
    return {
        "new": base.filter(status=Status.RECEIVED).annotate(
            returned_count=Count("returns", filter=Q(returns__accepted=True))
        ),
        "returns": base.filter(status=Status.RETURN_REQUESTED),
        "overdue": base.overdue(),
        "follow_up": base.filter(status=Status.REPLIED),
    }


def unit_queue(user, unit=None) -> dict[str, object]:
    """A handling unit's queue: to sign, being handled, waiting for a decision."""
    base = ticket_list(user).order_by("due_date", "received_at")
    if unit is not None:
        base = base.filter(unit__path__startswith=unit.path)
    return {
        "to_sign": base.filter(status=Status.DISPATCHED),
        "in_progress": base.filter(status=Status.IN_PROGRESS),
        "waiting": base.filter(
            status__in=[Status.RETURN_REQUESTED, Status.EXTENSION_REQUESTED]
        ),
    }


def notices_for(user):
    return (
        SupervisionNotice.objects.visible_to(user)
        .select_related("ticket", "unit")
        .order_by("-created_at")
    )


# --- Intake ----------------------------------------------------------------------


def area_routes() -> dict[str, dict]:
    """业务类别 → the unit the routing table suggests (``{"id", "name"}``)."""
    return {
        rule.area: {"id": rule.unit_id, "name": rule.unit.name}
        for rule in AreaRoutingRule.objects.select_related("unit")
    }


def enterprise_lookup(user, text: str, limit: int = 8) -> list:
    """Enterprises for the intake form: by name or credit code (企业名录), or by
    a plate that earlier tickets named together with an enterprise."""
    text = (text or "").strip()
    found = enterprise_search(user=user, text=text, limit=limit)
    if len(text) >= 3 and len(found) < limit:
        by_plate = (
            Enterprise.objects.visible_to(user)
            .filter(hotline_tickets__plate__iexact=text.upper())
            .exclude(pk__in=[e.pk for e in found])
            .distinct()
        )
        found += list(by_plate[: limit - len(found)])
    return found


# --- One ticket ----------------------------------------------------------------

ACTION_LABELS = {
    f"ticket_{name}": move.label for name, move in TICKET_WORKFLOW.transitions.items()
}
ACTION_LABELS.update(
    {
        "ticket_create": "受理登记",
        "ticket_import": "数据导入",
        "ticket_supervise": "督办",
        "ticket_reveal_caller": "查看完整电话",
        "attachment_add": "上传附件",
    }
)


def ticket_timeline(ticket: Ticket) -> list[AuditEvent]:
    """The ticket's history from the audit trail, oldest first, with labels."""
    status_labels = dict(Status.choices)
    events = list(AuditEvent.objects.for_object(ticket).order_by("id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        # To whom: the unit a 派单 (or a redispatch) sent the ticket to.
        event.target = (event.changes or {}).get("unit", "")
        # From whom: the unit whose 退单 was accepted.
        event.returned_by = (event.changes or {}).get("returned_by_unit", "")
        event.to_label = status_labels.get(event.to_state, "")
    return events


def attachments_for(ticket: Ticket, user):
    """Attachments the user may open: on a confidential ticket the intake material
    (a recording, the caller's own photos) may identify the caller."""
    queryset = Attachment.objects.filter(ticket=ticket).select_related("uploaded_by")
    if not can_see_caller(user, ticket):
        queryset = queryset.exclude(stage=Attachment.Stage.INTAKE)
    return queryset


# --- Links to enterprises and supervision ---------------------------------------


def _complaints(start: dt.date, end: dt.date):
    low, high = day_range(start, end)
    return Ticket.objects.counted().filter(
        category__in=COMPLAINT_CATEGORIES, received_at__gte=low, received_at__lt=high
    )


def complaint_counts_by_enterprise(start: dt.date, end: dt.date) -> list[dict]:
    """Complaints and reports (投诉、举报) received from ``start`` to ``end``
    (local dates, inclusive) per enterprise, most first:
    ``[{"enterprise_id", "enterprise__name", "complaints"}, ...]``."""
    return list(
        _complaints(start, end)
        .filter(enterprise__isnull=False)
        .values("enterprise_id", "enterprise__name")
        .annotate(complaints=Count("id"))
        .order_by("-complaints", "enterprise__name")
    )


def complaint_counts_by_area(start: dt.date, end: dt.date) -> list[dict]:
    """Complaints and reports received in the period per business area, most
    first: ``[{"area", "complaints"}, ...]``."""
    return list(
        _complaints(start, end)
        .values("area")
        .annotate(complaints=Count("id"))
        .order_by("-complaints", "area")
    )


def complaints_for_enterprise(enterprise, user):
    """The enterprise's complaint record as this user may see it (newest first);
    the enterprise page shows it through hotline/includes/_enterprise_complaints.html."""
    return (
        Ticket.objects.visible_to(user)
        .counted()
        .filter(enterprise=enterprise, category__in=COMPLAINT_CATEGORIES)
        .select_related("unit")
        .order_by("-received_at")
    )


def enterprise_complaint_summary(enterprise, user, rows: int = 10) -> dict:
    """What the enterprise page shows: how many complaints, the latest ones, and
    the link to all of them in the ticket list."""
    from django.urls import reverse

    complaints = complaints_for_enterprise(enterprise, user)
    return {
        "total": complaints.count(),
        "rows": list(complaints[:rows]),
        "url": reverse("hotline:ticket_list") + f"?enterprise={enterprise.pk}",
    }


# --- Dashboard ---------------------------------------------------------------------


def received_in_filter(year: int) -> Q:
    """Real tickets whose call came in during ``year`` (local date); the ticket
    list's 来电年度 filter applies the same rule."""
    low, high = year_bounds(year)
    return Q(is_test=False, received_at__gte=low, received_at__lt=high)


def tickets_received_in(year: int, org=None):
    """Real tickets whose call came in during ``year`` (local date), scoped to
    ``org``'s subtree: the population of every hotline.* figure and chart."""
    queryset = Ticket.objects.filter(received_in_filter(year))
    if org is not None:
        queryset = queryset.filter(unit__path__startswith=org.path)
    return queryset


def monthly_trend(year: int, org=None) -> list[dict]:
    """Tickets received per month of ``year`` by source:
    ``[{"month": 1, "12328": n, "12345": m}, ...]`` for all twelve months
    (from the hotline's rollup when it is current)."""
    from .indicators import RECEIVED

    by_month = RECEIVED.by_month(year, org)
    return [
        {
            "month": m,
            "12328": by_month.get(m, {}).get("h12328", 0),
            "12345": by_month.get(m, {}).get("h12345", 0),
        }
        for m in range(1, 13)
    ]


def top_areas(year: int, org=None, limit: int = 5) -> list[dict]:
    """The business areas with most tickets received in ``year``:
    ``[{"area", "label", "tickets", "complaints"}, ...]``."""
    from .indicators import RECEIVED_BY_AREA

    rows = sorted(
        (
            {"area": area, **counts}
            for area, counts in RECEIVED_BY_AREA.by_part(year, org).items()
            if counts["tickets"]
        ),
        key=lambda row: (-row["tickets"], row["area"]),
    )[:limit]
    return [{**row, "label": Area(row["area"]).label} for row in rows]


def overdue_tickets(user):
    """Open tickets past their deadline that ``user`` may see (the ticket list's
    超期 = 是 filter, so the count matches that list)."""
    return Ticket.objects.visible_to(user).overdue().order_by("due_date", "received_at")


def follow_up_breakdown(year: int, org=None) -> list[dict]:
    """Tickets received in ``year`` by follow-up result (未回访 included), so the
    satisfaction rate's numerator and denominator can be read off the page:
    ``[{"result", "label", "count", "reached", "satisfied"}, ...]``."""
    from .models import REACHED_RESULTS, SATISFIED_RESULTS, FollowUpResult

    counts = dict(
        tickets_received_in(year, org)
        .order_by()
        .values_list("follow_up_result")
        .annotate(n=Count("id"))
        .values_list("follow_up_result", "n")
    )
    rows = [
        {
            "result": value,
            "label": label,
            "count": counts.get(value, 0),
            "reached": value in REACHED_RESULTS,
            "satisfied": value in SATISFIED_RESULTS,
        }
        for value, label in FollowUpResult.choices
    ]
    rows.append(
        {
            "result": "",
            "label": "未回访",
            "count": sum(n for value, n in counts.items() if not value),
            "reached": False,
            "satisfied": False,
        }
    )
    return rows


def source_breakdown(year: int, org=None) -> list[dict]:
    """Tickets received in ``year`` per source and category (rows by source,
    with a total): ``[{"source", "cells": [n, ...], "total"}]``."""
    from .models import Category

    counts = {
        (s, c): n
        for s, c, n in tickets_received_in(year, org)
        .order_by()
        .values_list("source", "category")
        .annotate(n=Count("id"))
        .values_list("source", "category", "n")
    }
    rows = []
    for source, label in Source.choices:
        cells = [counts.get((source, c), 0) for c in Category.values]
        rows.append({"source": label, "cells": cells, "total": sum(cells)})
    totals = [sum(row["cells"][i] for row in rows) for i in range(len(Category.values))]
    rows.append({"source": "合计", "cells": totals, "total": sum(totals)})
    return rows

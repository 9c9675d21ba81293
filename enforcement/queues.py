"""What enforcement contributes to other pages: the home page's work queues and
the hotline ticket page's section (both read through AppConfig hooks)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from . import selectors


def home_queues(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    queues = []
    today = timezone.localdate()
    if user.has_perm("enforcement.add_penaltycase"):
        mine = selectors.my_open_cases(user)
        queues.append(
            {
                "title": "我的在办案件",
                "url": reverse("enforcement:case_list"),
                "count": mine.count(),
                "rows": [
                    {
                        "label": f"{c} {c.party_name}",
                        "url": c.get_absolute_url(),
                        "due": c.decision_due(),
                    }
                    for c in mine[:5]
                ],
            }
        )
    if user.has_perm("enforcement.view_penaltycase"):
        late = selectors.on_the_clock(selectors.case_list(user), "late", today)
        count = late.count()
        if count:
            queues.append(
                {
                    "title": "办案期限预警（90日）",
                    "url": reverse("enforcement:case_list") + "?clock=red",
                    "count": count,
                    "rows": [
                        {
                            "label": f"{c} {c.party_name}",
                            "url": c.get_absolute_url(),
                            "due": c.decision_due(),
                        }
                        for c in late.order_by("decision_due_at")[:5]
                    ],
                }
            )
    if user.has_perm("enforcement.review_penaltycase"):
        pending = selectors.review_queue(user)
        queues.append(
            {
                "title": "待法制审核",
                "url": reverse("enforcement:review_queue"),
                "count": pending.count(),
                "rows": list(pending[:5]),
            }
        )
    if user.has_perm("enforcement.change_publicityrecord"):
        due = selectors.publicity_pending(user)
        count = due.count()
        if count:
            queues.append(
                {
                    "title": "待公示决定",
                    "url": reverse("enforcement:publicity_list") + "?state=pending",
                    "count": count,
                    "rows": [
                        {"label": r.decision_no, "url": "", "due": r.due_on}
                        for r in due[:5]
                    ],
                }
            )
    if user.has_perm("enforcement.view_officer"):
        expiring = selectors.expiring_certificates(today)
        if not user.has_perm("enforcement.approve_extension"):
            expiring = expiring.filter(officer__user=user)  # officers: their own
        count = expiring.count()
        if count:
            queues.append(
                {
                    "title": "执法证即将到期（60日内）",
                    "url": reverse("enforcement:officer_list"),
                    "count": count,
                    "rows": [
                        {
                            "label": f"{c.officer} {c.number}",
                            "url": reverse("enforcement:officer_list"),
                            "due": c.valid_to,
                        }
                        for c in expiring[:5]
                    ],
                }
            )
    return queues


def ticket_sections(ticket, user) -> list[dict]:
    cases = selectors.ticket_cases(ticket, user)
    can_open = (
        ticket.category in selectors.COMPLAINT_CATEGORIES
        and selectors.complaint_tickets(user).filter(pk=ticket.pk).exists()
    )
    if not cases and not can_open:
        return []
    return [
        {
            "template": "enforcement/includes/_ticket_cases.html",
            "cases": cases,
            "open_url": reverse("enforcement:case_create") + f"?ticket={ticket.pk}"
            if can_open
            else "",
        }
    ]


def enterprise_sections(enterprise, user) -> list[dict]:
    if not user.has_perm("enforcement.view_penaltycase"):
        return []
    cases = selectors.case_list(user).filter(enterprise=enterprise)
    return [
        {
            "template": "enforcement/includes/_enterprise_cases.html",
            "total": cases.count(),
            "decided": cases.filter(outcome="处罚").count(),
            "rows": list(cases[:10]),
            "url": reverse("enforcement:case_list") + f"?q={enterprise.name}",
        }
    ]

"""The governance work queues on the home page (``GovernanceConfig.home_queues``)."""

from django.urls import reverse

from . import selectors

ROWS = 5


def _rows(queryset) -> list[dict]:
    return [
        {
            "label": f"{s.get_kind_display()} {s.number} {s.title}",
            "url": s.get_absolute_url(),
            "due": s.current_due,
        }
        for s in queryset[:ROWS]
    ]


def home_queues(user) -> list[dict]:
    list_url = reverse("governance:suggestion_list")
    due = selectors.suggestions_due(user)
    overdue = selectors.suggestions_overdue(user)
    return [
        {
            "title": "建议提案即将到期",
            "url": list_url + "?due=soon",
            "count": due.count(),
            "rows": _rows(due),
        },
        {
            "title": "建议提案已超期",
            "url": list_url + "?due=overdue",
            "count": overdue.count(),
            "rows": _rows(overdue),
        },
    ]

from django.apps import AppConfig

from jiaotong.roles import ROLE_LEADER, ROLE_WINDOW

OVERDUE_ROWS = 5


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = "窗口办件"

    # (label, url name, bootstrap icon, who, order): the menu contract.
    nav_items = [
        (
            "窗口办件",
            "licensing:application_list",
            "inbox",
            {ROLE_WINDOW, ROLE_LEADER},
            10,
        ),
    ]

    def home_actions(self, user) -> list[dict]:
        """The window clerk's main action on the home page."""
        if not user.is_authenticated or not user.has_perm("licensing.add_application"):
            return []
        from django.urls import reverse

        return [
            {
                "label": "收件登记",
                "url": reverse("licensing:application_create"),
                "icon": "plus-circle",
                "hint": "登记申请人递交的办件",
            }
        ]

    def home_queues(self, user) -> list[dict]:
        """The clerk's open applications for the home page (most urgent first)."""
        if not user.is_authenticated or not user.has_perm("licensing.add_application"):
            return []
        from django.urls import reverse

        from .selectors import application_queue

        queue = application_queue(user)
        return [
            {
                "title": "我的待办办件",
                "url": reverse("licensing:application_queue"),
                "count": queue.count(),
                "rows": list(queue[:5]),
                "template": "licensing/includes/_queue.html",
            }
        ]

    def audit_labels(self) -> dict[str, str]:
        """Audit action -> Chinese label for the audit page (from the workflow
        table and the other services' actions, as the timeline shows them)."""
        from .selectors import ACTION_LABELS

        return ACTION_LABELS

    def overdue_summary(self, user) -> list[dict]:
        """The dashboard's overdue list: applications past their promised date,
        linked to the window list filtered the same way."""
        if not user.has_perm("licensing.view_application"):
            return []
        from django.urls import reverse

        from .selectors import overdue_applications

        overdue = overdue_applications(user)
        return [
            {
                "title": "超期办件",
                "count": overdue.count(),
                "url": reverse("licensing:application_list") + "?overdue=1",
                "rows": [
                    {
                        "label": f"{a.number} {a.matter.name}",
                        "url": a.get_absolute_url(),
                        "due": a.due_date,
                    }
                    for a in overdue[:OVERDUE_ROWS]
                ],
            }
        ]

    def dashboard_charts(self, year: int, org) -> list[dict]:
        """Monthly trend of the window and the composition of completed items."""
        from .selectors import completed_composition, monthly_trend

        trend = monthly_trend(year, org)
        parts = completed_composition(year, org)
        return [
            {
                "id": "window-trend",
                "title": "窗口办件月度趋势",
                "kind": "line",
                "categories": [f"{row['month']}月" for row in trend],
                "series": [
                    {"name": "收件", "data": [row["received"] for row in trend]},
                    {"name": "办结", "data": [row["completed"] for row in trend]},
                ],
            },
            {
                "id": "window-composition",
                "title": "办结事项构成",
                "kind": "pie",
                "categories": [p["label"] for p in parts],
                "series": [{"name": "办结", "data": [p["count"] for p in parts]}],
            },
        ]

    def record_years(self) -> set[int]:
        """Years (local dates) from the first to the last completion on record:
        a year whose applications are all still open has no figures yet."""
        from django.db.models import Max, Min

        from jiaotong.dates import LOCAL_TZ

        from .models import Application

        span = Application.objects.filter(is_test=False).aggregate(
            first=Min("completed_at"), last=Max("completed_at")
        )
        if span["first"] is None:
            return set()
        first = span["first"].astimezone(LOCAL_TZ).year
        last = span["last"].astimezone(LOCAL_TZ).year
        return set(range(first, last + 1))

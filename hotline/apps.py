from django.apps import AppConfig

from jiaotong.roles import ROLE_HANDLER, ROLE_HOTLINE, ROLE_LEADER

OVERDUE_ROWS = 5


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "热线工单"

    # (label, url name, bootstrap icon, who, order): the menu contract.
    nav_items = [
        (
            "热线工单",
            "hotline:ticket_list",
            "telephone",
            {ROLE_HOTLINE, ROLE_HANDLER, ROLE_LEADER},
            20,
        ),
    ]

    def home_actions(self, user) -> list[dict]:
        """The hotline operator's main action on the home page."""
        if not user.is_authenticated or not user.has_perm("hotline.add_ticket"):
            return []
        from django.urls import reverse

        return [
            {
                "label": "受理登记",
                "url": reverse("hotline:ticket_create"),
                "icon": "telephone-plus",
                "hint": "登记来电，生成工单编号",
            }
        ]

    def home_queues(self, user) -> list[dict]:
        """The home page's hotline work queues for this user (may be empty)."""
        from .queues import home_queues

        return home_queues(user)

    def enterprise_sections(self, enterprise, user) -> list[dict]:
        """The enterprise page's complaint record (投诉、举报 tickets)."""
        from .selectors import enterprise_complaint_summary

        return [
            {
                "template": "hotline/includes/_enterprise_complaints.html",
                "complaints": enterprise_complaint_summary(enterprise, user),
            }
        ]

    def audit_labels(self) -> dict[str, str]:
        """Audit action -> Chinese label for the audit page (from the workflow
        table and the other services' actions, as the timeline shows them)."""
        from .selectors import ACTION_LABELS

        return ACTION_LABELS

    def overdue_summary(self, user) -> list[dict]:
        """The dashboard's overdue list: open tickets past their deadline,
        linked to the ticket list filtered the same way (超期 = 是)."""
        if not user.has_perm("hotline.view_ticket"):
            return []
        from django.urls import reverse

        from .selectors import overdue_tickets

        overdue = overdue_tickets(user)
        return [
            {
                "title": "超期工单",
                "count": overdue.count(),
                "url": reverse("hotline:ticket_list") + "?overdue=1",
                "rows": [
                    {
                        "label": f"{t.ticket_no} {t.get_area_display()}",
                        "url": t.get_absolute_url(),
                        "due": t.due_date,
                    }
                    for t in overdue[:OVERDUE_ROWS]
                ],
            }
        ]

    def dashboard_charts(self, year: int, org) -> list[dict]:
        """Tickets per month by source, and the business areas complained of."""
        from .selectors import monthly_trend, top_areas

        trend = monthly_trend(year, org)
        areas = top_areas(year, org, limit=10)
        return [
            {
                "id": "hotline-trend",
                "title": "热线工单月度趋势（按来源）",
                "kind": "bar",
                "stacked": True,
                "categories": [f"{row['month']}月" for row in trend],
                "series": [
                    {"name": source, "data": [row[source] for row in trend]}
                    for source in ("12328", "12345")
                ],
            },
            {
                "id": "hotline-areas",
                "title": "热线诉求业务类别",
                "kind": "hbar",
                "categories": [a["label"] for a in areas],
                "series": [
                    {"name": "工单", "data": [a["tickets"] for a in areas]},
                    {"name": "其中投诉举报", "data": [a["complaints"] for a in areas]},
                ],
            },
        ]

    def record_years(self) -> set[int]:
        """Years (local dates) from the first to the last received_at on record."""
        from django.db.models import Max, Min

        from jiaotong.dates import LOCAL_TZ

        from .models import Ticket

        span = Ticket.objects.filter(is_test=False).aggregate(
            first=Min("received_at"), last=Max("received_at")
        )
        if span["first"] is None:
            return set()
        first = span["first"].astimezone(LOCAL_TZ).year
        last = span["last"].astimezone(LOCAL_TZ).year
        return set(range(first, last + 1))

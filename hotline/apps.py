from django.apps import AppConfig

from jiaotong.roles import ROLE_HANDLER, ROLE_HOTLINE, ROLE_LEADER


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

from django.apps import AppConfig

from jiaotong.roles import ROLE_LEADER, ROLE_WINDOW


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

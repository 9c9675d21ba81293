from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "热线工单"

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

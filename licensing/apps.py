from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = "窗口办件"

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

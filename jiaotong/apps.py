from django.apps import AppConfig
from django.db.models.signals import post_migrate


class JiaotongConfig(AppConfig):
    name = "jiaotong"
    verbose_name = "基础数据"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import (
            checks,  # noqa: F401  (system checks)
            signals,  # noqa: F401  (signal receivers)
        )
        from .dashboard import cache as dashboard_cache
        from .models import AuditEvent
        from .roles import sync_roles

        # Any change to a counted record invalidates the dashboard's cached
        # figures (see jiaotong.dashboard.cache for why these two receivers).
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                dashboard_cache.on_record_change, dispatch_uid=f"dashboard_{name}"
            )
        post_save.connect(
            dashboard_cache.on_audit_event,
            sender=AuditEvent,
            dispatch_uid="dashboard_audit",
        )

        # post_migrate fires once per app after that app's permissions exist;
        # syncing each time is idempotent and the last call sees every app.
        post_migrate.connect(
            lambda sender, using="default", **kw: sync_roles(using=using),
            dispatch_uid="jiaotong_sync_roles",
            weak=False,
        )

    def dashboard_charts(self, year: int, org) -> list[dict]:
        """The register's enterprises by credit grade (the current grades: the
        register keeps no grade history per year)."""
        from .selectors import credit_grades_by_industry

        data = credit_grades_by_industry()
        if not data["industries"]:
            return []
        return [
            {
                "id": "credit-grades",
                "title": "企业信用等级分布（当前）",
                "kind": "bar",
                "stacked": True,
                "categories": data["industries"],
                "series": [
                    {"name": grade, "data": counts}
                    for grade, counts in data["grades"].items()
                ],
            }
        ]

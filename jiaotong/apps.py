from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .roles import ROLE_AUDIT_ADMIN, ROLE_SECURITY_ADMIN, ROLE_SYSTEM_ADMIN


class JiaotongConfig(AppConfig):
    name = "jiaotong"
    verbose_name = "基础数据"

    # The core's menu entries (label, url name, bootstrap icon, who, order); each
    # domain app adds its own on its AppConfig (orders 10-59, ten per app), see
    # jiaotong.context_processors.nav_entries and docs/new-app.md.
    nav_items = [
        ("工作台", "home", "house", None, 0),
        ("权责清单", "matter_list", "journal-text", "perm:jiaotong.view_matter", 70),
        ("企业名录", "enterprise_list", "building", "perm:jiaotong.view_enterprise", 71),
        ("年度看板", "dashboard", "bar-chart-line", "perm:jiaotong.view_dashboard", 72),
        ("数据导入", "import_upload", "upload", "perm:jiaotong.import_data", 80),
        ("工作日历", "calendarday_list", "calendar3", "perm:jiaotong.change_calendarday", 81),
        ("审计日志", "audit_list", "shield-check", {ROLE_AUDIT_ADMIN}, 90),
        ("用户与角色", "user_list", "people", {ROLE_SYSTEM_ADMIN, ROLE_SECURITY_ADMIN}, 91),
    ]  # fmt: skip

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (system checks)
        from .accounts import signals  # noqa: F401  (signal receivers)
        from .calendar.models import CalendarDay
        from .calendar.workdays import calendar_changed
        from .dashboard import cache as dashboard_cache
        from .imports.framework import bulk_written
        from .inputs import install_field_guards
        from .models import AuditEvent
        from .roles import sync_roles

        install_field_guards()

        # Any change to a counted record invalidates the dashboard's cached
        # figures (see jiaotong.dashboard.cache for why these two receivers).
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                dashboard_cache.on_record_change, dispatch_uid=f"dashboard_{name}"
            )
        bulk_written.connect(  # the bulk writes of imports, which send no post_save
            dashboard_cache.on_record_change, dispatch_uid="dashboard_bulk"
        )
        post_save.connect(
            dashboard_cache.on_audit_event,
            sender=AuditEvent,
            dispatch_uid="dashboard_audit",
        )
        # Cached working-day look-ups (the deadline badges) follow the calendar.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                lambda **kw: calendar_changed(),
                sender=CalendarDay,
                dispatch_uid=f"calendar_{name}",
                weak=False,
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
        from .registry.selectors import credit_grades_by_industry

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

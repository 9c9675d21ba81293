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
        ("数据导入", "import_upload", "upload", "perm:jiaotong.import_data", 80),
        ("工作日历", "calendarday_list", "calendar3", "perm:jiaotong.change_calendarday", 81),
        ("审计日志", "audit_list", "shield-check", {ROLE_AUDIT_ADMIN}, 90),
        ("用户与角色", "user_list", "people", {ROLE_SYSTEM_ADMIN, ROLE_SECURITY_ADMIN}, 91),
    ]  # fmt: skip

    def ready(self):
        from . import checks  # noqa: F401  (system checks)
        from .accounts import signals  # noqa: F401  (signal receivers)
        from .roles import sync_roles

        # post_migrate fires once per app after that app's permissions exist;
        # syncing each time is idempotent and the last call sees every app.
        post_migrate.connect(
            lambda sender, using="default", **kw: sync_roles(using=using),
            dispatch_uid="jiaotong_sync_roles",
            weak=False,
        )

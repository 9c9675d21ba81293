from django.apps import AppConfig
from django.db.models.signals import post_migrate


class JiaotongConfig(AppConfig):
    name = "jiaotong"
    verbose_name = "基础数据"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (system checks)
            signals,  # noqa: F401  (signal receivers)
        )
        from .inputs import install_field_guards
        from .roles import sync_roles

        install_field_guards()

        # post_migrate fires once per app after that app's permissions exist;
        # syncing each time is idempotent and the last call sees every app.
        post_migrate.connect(
            lambda sender, using="default", **kw: sync_roles(using=using),
            dispatch_uid="jiaotong_sync_roles",
            weak=False,
        )

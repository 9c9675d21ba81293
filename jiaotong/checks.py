"""System checks for the rules that code alone cannot hold (QUALITY.md)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security, Tags.database)
def no_everyday_superuser(app_configs=None, databases=None, **kwargs):
    """三员分立 leaves no room for a superuser, who would hold all three powers.

    Runs where the database is checked (``migrate``, ``check --database default``).
    """
    if not databases:
        return []
    from jiaotong.models import User

    found = []
    for alias in databases:
        try:
            found += (
                User.objects.using(alias)
                .filter(is_superuser=True, is_active=True)
                .values_list("username", flat=True)[:5]
            )
        except DatabaseError:  # not migrated yet
            continue
    if not found:
        return []
    return [
        Warning(
            f"存在启用状态的超级用户：{'、'.join(found)}。三员分立不允许日常使用超级用户。",
            hint=(
                "用 `manage.py create_admin --role 系统管理员` 等命令创建持有角色的"
                "管理员，然后停用超级用户（is_superuser=False 或 is_active=False）。"
            ),
            id="jiaotong.W001",
        )
    ]

"""System checks for the rules that code alone cannot hold (QUALITY.md)."""

from django.core.checks import Error, Tags, Warning, register
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


@register(Tags.urls)
def menu_urls_resolve(app_configs=None, **kwargs):
    """Every menu entry and home shortcut names a URL that exists, and says who
    sees it in one of the contract's three forms (context_processors.nav_entries)."""
    from django.urls import NoReverseMatch, reverse

    from jiaotong.context_processors import nav_entries
    from jiaotong.views.home import SHORTCUTS

    entries = [(e[0], e[1], e[3]) for e in nav_entries()]
    entries += [(label, url_name, who) for label, _h, url_name, _i, who in SHORTCUTS]
    errors = []
    for label, url_name, who in entries:
        try:
            reverse(url_name)
        except NoReverseMatch:
            errors.append(
                Error(
                    f"菜单项“{label}”的 URL 名称 {url_name!r} 不存在。",
                    id="jiaotong.E001",
                )
            )
        if not (
            who is None
            or isinstance(who, set | frozenset)
            or str(who).startswith("perm:")
        ):
            errors.append(
                Error(
                    f"菜单项“{label}”的可见范围 {who!r} 应为角色集合、'perm:app.codename' 或 None。",
                    id="jiaotong.E002",
                )
            )
    return errors

"""What base.html needs on every page: the navigation a user may use, who they
are (name, unit, roles) and the county. Computed once per request."""

from django.conf import settings
from django.urls import reverse

from jiaotong.discovery import app_hooks

from .roles import ALL_ROLES, role_names

NavItem = tuple[str, str, str, object, int]


def nav_entries() -> list[NavItem]:
    """Every app's ``AppConfig.nav_items`` (the core's included), by ``order``.

    The contract: ``nav_items = [(label, url_name, bootstrap_icon, who, order)]``
    where ``who`` is a set of role names from jiaotong.roles, ``"perm:app.codename"``
    or None (every signed-in user).  A url name that does not resolve is an error
    (system check jiaotong.E001), never a silently missing entry."""
    return sorted(app_hooks("nav_items"), key=lambda entry: entry[4])


def may_see(user, roles: set[str], who) -> bool:
    """Whether ``user`` (holding ``roles``) may see an entry meant for ``who``."""
    if who is None:
        return True
    if isinstance(who, str):
        return user.has_perm(who.removeprefix("perm:"))
    return bool(roles & who)


def nav_items_for(user, path: str) -> list[dict]:
    roles = role_names(user)
    items = []
    for label, url_name, icon, who, _order in nav_entries():
        if not may_see(user, roles, who):
            continue
        url = reverse(url_name)
        active = path == url or (url != "/" and path.startswith(url))
        items.append({"label": label, "url": url, "icon": icon, "active": active})
    return items


def navigation(request):
    context = {"county_name": settings.JIAOTONG_COUNTY_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {**context, "nav_items": [], "user_roles": []}
    roles = role_names(user)
    unit = user.unit if user.unit_id else None
    return {
        **context,
        "nav_items": nav_items_for(user, request.path),
        "user_roles": [role for role in ALL_ROLES if role in roles],
        "user_unit_name": unit.name if unit else "",
    }

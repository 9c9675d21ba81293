"""Navigation by role, computed once per request for base.html."""

from django.urls import NoReverseMatch, reverse

from .roles import (
    ROLE_AUDIT_ADMIN,
    ROLE_HANDLER,
    ROLE_HOTLINE,
    ROLE_LEADER,
    ROLE_SECURITY_ADMIN,
    ROLE_SYSTEM_ADMIN,
    ROLE_WINDOW,
    role_names,
)

# (label, url name, icon, roles that see it; None = every signed-in user)
NAV_ITEMS = [
    ("工作台", "home", "house", None),
    ("窗口办件", "licensing:application_list", "inbox", {ROLE_WINDOW, ROLE_LEADER}),
    (
        "热线工单",
        "hotline:ticket_list",
        "telephone",
        {ROLE_HOTLINE, ROLE_HANDLER, ROLE_LEADER},
    ),
    ("权责清单", "matter_list", "journal-text", "perm:jiaotong.view_matter"),
    ("企业名录", "enterprise_list", "building", "perm:jiaotong.view_enterprise"),
    ("数据导入", "import_upload", "upload", "perm:jiaotong.import_data"),
    ("审计日志", "audit_list", "shield-check", {ROLE_AUDIT_ADMIN}),
    ("用户与角色", "user_list", "people", {ROLE_SYSTEM_ADMIN, ROLE_SECURITY_ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = role_names(user)
    items = []
    for label, url_name, icon, who in NAV_ITEMS:
        if isinstance(who, str):
            if not user.has_perm(who.removeprefix("perm:")):
                continue
        elif who is not None and not (roles & who):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # the app has not shipped that page yet
            continue
        items.append(
            {
                "label": label,
                "url": url,
                "icon": icon,
                "active": request.path == url
                or (url != "/" and request.path.startswith(url)),
            }
        )
    return {"nav_items": items, "user_roles": sorted(roles)}

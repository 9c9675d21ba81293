"""What base.html needs on every page: the navigation a user may use, who they
are (name, unit, roles) and the county. Computed once per request."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .roles import (
    ALL_ROLES,
    ROLE_AUDIT_ADMIN,
    ROLE_HANDLER,
    ROLE_HOTLINE,
    ROLE_LEADER,
    ROLE_OFFICER,
    ROLE_REVIEWER,
    ROLE_SECURITY_ADMIN,
    ROLE_SUPERVISOR,
    ROLE_SYSTEM_ADMIN,
    ROLE_WINDOW,
    role_names,
)

# (label, url name, bootstrap icon, who sees it): a set of roles, "perm:<perm>",
# or None for every signed-in user. An entry whose URL does not exist yet (the
# app has not shipped that page) is left out, so apps can land in any order.
NAV_ITEMS = [
    ("工作台", "home", "house", None),
    ("窗口办件", "licensing:application_list", "inbox", {ROLE_WINDOW, ROLE_LEADER}),
    (
        "热线工单",
        "hotline:ticket_list",
        "telephone",
        {ROLE_HOTLINE, ROLE_HANDLER, ROLE_LEADER},
    ),
    (
        "行政处罚",
        "enforcement:case_list",
        "file-earmark-text",
        {ROLE_OFFICER, ROLE_REVIEWER, ROLE_LEADER},
    ),
    (
        "双随机抽查",
        "supervision:task_list",
        "shuffle",
        {ROLE_SUPERVISOR, ROLE_LEADER},
    ),
    ("权责清单", "matter_list", "journal-text", "perm:jiaotong.view_matter"),
    ("企业名录", "enterprise_list", "building", "perm:jiaotong.view_enterprise"),
    ("年度看板", "dashboard", "bar-chart-line", "perm:jiaotong.view_dashboard"),
    ("数据导入", "import_upload", "upload", "perm:jiaotong.import_data"),
    ("工作日历", "calendarday_list", "calendar3", "perm:jiaotong.change_calendarday"),
    ("审计日志", "audit_list", "shield-check", {ROLE_AUDIT_ADMIN}),
    ("用户与角色", "user_list", "people", {ROLE_SYSTEM_ADMIN, ROLE_SECURITY_ADMIN}),
]


def _may_see(user, roles: set[str], who) -> bool:
    if who is None:
        return True
    if isinstance(who, str):
        return user.has_perm(who.removeprefix("perm:"))
    return bool(roles & who)


def nav_items_for(user, path: str) -> list[dict]:
    roles = role_names(user)
    items = []
    for label, url_name, icon, who in NAV_ITEMS:
        if not _may_see(user, roles, who):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
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

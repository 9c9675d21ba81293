"""The home page (工作台): a greeting, the user's work queues and shortcuts.

Each domain app contributes its queues through its AppConfig:
``def home_queues(self, user) -> list[dict]`` returning items such as
``{"title": "我的待办办件", "url": "...", "count": n, "rows": [...],
"template": "licensing/includes/_queue.html"}``. ``rows`` are rendered by the
item's ``template`` when given, else by ``includes/_queue_rows.html``, which
expects objects with ``get_absolute_url`` (or dicts with ``label``/``url`` and an
optional ``due`` date shown as a deadline badge).
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from jiaotong.calendar import workdays
from jiaotong.context_processors import may_see
from jiaotong.discovery import app_hooks
from jiaotong.roles import (
    ROLE_AUDIT_ADMIN,
    ROLE_SECURITY_ADMIN,
    ROLE_SYSTEM_ADMIN,
    role_names,
)

# (label, hint, url name, icon, who) — "who" as in the menu contract
# (context_processors.nav_entries); every url name is checked (jiaotong.E001).
SHORTCUTS = [
    ("年度看板", "全局年度指标", "dashboard", "bar-chart-line", "perm:jiaotong.view_dashboard"),
    ("年度指标工作簿", "生成年度指标汇总表（.xlsx）", "year_report_request", "file-earmark-spreadsheet", "perm:jiaotong.export_report"),
    ("数据导入", "导入权责清单、企业、办件等表格", "import_upload", "upload", "perm:jiaotong.import_data"),
    ("工作日历", "维护节假日与调休", "calendarday_list", "calendar3", "perm:jiaotong.change_calendarday"),
    ("用户与角色", "账户、单位与角色分配", "user_list", "people", {ROLE_SYSTEM_ADMIN, ROLE_SECURITY_ADMIN}),
    ("审计日志", "查阅全部操作与安全事件", "audit_list", "shield-check", {ROLE_AUDIT_ADMIN}),
]  # fmt: skip


def _shortcuts(user) -> list[dict]:
    roles = role_names(user)
    items = []
    for label, hint, url_name, icon, who in SHORTCUTS:
        if not may_see(user, roles, who):
            continue
        url = reverse(url_name)
        items.append({"label": label, "hint": hint, "url": url, "icon": icon})
    return items


def _actions(user) -> list[dict]:
    """Each desk's main action (收件登记, 受理登记…): ``home_actions(user)`` on an
    AppConfig returns ``[{"label", "url", "icon", "hint"}]``."""
    return app_hooks("home_actions", user)


def _queues(user) -> list[dict]:
    return app_hooks("home_queues", user)


def home(request):
    user = request.user
    calendar_warnings = []
    if user.has_perm("jiaotong.change_calendarday"):
        calendar_warnings = workdays.calendar_warnings()
    return render(
        request,
        "home.html",
        {
            "actions": _actions(user),
            "queues": _queues(user),
            "shortcuts": _shortcuts(user),
            "calendar_warnings": calendar_warnings,
            "today": timezone.localdate(),
        },
    )

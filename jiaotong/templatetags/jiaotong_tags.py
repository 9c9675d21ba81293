"""Template helpers every app may use: masking, deadline badges, pagination.

``{% load jiaotong_tags %}`` then ``{{ person.id_number|mask_id }}``,
``{{ phone|mask_phone }}``, ``{% deadline_badge application.due_date %}``.
"""

import datetime as dt

from django import template
from django.utils import timezone

from jiaotong import validators
from jiaotong.calendar import workdays

register = template.Library()

# A deadline this many working days away (or fewer) is shown in yellow.
DEADLINE_WARN_WORKING_DAYS = 2


@register.filter
def mask_id(value):
    """411422********1234 (PIPL: lists and pages never show a full ID number)."""
    return validators.mask_id_number(value) if value else ""


@register.filter
def mask_phone(value):
    """138****5678."""
    return validators.mask_phone(value) if value else ""


@register.filter
def mask_pii(value, reveal=False):
    """Free text (ticket content, notes, reasons) with every ID number and mobile
    number in it masked. Full values are shown only through the audited reveal
    actions, so pages mask for everyone; a view that has audited a reveal may pass
    the boolean it computed: ``{{ text|mask_pii:revealed }}``. Returns plain text
    (autoescaped as usual)."""
    if value in (None, ""):
        return ""
    return str(value) if reveal else validators.mask_personal_numbers(value)


@register.filter
def mask_name(value):
    """张*明."""
    return validators.mask_name(value) if value else ""


def _thresholds(request, today: dt.date) -> list[dt.date]:
    """The 1st..n-th working days after ``today``, computed once per request so a
    list of badges costs a fixed number of calendar queries, not one per row."""
    cache = getattr(request, "_jiaotong_deadline_thresholds", None) if request else None
    if cache is not None and cache[0] == today:
        return cache[1]
    days = [
        workdays.add_working_days(today, n)
        for n in range(1, DEADLINE_WARN_WORKING_DAYS + 1)
    ]
    if request is not None:
        request._jiaotong_deadline_thresholds = (today, days)
    return days


def deadline_state(due, today: dt.date, thresholds: list[dt.date]) -> dict:
    """Colour and label for a deadline: red when overdue, yellow when at most
    DEADLINE_WARN_WORKING_DAYS working days are left, green otherwise."""
    if isinstance(due, dt.datetime):
        due = timezone.localdate(due) if timezone.is_aware(due) else due.date()
    if due < today:
        return {"level": "danger", "icon": "exclamation-octagon", "label": "已超期"}
    if due == today:
        return {"level": "warning", "icon": "hourglass-bottom", "label": "今日到期"}
    for left, limit in enumerate(thresholds, start=1):
        if due <= limit:
            return {
                "level": "warning",
                "icon": "hourglass-split",
                "label": f"剩余{left}个工作日",
            }
    return {"level": "success", "icon": "calendar-check", "label": "未到期"}


@register.inclusion_tag("includes/_deadline_badge.html", takes_context=True)
def deadline_badge(context, due, today=None):
    """``{% deadline_badge due_date %}``: a green / yellow / red badge with the date."""
    if not due:
        return {"state": None}
    today = today or timezone.localdate()
    state = deadline_state(due, today, _thresholds(context.get("request"), today))
    return {"state": state, "due": due}


@register.simple_tag
def elided_pages(page_obj):
    """Page numbers with ellipses: ``{% elided_pages page_obj as pages %}``."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=2, on_ends=1
        )
    )


# Audit actions as people say them; an unknown code is shown as recorded.
AUDIT_ACTION_LABELS = {
    "matter_create": "新建事项",
    "matter_update": "修改事项",
    "enterprise_create": "新建企业",
    "enterprise_update": "修改企业信息",
    "enterprise_change_grade": "调整信用等级",
    "login": "登录",
    "logout": "退出",
    "login_failed": "登录失败",
    "account_locked": "账户锁定",
    "session_expired": "会话过期",
}


@register.filter
def audit_action(code):
    return AUDIT_ACTION_LABELS.get(code, code)

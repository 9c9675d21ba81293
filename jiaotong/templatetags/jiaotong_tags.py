"""Template helpers every app may use: masking, deadline badges, pagination.

``{% load jiaotong_tags %}`` then ``{{ person.id_number|mask_id }}``,
``{{ phone|mask_phone }}``, ``{% deadline_badge application.due_date %}``.
"""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

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
    """The 1st..n-th working days after ``today``, from the shared cache (kept
    until the calendar changes), so a list of badges costs no calendar query
    whatever rows the page shows; read once per request, not once per badge (two
    Redis round trips a badge were 60 % of a ticket list page's time)."""
    if request is None:
        return workdays.cached_working_days_after(today, DEADLINE_WARN_WORKING_DAYS)
    memo = request.__dict__.setdefault("_deadline_thresholds", {})
    if today not in memo:
        memo[today] = workdays.cached_working_days_after(
            today, DEADLINE_WARN_WORKING_DAYS
        )
    return memo[today]


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


@register.filter
def audit_action(code):
    from jiaotong.audit.selectors import action_labels

    return action_labels().get(code, code)


# The one table of status colours (Bootstrap text-bg-*), by what a status means
# for the person looking at it, for every record with a workflow: 办件, 热线工单,
# 导出任务. A status missing here shows grey ("secondary").
STATUS_COLOURS = {
    # new, waiting for the desk that registered it
    "received": "primary",
    "pending": "primary",
    # handed over, waiting for someone else
    "dispatched": "info",
    "supplement": "info",
    "return_requested": "info",
    "extension_requested": "info",
    "suspended": "info",
    # being worked on
    "accepted": "warning",
    "under_review": "warning",
    "in_progress": "warning",
    "running": "warning",
    # answered or decided, a last step left
    "replied": "secondary",
    "visited": "secondary",
    "approved": "secondary",
    "denied": "secondary",
    # finished
    "closed": "success",
    "done": "success",
    # ended without the outcome asked for
    "not_accepted": "danger",
    "revoked": "danger",
    "failed": "danger",
    "withdrawn": "dark",
}


@register.simple_tag
def status_badge(record, element_id=""):
    """``{% status_badge ticket %}``: the record's status as a coloured badge."""
    colour = STATUS_COLOURS.get(record.status, "secondary")
    if element_id:
        return format_html(
            '<span class="badge rounded-pill text-bg-{}" id="{}" data-status="{}">{}</span>',
            colour,
            element_id,
            record.status,
            record.get_status_display(),
        )
    return format_html(
        '<span class="badge rounded-pill text-bg-{}" data-status="{}">{}</span>',
        colour,
        record.status,
        record.get_status_display(),
    )


EMPTY_RATE_REASON = "该年度没有可计算的记录（分母为零），比率不适用"


@register.simple_tag
def figure(value, reason=EMPTY_RATE_REASON):
    """``{% figure row.value %}``: an indicator's value, or the one rendering of
    a rate that cannot be computed: "—" with a tooltip saying why (never 0.0%)."""
    if value is None:
        return format_html(
            '<span class="app-empty-rate" title="{}" data-empty-rate>—</span>', reason
        )
    return value

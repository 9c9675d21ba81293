"""Suggestions and proposals: assignment, handling, reply, feedback,
re-handling and closing (DOMAIN.md §7.1)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.calendar.params import get_param
from jiaotong.workflow import WorkflowError, required_text

from ..models import (
    Suggestion,
    SuggestionContact,
)
from ..workflow import (
    SUGGESTION_WORKFLOW,
)
from .common import (
    apply_changes,
    create_record,
    local_day,
    not_future,
    now_or,
    update_record,
)

# DOMAIN.md §7.1: reply within 3 months of assignment, 6 for broad or difficult
# items; re-handle within 1 month of an unsatisfied feedback. RuleParameter rows
# with these keys override the statutory defaults.
REPLY_MONTHS = ("suggestion.reply_months", 3)
DIFFICULT_REPLY_MONTHS = ("suggestion.difficult_reply_months", 6)
REHANDLE_MONTHS = ("suggestion.rehandle_months", 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it has no such
    day (30 Nov + 3 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _months(rule: tuple[str, int], on: dt.date) -> int:
    key, default = rule
    return get_param(key, on=on, default=default)


def suggestion_due_date(assigned_on: dt.date, difficult: bool) -> dt.date:
    rule = DIFFICULT_REPLY_MONTHS if difficult else REPLY_MONTHS
    return add_months(assigned_on, _months(rule, assigned_on))


def rehandle_due_date(feedback_on: dt.date) -> dt.date:
    return add_months(feedback_on, _months(REHANDLE_MONTHS, feedback_on))


# --- Suggestions and proposals -----------------------------------------------------


@transaction.atomic
def suggestion_create(
    *,
    by,
    unit,
    kind: str,
    number: str,
    title: str,
    proposers: str,
    assigned_on: dt.date,
    difficult: bool = False,
    content: str = "",
    co_units=(),
) -> Suggestion:
    """Register an item assigned (交办) to the bureau; the reply is due 3 months
    after assignment, 6 for a difficult one."""
    if Suggestion.objects.filter(kind=kind, number=number).exists():
        raise ValidationError({"number": "该编号已登记。"})
    suggestion = create_record(
        Suggestion,
        by=by,
        action="suggestion_create",
        unit=unit,
        kind=kind,
        number=number,
        title=title,
        proposers=proposers,
        content=content,
        assigned_on=assigned_on,
        difficult=difficult,
        due_date=suggestion_due_date(assigned_on, difficult),
    )
    suggestion.co_units.set([u for u in co_units if u.pk != unit.pk])
    return suggestion


@transaction.atomic
def suggestion_update(*, suggestion: Suggestion, by, co_units=None, **data):
    """Correct the register entry; the reply deadline follows the assignment date
    and the difficulty."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status == Suggestion.Status.CLOSED:
        raise WorkflowError("已办结的建议提案不能修改。")
    assigned_on = data.get("assigned_on", suggestion.assigned_on)
    difficult = data.get("difficult", suggestion.difficult)
    data["due_date"] = suggestion_due_date(assigned_on, difficult)
    suggestion = update_record(suggestion, by=by, action="suggestion_update", data=data)
    if co_units is not None:
        suggestion.co_units.set([u for u in co_units if u.pk != suggestion.unit_id])
    return suggestion


@transaction.atomic
def suggestion_add_contact(
    *, suggestion: Suggestion, by, way: str, contacted_on: dt.date, note: str
) -> SuggestionContact:
    """Record a contact or meeting with the proposer while handling."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status == Suggestion.Status.CLOSED:
        raise WorkflowError("已办结的建议提案不能再登记联系记录。")
    if contacted_on < suggestion.assigned_on:
        raise ValidationError({"contacted_on": "联系日期不能早于交办日期。"})
    contact = SuggestionContact.objects.create(
        suggestion=suggestion,
        way=way,
        contacted_on=contacted_on,
        note=required_text(note, "情况记录"),
        recorded_by=by,
    )
    audit_record(
        by=by,
        action="suggestion_contact",
        obj=suggestion,
        reason=f"{contact.get_way_display()}：{contact.note}",
    )
    return contact


@transaction.atomic
def suggestion_start(*, suggestion: Suggestion, by) -> Suggestion:
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "start", by)
    return SUGGESTION_WORKFLOW.finish(suggestion, "start", by)


@transaction.atomic
def suggestion_reply(
    *,
    suggestion: Suggestion,
    by,
    reply_doc_no: str,
    reply_summary: str,
    outcome: str,
    replied_at: dt.datetime | None = None,
) -> Suggestion:
    """The reply letter (答复) with its outcome class. The first reply is the
    one the year's count goes by (oversight.*); a reply after re-handling is
    recorded as ``rereplied_at``."""
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "reply", by)
    moment = now_or(replied_at)
    not_future(moment, "答复时间")
    if local_day(moment) < suggestion.assigned_on:
        raise ValidationError({"replied_at": "答复时间不能早于交办日期。"})
    data = {
        "reply_doc_no": required_text(reply_doc_no, "答复文号"),
        "reply_summary": reply_summary.strip(),
        "outcome": outcome,
    }
    if suggestion.replied_at is None:
        data["replied_at"] = moment
    else:
        data["rereplied_at"] = moment
        data["feedback"] = ""  # the proposer is asked again
        data["feedback_on"] = None
    changes = apply_changes(suggestion, data)
    return SUGGESTION_WORKFLOW.finish(suggestion, "reply", by, changes=changes)


@transaction.atomic
def suggestion_record_feedback(
    *, suggestion: Suggestion, by, feedback: str, feedback_on: dt.date
) -> Suggestion:
    """The proposer's opinion of the reply; 不满意 opens one month of re-handling."""
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "feedback", by)
    replied = suggestion.rereplied_at or suggestion.replied_at
    if feedback_on < local_day(replied):
        raise ValidationError({"feedback_on": "反馈日期不能早于答复日期。"})
    if feedback_on > timezone.localdate():
        raise ValidationError({"feedback_on": "反馈日期不能晚于今天。"})
    changes = apply_changes(
        suggestion, {"feedback": feedback, "feedback_on": feedback_on}
    )
    return SUGGESTION_WORKFLOW.finish(suggestion, "feedback", by, changes=changes)


@transaction.atomic
def suggestion_rehandle(*, suggestion: Suggestion, by, note: str = "") -> Suggestion:
    """Re-handle an item whose proposer was not satisfied: due one month after
    the feedback (河南 办法 art. 22)."""
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "rehandle", by)
    due = rehandle_due_date(suggestion.feedback_on)
    changes = apply_changes(suggestion, {"rehandle_due": due})
    return SUGGESTION_WORKFLOW.finish(
        suggestion, "rehandle", by, reason=note.strip(), changes=changes
    )


@transaction.atomic
def suggestion_close(*, suggestion: Suggestion, by) -> Suggestion:
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "close", by)
    suggestion.closed_at = timezone.now()
    return SUGGESTION_WORKFLOW.finish(suggestion, "close", by)
